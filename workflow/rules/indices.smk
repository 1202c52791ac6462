# Stage 3b: harmonisation indices of legislation, policy and practice, from the
# coded legal and policy inputs (validated first) and the Frontex arrivals. Their
# figures and table are drawn by the registered job figure_indices.

CODED_TABLES = {
    "eu_instruments": "data/raw/legal/eu_instruments.csv",
    "tr_instruments": "data/raw/legal/tr_instruments.csv",
    "events": "data/raw/policy/events.csv",
    "commission_assessments": "data/raw/policy/commission_assessments.csv",
    "visa_benchmarks": "data/raw/policy/visa_benchmarks.csv",
    "statement_implementation": "data/raw/policy/statement_implementation.csv",
}


rule harmonisation_indices:
    input:
        **CODED_TABLES,
        alignment=sorted(glob("data/raw/legal/alignment/*.csv")),
        # the agreed-units coding leaves out the units the two coders disagreed on
        second_coding="data/raw/legal/second_coding.csv",
        schemas=expand(
            "workflow/schemas/tables/{name}.yaml",
            name=[*CODED_TABLES, "alignment", "second_coding"],
        ),
        frontex="data/processed/frontex.csv",
        # One fact, one record: nothing is computed from inputs that disagree.
        facts_checked="results/checks/facts.json",
        code=code_of("../scripts/indices.py"),
    output:
        annual="data/processed/harmonisation_indices.csv",
        by_instrument="data/processed/legislative_index_by_instrument.csv",
        by_group="data/processed/legislative_index_by_group.csv",
        sensitivity="data/processed/legislative_index_sensitivity.csv",
        numbers="results/numbers/indices.json",
    log:
        "logs/results/harmonisation_indices.log",
    benchmark:
        "benchmarks/out/harmonisation_indices.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        indices=config["indices"],
        tables=list(CODED_TABLES),
        as_of=config["coded_inputs_as_of"],
        multiverse=config["multiverse"]["indices"],
    script:
        "../scripts/indices.py"

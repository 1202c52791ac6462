# Stage 3a: the coded legal and policy inputs across files. One fact, one record: the
# facts that several inputs state (instrument dates and Gazette numbers, intervals,
# citations, the second coding's units) must agree, or nothing computed from them is
# made (results/checks/facts.json is an input of the indices and of the reliability
# numbers). Then the inter-coder reliability of the alignment coding and the check that
# each of its reconciliations follows the codebook's adjudication rule.


rule check_facts:
    input:
        **CODED_TABLES,
        alignment=sorted(glob("data/raw/legal/alignment/*.csv")),
        second_coding="data/raw/legal/second_coding.csv",
        schemas=expand(
            "workflow/schemas/tables/{name}.yaml",
            name=[*CODED_TABLES, "alignment", "second_coding"],
        ),
        code=code_of("../scripts/check_facts.py"),
    output:
        report="results/checks/facts.json",
    log:
        "logs/checks/facts.log",
    # Seconds of work that everything computed from the coded inputs waits for.
    priority: 10
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        tables=list(CODED_TABLES),
        as_of=config["coded_inputs_as_of"],
    script:
        "../scripts/check_facts.py"


rule check_event_citations:
    input:
        events="data/raw/policy/events.csv",
        schema="workflow/schemas/tables/events.yaml",
        texts=sorted(glob("manuscript/*/[0-9]*.md")),
        code=code_of("../scripts/check_event_citations.py"),
    output:
        report="results/checks/event_citations.json",
    log:
        "logs/checks/event_citations.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        as_of=config["coded_inputs_as_of"],
    script:
        "../scripts/check_event_citations.py"


rule coding_reliability:
    input:
        second_coding="data/raw/legal/second_coding.csv",
        schema="workflow/schemas/tables/second_coding.yaml",
        # the adjudication rule each reconciliation must follow, as the codebook states it
        codebook="data/raw/legal/README.md",
        alignment=sorted(glob("data/raw/legal/alignment/*.csv")),
        alignment_schema="workflow/schemas/tables/alignment.yaml",
        # the units are the alignment's applicable intervals, with their scores
        facts_checked="results/checks/facts.json",
        code=code_of("../scripts/reliability.py"),
    output:
        numbers="results/numbers/reliability.json",
    log:
        "logs/results/coding_reliability.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        as_of=config["coded_inputs_as_of"],
        bootstrap=config["coding_reliability"],
    script:
        "../scripts/reliability.py"

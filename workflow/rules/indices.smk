# Stage 3b: harmonisation indices of legislation, policy and practice, from the
# coded legal and policy inputs (validated first) and the Frontex arrivals.

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
        schemas=expand(
            "workflow/schemas/tables/{name}.yaml", name=[*CODED_TABLES, "alignment"]
        ),
        frontex="data/processed/frontex.csv",
        code=code(
            "harmonisation", "indices", "coding", "validate", "io", "series", "manuscript", "localise"
        ),
    output:
        annual="data/processed/harmonisation_indices.csv",
        by_instrument="data/processed/legislative_index_by_instrument.csv",
        by_group="data/processed/legislative_index_by_group.csv",
        sensitivity="data/processed/legislative_index_sensitivity.csv",
        numbers="results/numbers/indices.json",
    params:
        indices=config["indices"],
        tables=list(CODED_TABLES),
        as_of=config["coded_inputs_as_of"],
    conda:
        "../../environment.yml"
    log:
        "logs/results/harmonisation_indices.log",
    script:
        "../scripts/indices.py"


rule figure_indices:
    input:
        annual="data/processed/harmonisation_indices.csv",
        by_group="data/processed/legislative_index_by_group.csv",
        sensitivity="data/processed/legislative_index_sensitivity.csv",
        events="data/raw/policy/events.csv",
        events_schema="workflow/schemas/tables/events.yaml",
        labels="manuscript/labels.yaml",
        code=code(
            "figures", "localise", "coding", "validate", "tables", "harmonisation", "indices",
            "manuscript",
        ),
    output:
        indices_svg=reported("results/figures/{lang}/indices.svg", "indices", "Figures"),
        indices_png=expand("results/figures/{lang}/indices.png", lang=LANGUAGES),
        heatmap_svg=reported(
            "results/figures/{lang}/alignment_heatmap.svg", "alignment_heatmap", "Figures"
        ),
        heatmap_png=expand("results/figures/{lang}/alignment_heatmap.png", lang=LANGUAGES),
        table=reported("results/tables/{lang}/indices.md", "table_indices", "Tables"),
    params:
        languages=LANGUAGES,
        events_marked=config["indices"]["events_marked"],
        key_years=config["indices"]["key_years"],
    conda:
        "../../environment.yml"
    log:
        "logs/figures/indices.log",
    script:
        "../scripts/figure_indices.py"

# Stage 4: regression models on the real data (ITS, DiD), their tables and figures.


rule its_did_models:
    input:
        frontex="data/processed/frontex.csv",
        eu_asyapp="data/processed/eu_asyapp.csv",
        countries="data/processed/countrynames.csv",
        code=code("models", "series", "io", "validate", "manuscript", "localise"),
    output:
        its="results/models/its.json",
        did="results/models/did.json",
        its_paths="results/models/its_paths.csv",
        numbers="results/numbers/models.json",
    params:
        models=config["models"],
    conda:
        "../../environment.yml"
    log:
        "logs/results/its_did_models.log",
    script:
        "../scripts/models.py"


rule model_tables:
    input:
        its="results/models/its.json",
        did="results/models/did.json",
        labels="manuscript/labels.yaml",
        code=code("tables", "localise"),
    output:
        its=reported("results/tables/{lang}/its.md", "table_its", "Tables"),
        did=reported("results/tables/{lang}/did.md", "table_did", "Tables"),
    params:
        languages=LANGUAGES,
    conda:
        "../../environment.yml"
    log:
        "logs/tables/models.log",
    script:
        "../scripts/model_tables.py"


rule figure_models:
    input:
        its="results/models/its.json",
        did="results/models/did.json",
        its_paths="results/models/its_paths.csv",
        labels="manuscript/labels.yaml",
        code=code("figures", "localise", "models", "manuscript"),
    output:
        its_svg=reported(
            "results/figures/{lang}/its_counterfactual.svg", "its_counterfactual", "Figures"
        ),
        its_png=expand("results/figures/{lang}/its_counterfactual.png", lang=LANGUAGES),
        event_svg=reported("results/figures/{lang}/event_study.svg", "event_study", "Figures"),
        event_png=expand("results/figures/{lang}/event_study.png", lang=LANGUAGES),
        specifications_svg=reported(
            "results/figures/{lang}/its_specifications.svg", "its_specifications", "Figures"
        ),
        specifications_png=expand("results/figures/{lang}/its_specifications.png", lang=LANGUAGES),
    params:
        languages=LANGUAGES,
        release={name: config["sources"][name]["release"] for name in ("frontex", "eu_asyapp")},
    conda:
        "../../environment.yml"
    log:
        "logs/figures/models.log",
    script:
        "../scripts/figure_models.py"


rule dejure_model:
    input:
        annual="data/processed/harmonisation_indices.csv",
        code=code("models", "manuscript", "localise"),
    output:
        dejure="results/models/dejure.json",
        numbers="results/numbers/dejure.json",
    params:
        hac_lags=config["models"]["dejure"]["hac_lags"],
    conda:
        "../../environment.yml"
    log:
        "logs/results/dejure_model.log",
    script:
        "../scripts/dejure.py"

# Stage 4: regression models on the real data (ITS, DiD) and the de jure/de facto
# comparison. Their figures and tables are drawn by the registered jobs
# figure_models and model_tables (workflow/registry.yaml).


rule its_did_models:
    input:
        frontex="data/processed/frontex.csv",
        eu_asyapp="data/processed/eu_asyapp.csv",
        countries="data/processed/countrynames.csv",
        code=code_of("../scripts/models.py"),
    output:
        its="results/models/its.json",
        did="results/models/did.json",
        its_paths="results/models/its_paths.csv",
        numbers="results/numbers/models.json",
    log:
        "logs/results/its_did_models.log",
    benchmark:
        "benchmarks/out/its_did_models.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        models=config["models"],
        main={family: config["multiverse"][family]["main"] for family in ("its", "did")},
    script:
        "../scripts/models.py"


rule dejure_model:
    input:
        annual="data/processed/harmonisation_indices.csv",
        code=code_of("../scripts/dejure.py"),
    output:
        dejure="results/models/dejure.json",
        numbers="results/numbers/dejure.json",
    log:
        "logs/results/dejure_model.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        hac_lags=config["models"]["dejure"]["hac_lags"],
    script:
        "../scripts/dejure.py"


rule its_break_test:
    input:
        frontex="data/processed/frontex.csv",
        code=code_of("../scripts/break_test.py"),
    output:
        test="results/models/its_break.json",
        numbers="results/numbers/break.json",
    log:
        "logs/results/its_break_test.log",
    benchmark:
        "benchmarks/out/its_break_test.tsv"
    # One of the longest jobs (the bootstrap: 2 × 199 series refitted at every candidate
    # month) and on the critical path: started as soon as its data are, the other jobs
    # fill the other core beside it.
    priority: 20
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        its=config["models"]["its"],
        main=config["multiverse"]["its"]["main"],
    script:
        "../scripts/break_test.py"

# Stage 3: descriptive results on UNHCR stocks hosted by Türkiye (its figure is drawn
# by the registered job figure_hosted, workflow/registry.yaml).


rule hosted_descriptives:
    input:
        population="data/processed/unhcr_population.csv",
        code=code_of("../scripts/hosted.py"),
    output:
        table="results/tables/hosted_by_origin.csv",
        numbers="results/numbers/hosted.json",
    log:
        "logs/results/hosted_descriptives.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        hosted=config["hosted"],
    script:
        "../scripts/hosted.py"

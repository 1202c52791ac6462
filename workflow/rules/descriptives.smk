# Stage 3: descriptive results on UNHCR stocks hosted by Türkiye (its figure is drawn
# by the registered job figure_hosted, workflow/registry.yaml).
from asylum_regime.releases import latest_period


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
        # When the latest figures stand (the pin's period) and each language's words for
        # it: a mid-year release's last year is "mid-2025", not "the end of 2025".
        latest=latest_period(SOURCE_PERIODS, "unhcr_population").as_config(),
        period_words={code: PAPER.labels[code]["periods"] for code in PAPER.codes},
    script:
        "../scripts/hosted.py"

# Stage 3: descriptive results on UNHCR stocks hosted by Türkiye, and their figure.


rule hosted_descriptives:
    input:
        population="data/processed/unhcr_population.csv",
        code=code("descriptives", "io", "validate", "manuscript", "localise"),
    output:
        table="results/tables/hosted_by_origin.csv",
        numbers="results/numbers/hosted.json",
    params:
        hosted=config["hosted"],
    conda:
        "../../environment.yml"
    log:
        "logs/results/hosted_descriptives.log",
    script:
        "../scripts/hosted.py"


rule figure_hosted:
    input:
        table="results/tables/hosted_by_origin.csv",
        countries="data/processed/countrynames.csv",
        labels="manuscript/labels.yaml",
        code=code("figures", "localise", "descriptives", "io", "validate", "manuscript"),
    output:
        svg=reported("results/figures/{lang}/unhcr_hosted.svg", "unhcr_hosted", "Figures"),
        png=expand("results/figures/{lang}/unhcr_hosted.png", lang=LANGUAGES),
    params:
        languages=LANGUAGES,
        release=config["sources"]["unhcr_population"]["release"],
    conda:
        "../../environment.yml"
    log:
        "logs/figures/unhcr_hosted.log",
    script:
        "../scripts/figure_hosted.py"

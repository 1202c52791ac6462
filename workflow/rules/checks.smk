# Stage 6: checks of the text against the results (claims) and of the languages
# against each other (parity). The documents are rendered only when both pass.


rule check_claims:
    input:
        numbers=NUMBERS,
        claims="manuscript/claims.yaml",
        code=code("claims", "manuscript", "localise"),
    output:
        report="results/checks/claims.json",
    # Seconds of work that should not wait behind the documents.
    priority: 10
    conda:
        "../../environment.yml"
    log:
        "logs/checks/claims.log",
    script:
        "../scripts/check_claims.py"


rule check_parity:
    input:
        sources=expand_sources(LANGUAGES),
        bibliography=["manuscript/references.bib", "results/bibliography/datasets.bib"],
        code=code("parity", "manuscript", "localise"),
    output:
        report="results/checks/parity.json",
    params:
        languages=LANGUAGES,
    # Seconds of work that should not wait behind the documents.
    priority: 10
    conda:
        "../../environment.yml"
    log:
        "logs/checks/parity.log",
    script:
        "../scripts/check_parity.py"


rule snapshot:
    input:
        numbers=NUMBERS,
        claims="manuscript/claims.yaml",
        code=code("changes", "claims", "manuscript", "localise"),
    output:
        snapshot="results/snapshot.json",
    params:
        languages=LANGUAGES,
    conda:
        "../../environment.yml"
    log:
        "logs/checks/snapshot.log",
    script:
        "../scripts/snapshot.py"

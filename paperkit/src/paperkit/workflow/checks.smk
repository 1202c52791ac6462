# Claims checked against the results, the figures' colours checked for readers with
# colour-vision deficiencies (paperkit.colours), and the snapshot of every number and claim
# that the change report compares. Needs PAPER (paperkit.paper.Paper).


rule check_claims:
    input:
        numbers=PAPER.numbers,
        claims=PAPER.manuscript["claims"],
        labels=PAPER.manuscript["labels"],
        specifications=list(PAPER.specification_tables.values()),
        code=code_of("scripts/check_claims.py"),
    output:
        report="results/checks/claims.json",
    log:
        "logs/checks/claims.log",
    # Seconds of work that should not wait behind the documents.
    priority: 10
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        languages=PAPER.codes,
    script:
        "scripts/check_claims.py"


rule check_claim_mutants:
    input:
        numbers=PAPER.numbers,
        claims=PAPER.manuscript["claims"],
        specifications=list(PAPER.specification_tables.values()),
        # mutants of claims that hold: the claims check first
        claims_checked="results/checks/claims.json",
        code=code_of("scripts/check_claim_mutants.py"),
    output:
        report="results/checks/claim_mutants.json",
    log:
        "logs/checks/claim_mutants.log",
    priority: 10
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        languages=PAPER.codes,
    script:
        "scripts/check_claim_mutants.py"


rule check_figure_colours:
    input:
        colours=[
            f"results/figures/colours/{job}.json"
            for job in PAPER.registry.jobs
            if PAPER.registry.figures_of(job)
        ],
        code=code_of("scripts/check_figure_colours.py"),
    output:
        report="results/checks/figure_colours.json",
    log:
        "logs/checks/figure_colours.log",
    priority: 10
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        minimum=PAPER.registry.figure_colours["min_distance"],
    script:
        "scripts/check_figure_colours.py"


rule snapshot:
    input:
        numbers=PAPER.numbers,
        claims=PAPER.manuscript["claims"],
        specifications=list(PAPER.specification_tables.values()),
        code=code_of("scripts/snapshot.py"),
    output:
        snapshot="results/snapshot.json",
    log:
        "logs/checks/snapshot.log",
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "scripts/snapshot.py"

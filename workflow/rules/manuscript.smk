# Stage 5: the manuscript. Each language's text is the files manuscript/<lang>/*.md
# in name order (00-front.md holds the metadata). Per language, one job resolves
# the numbers, figure paths and cross-references, then renders PDF (via Typst),
# HTML and DOCX with Pandoc. One job, not four: a text edit, the commonest rebuild, then costs one
# Python start per language.

# Every results file whose numbers the text may quote.
NUMBERS = [
    "results/numbers/sources.json",
    "results/numbers/hosted.json",
    "results/numbers/indices.json",
    "results/numbers/models.json",
    "results/numbers/dejure.json",
]
# Figures each language's text shows (results/figures/<lang>/<name>.{svg,png}).
FIGURES = [
    "unhcr_hosted",
    "indices",
    "alignment_heatmap",
    "its_counterfactual",
    "its_specifications",
    "event_study",
]
# Generated tables each language's text includes (results/tables/<lang>/<name>.md).
TABLES = ["indices", "its", "did"]
PANDOC_DEFAULTS = {
    "citeproc": ["manuscript/defaults/citeproc.yaml"],
    **{
        kind: ["manuscript/defaults/common.yaml", f"manuscript/defaults/{kind}.yaml"]
        for kind in ("html", "docx", "typst")
    },
}


rule render_paper:
    input:
        sources=manuscript_sources,
        numbers=NUMBERS,
        svg=figure_files("svg"),
        png=figure_files("png"),
        tables=table_files,
        claims="manuscript/claims.yaml",
        # Only a text whose claims the results support, and whose languages agree, is
        # rendered: both checks are inputs, so they gate the documents at any core count.
        claims_checked="results/checks/claims.json",
        parity_checked="results/checks/parity.json",
        defaults=sorted({path for paths in PANDOC_DEFAULTS.values() for path in paths}),
        templates=[
            "manuscript/templates/paper.css",
            "manuscript/templates/header.typ",
            "manuscript/filters/png-images.lua",
            "manuscript/filters/html-provenance.lua",
        ],
        bibliography=["manuscript/references.bib", "results/bibliography/datasets.bib"],
        code=code("manuscript", "localise", "render"),
    output:
        markdown="manuscript/build/{lang}/paper.md",
        typst="manuscript/build/{lang}/paper.typ",
        html="manuscript/build/{lang}/paper.html",
        docx="manuscript/build/{lang}/paper.docx",
        pdf="manuscript/build/{lang}/paper.pdf",
    params:
        figure_prefix="results/figures/{lang}",
        # Where each figure and table came from (the English files stand for both languages).
        provenance={
            **{name: made_by(f"results/figures/en/{name}.svg") for name in FIGURES},
            **{f"tbl:{name}": made_by(f"results/tables/en/{name}.md") for name in TABLES},
        },
        pandoc=PANDOC,
        defaults=PANDOC_DEFAULTS,
        # A copy of each good document, for readers while a later build fails. It is
        # never an input of anything, and never current output (see README).
        last_good="manuscript/last-good/{lang}",
    wildcard_constraints:
        lang="|".join(LANGUAGES),
    conda:
        "../../environment.yml"
    log:
        "logs/manuscript/render_{lang}.log",
    script:
        "../scripts/render_paper.py"


onerror:
    # A failed run leaves no document where a reader would take it for the current
    # paper: the six documents are removed (the next run renders them again once the
    # failure is fixed); the last documents that passed every check stay in
    # manuscript/last-good/ (copied by the render job).
    documents = expand("manuscript/build/{lang}/paper.{ext}", lang=LANGUAGES, ext=DOCUMENT_FORMATS)
    removed = [path for path in documents if Path(path).is_file() and not workflow.dryrun]
    for path in removed:
        Path(path).unlink()
    if removed:
        print(
            "The build failed: the documents in manuscript/build/ were removed, so that none is "
            "mistaken for the current paper; the last good ones are in manuscript/last-good/.",
            file=sys.stderr,
        )

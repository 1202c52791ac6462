# Stage 5: the manuscript. Resolve numbers, figure paths and cross-references
# per language, then render PDF (via Typst), HTML and DOCX with Pandoc.

# Every results file whose numbers the text may quote.
NUMBERS = ["results/numbers/hosted.json"]
# Figures each language's text shows (results/figures/<lang>/<name>.{svg,png}).
FIGURES = ["unhcr_hosted"]
PANDOC_COMMON = "manuscript/defaults/common.yaml"


rule resolve_manuscript:
    input:
        source="manuscript/{lang}/paper.md",
        numbers=NUMBERS,
    output:
        "manuscript/build/{lang}/paper.md",
    params:
        figure_prefix="results/figures/{lang}",
    wildcard_constraints:
        lang="|".join(LANGUAGES),
    conda:
        "../../environment.yml"
    log:
        "logs/manuscript/resolve_{lang}.log",
    script:
        "../scripts/resolve_manuscript.py"


rule render_html:
    input:
        text="manuscript/build/{lang}/paper.md",
        figures=figure_files("svg"),
        defaults=[PANDOC_COMMON, "manuscript/defaults/html.yaml"],
        style="manuscript/templates/paper.css",
        bibliography="manuscript/references.bib",
    output:
        "manuscript/build/{lang}/paper.html",
    conda:
        "../../environment.yml"
    log:
        "logs/manuscript/html_{lang}.log",
    params:
        pandoc=PANDOC,
    shell:
        "{params.pandoc:q} {input.text} --defaults {input.defaults[0]} "
        "--defaults {input.defaults[1]} --output {output} 2> {log}"


rule render_docx:
    input:
        text="manuscript/build/{lang}/paper.md",
        figures=figure_files("png"),
        defaults=[PANDOC_COMMON, "manuscript/defaults/docx.yaml"],
        bibliography="manuscript/references.bib",
    output:
        "manuscript/build/{lang}/paper.docx",
    conda:
        "../../environment.yml"
    log:
        "logs/manuscript/docx_{lang}.log",
    params:
        pandoc=PANDOC,
    shell:
        "{params.pandoc:q} {input.text} --defaults {input.defaults[0]} "
        "--defaults {input.defaults[1]} --output {output} 2> {log}"


rule render_typst:
    input:
        text="manuscript/build/{lang}/paper.md",
        defaults=[PANDOC_COMMON, "manuscript/defaults/typst.yaml"],
        header="manuscript/templates/header.typ",
        bibliography="manuscript/references.bib",
    output:
        "manuscript/build/{lang}/paper.typ",
    conda:
        "../../environment.yml"
    log:
        "logs/manuscript/typst_{lang}.log",
    params:
        pandoc=PANDOC,
    shell:
        "{params.pandoc:q} {input.text} --defaults {input.defaults[0]} "
        "--defaults {input.defaults[1]} --output {output} 2> {log}"


rule compile_pdf:
    input:
        typst="manuscript/build/{lang}/paper.typ",
        figures=figure_files("svg"),
    output:
        "manuscript/build/{lang}/paper.pdf",
    conda:
        "../../environment.yml"
    log:
        "logs/manuscript/pdf_{lang}.log",
    script:
        "../scripts/compile_pdf.py"

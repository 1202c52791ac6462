# Deliverables built on demand, never by the default target (each costs more than a
# text edit's rebuild): the journal's DOCX and figure files (`snakemake journal`,
# `make journal`), and the tracked-changes diff of the paper against an earlier commit
# (`make diff BASE=<ref>`: the target <build>/diff/<commit>/summary.md). The reviewer
# bundle (`make bundle`, paperkit.bundle) builds both in a clean clone. Needs PAPER and
# the manuscript's rules (manuscript.smk); include before provenance.smk. The defaults
# folder (paperkit's, or the paper's own) holds journal-docx.yaml, diff.yaml and
# diff-docx.yaml.

DIFF = f"{BUILD}/diff"
JOURNAL_DEFAULTS = {
    "citeproc": PANDOC_DEFAULTS["citeproc"],
    "docx": PANDOC_DEFAULTS["docx"] + [os.path.join(DEFAULTS_FOLDER, "journal-docx.yaml")],
}
DIFF_DEFAULTS = {
    "citeproc": PANDOC_DEFAULTS["citeproc"],
    "docx": PANDOC_DEFAULTS["docx"] + [os.path.join(DEFAULTS_FOLDER, "diff-docx.yaml")],
    **{
        kind: PANDOC_DEFAULTS[kind] + [os.path.join(DEFAULTS_FOLDER, "diff.yaml")]
        for kind in ("html", "typst")
    },
}


# The nested build of the base revision needs git and the mirror or network, as
# acquisition does: it runs where Snakemake runs.
localrules:
    journal,
    diff_base,


rule journal_docx:
    input:
        resolved=f"{BUILD}/{{lang}}/paper.json",
        png=lambda wildcards: PAPER.figure_files(wildcards.lang, "png"),
        bibliography=PAPER.manuscript["bibliography"],
        defaults=pandoc_defaults_inputs(JOURNAL_DEFAULTS),
        code=code_of("scripts/journal_docx.py"),
    output:
        docx=f"{BUILD}/{{lang}}/paper-journal.docx",
    log:
        "logs/deliverables/journal_docx_{lang}.log",
    wildcard_constraints:
        lang="|".join(LANGUAGES),
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        # the tools' versions, not where they are installed: a moved project reruns nothing
        tools=TOOL_VERSIONS,
        defaults=JOURNAL_DEFAULTS,
    script:
        "scripts/journal_docx.py"


rule journal_figures:
    input:
        resolved=f"{BUILD}/{{lang}}/paper.json",
        svg=lambda wildcards: PAPER.figure_files(wildcards.lang, "svg"),
        code=code_of("scripts/journal_figures.py"),
    output:
        # figure-NN-<id>.pdf and .png (600 dpi), numbered in document order, and figures.json
        figures=directory(f"{BUILD}/{{lang}}/figures"),
    log:
        "logs/deliverables/journal_figures_{lang}.log",
    wildcard_constraints:
        lang="|".join(LANGUAGES),
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "scripts/journal_figures.py"


rule journal:
    input:
        expand(f"{BUILD}/{{lang}}/paper-journal.docx", lang=LANGUAGES),
        expand(f"{BUILD}/{{lang}}/figures", lang=LANGUAGES),


rule diff_base:
    output:
        # each language's text at the base commit, citations resolved, its images copied
        cited=expand(f"{DIFF}/{{{{base}}}}/base/{{lang}}.json", lang=LANGUAGES),
        files=directory(f"{DIFF}/{{base}}/base/files"),
        snapshot=f"{DIFF}/{{base}}/base/snapshot.json",
        record=f"{DIFF}/{{base}}/base/build.json",
    log:
        "logs/deliverables/diff_base_{base}.log",
    wildcard_constraints:
        base="[0-9a-f]{7,40}",
    conda:
        MACHINERY_CONDA
    threads: 2
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        languages=LANGUAGES,
        # the tools' versions, not where they are installed: a moved project reruns nothing
        tools=TOOL_VERSIONS,
    script:
        "scripts/diff_base.py"


rule diff_marks:
    input:
        old=f"{DIFF}/{{base}}/base/{{lang}}.json",
        old_files=f"{DIFF}/{{base}}/base/files",
        new=f"{BUILD}/{{lang}}/paper.json",
        svg=lambda wildcards: PAPER.figure_files(wildcards.lang, "svg"),
        png=lambda wildcards: PAPER.figure_files(wildcards.lang, "png"),
        labels=PAPER.manuscript["labels"],
        bibliography=PAPER.manuscript["bibliography"],
        defaults=DIFF_DEFAULTS["citeproc"],
        code=code_of("scripts/diff_marks.py"),
    output:
        # the current text with what changed marked, and the summary of it (words per
        # section, numbers that changed as the text shows them, flagged figures)
        marked=f"{DIFF}/{{base}}/{{lang}}/marked.json",
        summary=f"{DIFF}/{{base}}/{{lang}}/summary.json",
    log:
        "logs/deliverables/diff_marks_{base}_{lang}.log",
    wildcard_constraints:
        base="[0-9a-f]{7,40}",
        lang="|".join(LANGUAGES),
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        # the tools' versions, not where they are installed: a moved project reruns nothing
        tools=TOOL_VERSIONS,
        citeproc=DIFF_DEFAULTS["citeproc"],
    script:
        "scripts/diff_marks.py"


rule diff_paper:
    input:
        marked=f"{DIFF}/{{base}}/{{lang}}/marked.json",
        # every language's summary: the changed numbers are named from all of them
        summaries=expand(f"{DIFF}/{{{{base}}}}/{{lang}}/summary.json", lang=LANGUAGES),
        old_files=f"{DIFF}/{{base}}/base/files",
        old_snapshot=f"{DIFF}/{{base}}/base/snapshot.json",
        snapshot="results/snapshot.json",
        svg=lambda wildcards: PAPER.figure_files(wildcards.lang, "svg"),
        png=lambda wildcards: PAPER.figure_files(wildcards.lang, "png"),
        labels=PAPER.manuscript["labels"],
        defaults=pandoc_defaults_inputs(DIFF_DEFAULTS),
        code=code_of("scripts/diff_paper.py"),
    output:
        docx=f"{DIFF}/{{base}}/{{lang}}/paper-diff.docx",
        html=f"{DIFF}/{{base}}/{{lang}}/paper-diff.html",
        pdf=f"{DIFF}/{{base}}/{{lang}}/paper-diff.pdf",
    log:
        "logs/deliverables/diff_paper_{base}_{lang}.log",
    wildcard_constraints:
        base="[0-9a-f]{7,40}",
        lang="|".join(LANGUAGES),
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        # the tools' versions, not where they are installed: a moved project reruns nothing
        tools=TOOL_VERSIONS,
        defaults=DIFF_DEFAULTS,
        languages=LANGUAGES,
    script:
        "scripts/diff_paper.py"


rule diff_summary:
    input:
        summaries=expand(f"{DIFF}/{{{{base}}}}/{{lang}}/summary.json", lang=LANGUAGES),
        documents=expand(
            f"{DIFF}/{{{{base}}}}/{{lang}}/paper-diff.{{ext}}",
            lang=LANGUAGES,
            ext=["docx", "html", "pdf"],
        ),
        old_snapshot=f"{DIFF}/{{base}}/base/snapshot.json",
        snapshot="results/snapshot.json",
        labels=PAPER.manuscript["labels"],
        code=code_of("scripts/diff_summary.py"),
    output:
        # the one-screen summary of every language (make diff prints it), and the full
        # change report of the numbers and claims
        summary=f"{DIFF}/{{base}}/summary.md",
        changes=f"{DIFF}/{{base}}/changes.md",
    log:
        "logs/deliverables/diff_summary_{base}.log",
    wildcard_constraints:
        base="[0-9a-f]{7,40}",
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        languages=LANGUAGES,
    script:
        "scripts/diff_summary.py"


# Made only when asked for: never targets of the paper's default rule (every_output).
ON_DEMAND_RULES = [
    "journal_docx",
    "journal_figures",
    "journal",
    "diff_base",
    "diff_marks",
    "diff_paper",
    "diff_summary",
]

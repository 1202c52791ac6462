# The manuscript: every language's text read once into Pandoc's AST and checked for
# parity (check_parity), then, per language, resolved against the results and
# rendered to PDF (via Typst), HTML and DOCX (render_paper). The documents are
# rendered only when every claim holds and the languages agree: both checks are
# inputs of rendering, at any core count. What a reader sees is checked after
# rendering (check_layout): a document that fails it is taken away with the build's
# failure (onerror below), so that it is never current output. Needs PAPER
# (paperkit.paper.Paper).
from paperkit.snakefile import lost_to_failure, pandoc_defaults_inputs

LANGUAGES = PAPER.codes
BUILD = PAPER.build
DEFAULTS_FOLDER = PAPER.defaults_folder
PANDOC_DEFAULTS = {
    "citeproc": [os.path.join(DEFAULTS_FOLDER, "citeproc.yaml")],
    **{
        kind: [os.path.join(DEFAULTS_FOLDER, name) for name in ("common.yaml", f"{kind}.yaml")]
        for kind in ("html", "docx", "typst")
    },
}

# The documents' folders must be writable before any job starts: Snakemake itself would
# stop with a traceback (a file where a folder should be) or fail the render jobs one
# by one (a read-only folder).
for _lang in LANGUAGES:
    if _problem := unwritable_folder(f"{BUILD}/{_lang}"):
        sys.exit(f"The documents' folder {_problem}")


rule check_parity:
    input:
        sources=[path for lang in LANGUAGES for path in PAPER.sources(lang)],
        bibliography=PAPER.manuscript["bibliography"],
        labels=PAPER.manuscript["labels"],
        # one term per concept (optional: a paper without a glossary has none)
        glossary=PAPER.manuscript.get("glossary", []),
        code=code_of("scripts/check_parity.py"),
    output:
        report="results/checks/parity.json",
        # each language's text as Pandoc read it, for its render job
        ast=expand(f"{BUILD}/{{lang}}/source.json", lang=LANGUAGES),
    log:
        "logs/checks/parity.log",
    # Seconds of work that should not wait behind the documents.
    priority: 10
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        languages=LANGUAGES,
        # the tools' versions, not where they are installed: a moved project reruns nothing
        tools=TOOL_VERSIONS,
    script:
        "scripts/check_parity.py"


rule render_paper:
    input:
        ast=f"{BUILD}/{{lang}}/source.json",
        sources=lambda wildcards: PAPER.sources(wildcards.lang),
        numbers=PAPER.numbers,
        svg=lambda wildcards: PAPER.figure_files(wildcards.lang, "svg"),
        png=lambda wildcards: PAPER.figure_files(wildcards.lang, "png"),
        tables=lambda wildcards: PAPER.table_files(wildcards.lang),
        claims=PAPER.manuscript["claims"],
        labels=PAPER.manuscript["labels"],
        # Only a text whose claims the results support, whose languages agree and
        # whose figures' categories can be told apart by colour is rendered.
        claims_checked="results/checks/claims.json",
        # ... and whose claims' checks fail on every result that makes them false
        mutants_checked="results/checks/claim_mutants.json",
        parity_checked="results/checks/parity.json",
        figure_colours_checked="results/checks/figure_colours.json",
        # the defaults files and the filters and templates they name
        defaults=pandoc_defaults_inputs(PANDOC_DEFAULTS),
        # files the paper's own defaults read besides those (manuscript.templates)
        templates=PAPER.manuscript.get("templates", []),
        bibliography=PAPER.manuscript["bibliography"],
        code=code_of("scripts/render_paper.py"),
    output:
        resolved=f"{BUILD}/{{lang}}/paper.json",
        typst=f"{BUILD}/{{lang}}/paper.typ",
        html=f"{BUILD}/{{lang}}/paper.html",
        docx=f"{BUILD}/{{lang}}/paper.docx",
        pdf=f"{BUILD}/{{lang}}/paper.pdf",
    log:
        "logs/manuscript/render_{lang}.log",
    benchmark:
        "benchmarks/out/render_paper_{lang}.tsv"
    wildcard_constraints:
        lang="|".join(LANGUAGES),
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        figure_prefix="results/figures/{lang}",
        # Where each figure and table came from, shown in the HTML.
        provenance=lambda wildcards: made_by_map(wildcards.lang),
        # where the repository is published: the HTML links the rule's files there
        repository_url=PAPER.manuscript.get("repository_url", ""),
        # the tools' versions, not where they are installed: a moved project reruns nothing
        tools=TOOL_VERSIONS,
        defaults=PANDOC_DEFAULTS,
    script:
        "scripts/render_paper.py"


rule check_layout:
    input:
        pdf=f"{BUILD}/{{lang}}/paper.pdf",
        html=f"{BUILD}/{{lang}}/paper.html",
        docx=f"{BUILD}/{{lang}}/paper.docx",
        labels=PAPER.manuscript["labels"],
        code=code_of("scripts/check_layout.py"),
    output:
        # the axe-core summary (the build fails on any other finding)
        report="results/checks/layout-{lang}.json",
        # for a reviewer: the DOCX as LibreOffice lays it out (paper.docx.pdf) and
        # screenshots of the first screen, every figure and table at each viewport
        views=directory(f"{BUILD}/{{lang}}/layout"),
    log:
        "logs/checks/layout_{lang}.log",
    benchmark:
        "benchmarks/out/check_layout_{lang}.tsv"
    wildcard_constraints:
        lang="|".join(LANGUAGES),
    conda:
        MACHINERY_CONDA
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        layout=config.get("layout", {}),
        # A copy of each good document, for readers while a later build fails. It is
        # never an input of anything, and never current output (see README).
        last_good=f"{PAPER.manuscript['folder']}/last-good/{{lang}}",
    script:
        "scripts/check_layout.py"


# The jobs of the machinery's rules with wildcards that every build runs, by rule (for the
# paper's default target, paperkit.snakefile.every_output).
_EACH_LANGUAGE = [{"lang": lang} for lang in LANGUAGES]
MACHINERY_JOBS = {"render_paper": _EACH_LANGUAGE, "check_layout": _EACH_LANGUAGE}


onerror:
    # A failed run takes away the documents that depended on what failed: those whose
    # render job was due and failed, or read (through other jobs) from a job that failed,
    # so that none is mistaken for the current paper (the next run renders them again
    # once the failure is fixed). Nothing else: a failed diff, journal or bundle job takes
    # no document away, even when the run stopped before a due render job started (those
    # documents stay as they were, out of date, and the next run renders them), and a run
    # that fails before any job (an invalid config) changes nothing. The last documents
    # that passed every check stay in the last-good folder (copied by the layout check).
    # The documents of a language whose layout check was due and did not pass (its
    # report missing or older than the PDF) go too: unchecked is not current.
    needrun = list(workflow.dag.needrun_jobs())
    scheduler = workflow.scheduler
    render_jobs = [job for job in needrun if job.rule.name == "render_paper"]
    due = {
        str(path)
        for job in lost_to_failure(
            render_jobs,
            getattr(scheduler, "failed", ()) if scheduler else (),
            workflow.dag.dependencies,
        )
        for path in job.output
    }
    for job in needrun:
        if job.rule.name != "check_layout":
            continue
        report, pdf = Path(job.output.report), Path(job.input.pdf)
        if not report.is_file() or (
            pdf.is_file() and report.stat().st_mtime < pdf.stat().st_mtime
        ):
            due.update(str(path) for path in (job.input.pdf, job.input.html, job.input.docx))
    removed = [path for path in PAPER.documents() if path in due and Path(path).is_file()]
    for path in removed:
        Path(path).unlink()
    if removed:
        print(
            f"The build failed: the documents in {BUILD}/ that depended on what failed were "
            f"removed, so that none is mistaken for the current paper; the last good ones "
            f"are in {PAPER.manuscript['folder']}/last-good/.",
            file=sys.stderr,
        )

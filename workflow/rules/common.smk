# Shared settings of the workflow: paths, languages, environment of every job.
import os
import subprocess
import sys
from glob import glob
from pathlib import Path

import pypandoc
from snakemake.io import report as report_flag  # `report(` would parse as a directive

LANGUAGES = config["languages"]
DOCUMENT_FORMATS = ["pdf", "html", "docx"]
SOURCES = sorted(config["sources"])
PANDOC = pypandoc.get_pandoc_path()

# The `analysis` package lives at the repository root; Snakemake hands this
# process's sys.path on to every script job, so the jobs can import it too.
sys.path.insert(0, workflow.basedir)


def _last_commit_time() -> str:
    """Seconds since the epoch of the last commit that changed the paper: the build's only
    notion of 'now'. Commits touching only reproducibility/ (the checksum manifest) do not
    count, or recording the manifest would change the dates inside the documents."""
    try:
        return subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", ".", ":(exclude)reproducibility"],
            cwd=workflow.basedir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip() or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


# Dates written into documents (DOCX properties, PDF metadata) come from here.
os.environ.setdefault("SOURCE_DATE_EPOCH", _last_commit_time())

# One BLAS thread per job: jobs already run side by side on the cores. (A setting
# in the environment wins; outputs are canonical either way, see analysis/atomic.py.)
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

# Snakemake's command line switches on a job rate limiter (100 jobs per second)
# that its Python API leaves off. On one machine it limits nothing on a DAG this
# size, and its re-evaluation timer keeps Snakemake alive for a second after the
# last job. Off unless a profile chose another limit (a cluster profile should).
_limit = getattr(workflow.scheduling_settings, "max_jobs_per_timespan", None)
if _limit is not None and (_limit.max_jobs, _limit.timespan) == (100, 1):
    workflow.scheduling_settings.max_jobs_per_timespan = None

# A run killed with `kill -9` leaves Snakemake's lock behind; clear it when no
# Snakemake process is running here (Snakemake takes its own lock after parsing).
from analysis.locks import clear_stale_locks

if _lock_message := clear_stale_locks(Path(workflow.basedir)):
    print(_lock_message, file=sys.stderr)


def figure_files(extension):
    """The figure files a language's document embeds (input function of the render rules)."""
    return lambda wildcards: expand(
        "results/figures/{lang}/{name}.{ext}",
        lang=wildcards.lang,
        name=FIGURES,
        ext=extension,
    )


def table_files(wildcards):
    """The generated tables a language's document includes (input function of the render rule)."""
    return expand("results/tables/{lang}/{name}.md", lang=wildcards.lang, name=TABLES)


def code(*modules):
    """The analysis modules a rule's script imports, as inputs: editing one reruns the rule.

    (Snakemake itself only notices changes to the script file.)
    """
    return [f"analysis/{name}.py" for name in sorted({"atomic", "jobs", *modules})]


def expand_sources(languages):
    """Every section file of the given languages' texts, each language in name order."""
    return [path for lang in languages for path in sorted(glob(f"manuscript/{lang}/*.md"))]


def manuscript_sources(wildcards):
    """A language's text: its section files in name order (input function of the render rule)."""
    return expand_sources([wildcards.lang])


def products():
    """Every file the workflow makes, wildcard rules expanded (call after every include)."""
    files = expand("data/raw/sources/{source}.rda", source=SOURCES)
    files += expand("data/processed/{dataset}.csv", dataset=TIDY_DATASETS)
    files += expand(
        "manuscript/build/{lang}/paper.{ext}",
        lang=LANGUAGES,
        ext=["md", "typ", *DOCUMENT_FORMATS],
    )
    for defined in workflow.rules:
        if defined.name != "all" and not defined.has_wildcards():
            files += [str(path) for path in defined.output]
    return sorted(set(files))


def reported(pattern, name, category):
    """One figure's or table's files per language, flagged for `snakemake --report`
    with the caption in workflow/report/<name>.rst."""
    return [
        report_flag(
            path, caption=f"../report/{name}.rst", category=category, labels={"language": lang}
        )
        for lang, path in zip(LANGUAGES, expand(pattern, lang=LANGUAGES))
    ]


def made_by(path):
    """'rule|script|input,input,…' of the rule that writes ``path`` (its data inputs, not
    its code), for the HTML paper's link from a figure or table to where it came from."""
    for defined in workflow.rules:
        if path in [str(output) for output in defined.output]:
            script = os.path.normpath(os.path.join("workflow/rules", defined.script or ""))
            inputs = [
                str(item)
                for item in defined.input
                if isinstance(item, str) and not str(item).startswith("analysis/")
            ]
            return "|".join([defined.name, script, ",".join(inputs)])
    raise ValueError(f"no rule writes {path}")

"""Check that the two languages carry the same sections, figures, tables, numbers, claims
and citations, and that citations and bibliography match; fail with the differences."""

from pathlib import Path

from analysis.atomic import write_json
from analysis.jobs import run_job
from analysis.parity import parity_problems, skeleton

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    texts = {}
    for lang in snakemake.params.languages:
        files = [path for path in snakemake.input.sources if Path(path).parts[1] == lang]
        texts[lang] = "\n".join(Path(path).read_text(encoding="utf-8") for path in files)
    bibliography = "\n".join(Path(path).read_text("utf-8") for path in snakemake.input.bibliography)
    problems = parity_problems(texts, bibliography)
    if problems:
        raise ValueError("the two languages differ:\n  " + "\n  ".join(problems))
    counts = {part: len(items) for part, items in skeleton(texts["en"]).items()}
    write_json({"identical_skeletons": True, "counts": counts}, snakemake.output.report)


run_job(snakemake, main)

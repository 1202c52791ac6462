"""The diff's one-screen summary in every language (words added and removed per
section, numbers changed in the text, figures and tables flagged, claims whose truth
changed), and the full change report of the numbers and claims (paperkit.changes)."""

from pathlib import Path

import yaml

from paperkit.atomic import read_json, write_text
from paperkit.changes import compare, report_markdown, snapshot_languages
from paperkit.jobs import run_job
from paperkit.trackdiff import labels_for, summary_markdown
from paperkit.trackdiff.summary import named_numbers

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    base = snakemake.wildcards.base
    new = read_json(snakemake.input.snapshot)
    changes = compare(read_json(snakemake.input.old_snapshot), new)
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))
    folder = Path(snakemake.output.summary).parent
    records = {
        lang: read_json(path)
        for lang, path in zip(snakemake.params.languages, snakemake.input.summaries, strict=True)
    }
    names = named_numbers({k: r["summary"]["numbers"] for k, r in records.items()}, changes)
    lines = [f"# The paper since {base}", ""]
    for lang, record in records.items():
        words = labels_for(lang, labels[lang])
        documents = ", ".join(
            f"`{folder / lang / f'paper-diff.{ext}'}`" for ext in ("docx", "html", "pdf")
        )
        lines += [
            f"## {lang}: {words['title']}",
            "",
            summary_markdown(record["summary"], words, changes, lang, names),
            words["tracked"].format(author=record["author"], date=record["date"])
            + f": {documents}",
            "",
        ]
    write_text("\n".join(lines), snakemake.output.summary)
    title = f"What changed in the paper's numbers and claims: {base} → the current build"
    write_text(report_markdown(changes, title, snapshot_languages(new)), snakemake.output.changes)


run_job(snakemake, main)

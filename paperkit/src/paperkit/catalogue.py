"""The placeholder catalogue: every number the text may quote, with its value in each
language and the rule that makes it.

    python -m paperkit.catalogue [--config config/config.yaml] [--output numbers.md]

Run from the paper's root after a build (`make numbers`); the rule of each
results file comes from the records its job wrote (``paperkit.jobs``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from paperkit.languages import languages_from_config
from paperkit.numbers import Number
from paperkit.provenance import job_records
from paperkit.registry import Registry


def catalogue(config: dict, records: Path = Path("logs")) -> str:
    languages = languages_from_config(config["languages"])
    registry = Registry.load(config["manuscript"]["registry"])
    made = job_records(records)
    header = ["placeholder", *languages, "kind", "rule", "file", "description"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for path in registry.numbers:
        if not Path(path).is_file():
            raise FileNotFoundError(f"{path} is not built yet: run `snakemake {path}` first")
        rule = made.get(path, {}).get("rule", "?")
        for name, entry in sorted(json.loads(Path(path).read_text(encoding="utf-8")).items()):
            number = Number(entry["value"], entry["kind"], entry.get("digits", 0))
            values = [number.formatted(language) for language in languages.values()]
            cells = [
                f"`{{{{{name}}}}}`",
                *values,
                entry["kind"],
                rule,
                path,
                entry.get("description", ""),
            ]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=Path("config/config.yaml"))
    parser.add_argument("--output", type=Path, help="write the catalogue here (Markdown)")
    args = parser.parse_args()
    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    try:
        text = catalogue(config)
    except FileNotFoundError as error:
        sys.exit(str(error))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

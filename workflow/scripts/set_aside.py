"""Move a stored source that does not match its pin to the rejected folder (never deleted)."""

import logging
import sys
from pathlib import Path

from paperkit.acquire import Source, set_aside
from paperkit.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    name = snakemake.wildcards.source
    source = Source.from_config(name, snakemake.config["sources"][name])
    target = Path(snakemake.output.rejected)  # <sources>/rejected/<name>.<digest>.rda
    message = set_aside(source, target.parent.parent, target)
    if message is None:  # run again by Snakemake (its code changed): nothing to move
        logging.info("%s: the stored copy matches its pin; nothing set aside", source.name)
        return
    logging.warning(message)
    print(message, file=sys.stderr)


run_job(snakemake, main)

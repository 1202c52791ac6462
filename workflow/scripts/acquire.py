"""Fetch one pinned source (mirror or URL), verify its SHA-256, record provenance."""

import logging
from pathlib import Path

from paperkit.acquire import Source, acquire, resolve_mirror
from paperkit.atomic import write_json
from paperkit.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    source = Source.from_config(snakemake.wildcards.source, snakemake.params.pin)
    mirror = resolve_mirror(snakemake.config["mirror_dir"])
    provenance = acquire(
        source,
        Path(snakemake.output.data),
        mirror,
        timeout=snakemake.config["download_timeout"],
        store=Path(snakemake.params.store),
    )
    # the copy set aside before this acquisition (see unpinned_copy in acquire.smk)
    set_aside = list(snakemake.input.unpinned)
    write_json(
        {**provenance, **({"set_aside": set_aside[0]} if set_aside else {})},
        snakemake.output.provenance,
    )
    logging.info("acquired %s from %s", source.name, provenance["obtained_from"])


run_job(snakemake, main)

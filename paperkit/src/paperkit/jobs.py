"""Run a workflow script's main function with its log, a readable failure and a
provenance record.

The full traceback goes to the job's log file; the message alone goes to the
console, so that a schema or checksum error reads as a sentence, not a stack.
Warnings go to the log too.

When the job succeeds, it records what it read and wrote: the rule, its
wildcards, and the SHA-256 of every input and output, in a JSON file beside its
log (``logs/x.log`` → ``logs/x.provenance.json``). The record comes from the
``snakemake`` object Snakemake hands every script (its public interface), so it
does not depend on how Snakemake stores its own metadata; the success handler
gathers the records into ``results/provenance.json``.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from paperkit.atomic import write_json


def record_path(log_path: str | Path) -> Path:
    """Where a job's provenance record lives: beside its log."""
    return Path(log_path).with_suffix(".provenance.json")


def job_record(job) -> dict:
    """What a finished job read and wrote, with checksums (``job``: the snakemake object)."""
    from paperkit.acquire import sha256_of

    def hashes(paths) -> dict[str, str]:
        return {str(path): sha256_of(Path(path)) for path in paths if Path(path).is_file()}

    return {
        "rule": job.rule,
        "wildcards": dict(job.wildcards.items()),
        "inputs": hashes(job.input),
        "outputs": hashes(job.output),
    }


def run_job(job, main: Callable[[], None]) -> None:
    """Run ``main`` as the job ``job`` (the snakemake object): log, fail readably, record."""
    log_path = job.log[0]
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=log_path,
        filemode="w",
        level=logging.INFO,
        format="%(levelname)s %(message)s",
        force=True,
    )
    logging.captureWarnings(True)
    try:
        main()
    except Exception as error:  # report every failure the same way, then fail the job
        logging.error("%s\n%s", error, traceback.format_exc())
        print(f"\nERROR: {error}\n(full traceback in {log_path})\n", file=sys.stderr)
        sys.exit(1)
    write_json(job_record(job), record_path(log_path))

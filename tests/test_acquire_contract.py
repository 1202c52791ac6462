"""Snakemake's own check of each acquired source: the pin as an `ensure(sha256=)` contract.

paperkit.acquire verifies every file before it is renamed into place; the rule also
declares the pin on its output, so that Snakemake hashes the file again after the job.
This test plants a fetcher that writes the pinned bytes and then damages them (a bug
past paperkit's own check) and asserts that Snakemake fails the job and keeps no file.
"""

from __future__ import annotations

import pytest

from tests.conftest import snakemake

pytestmark = pytest.mark.e2e

SOURCE = "data/raw/sources/frontex.rda"


def test_an_acquired_file_that_differs_from_its_pin_fails_the_job(scratch, mirror):
    script = scratch / "workflow/scripts/acquire.py"
    script.write_text(
        script.read_text(encoding="utf-8").replace(
            "    # the copy set aside before this acquisition",
            "    with open(snakemake.output.data, 'ab') as damaged:\n"
            "        damaged.write(b'x')\n"
            "    # the copy set aside before this acquisition",
        ),
        encoding="utf-8",
    )
    run = snakemake(scratch, SOURCE, "--forcerun", "acquire_source", mirror=mirror)
    assert run.returncode != 0
    assert "checksums that differ from the expected ones" in run.stderr
    assert SOURCE in run.stderr
    assert not (scratch / SOURCE).exists()

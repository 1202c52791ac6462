"""What a failed run leaves behind, and what the run after it does.

- A run that exits 0 has every file of the build present and current, also after a
  failed run took some away and the input that broke it was put back with its old
  date (Snakemake makes a missing file again only when it is a target or an
  out-of-date job reads it: every output is a target of the default rule).
"""

from __future__ import annotations

import re
import shutil

import pytest

from paperkit.reproducibility import parse_manifest
from tests.conftest import ROOT, copy_project, snakemake

MANIFEST = ROOT / "reproducibility" / "manifest.sha256"


def manifest_files() -> list[str]:
    """Every output the manifest lists (the files a clean build makes)."""
    return sorted(parse_manifest(MANIFEST.read_text(encoding="utf-8")))


def planned_jobs(text: str) -> dict[str, list[dict[str, list[str]]]]:
    """The jobs of a dry run's report, by rule: each job's input and output files."""
    jobs: dict[str, list[dict[str, list[str]]]] = {}
    current = None
    for line in text.splitlines():
        if match := re.match(r"^(?:local)?rule (\w+):$", line):
            current = {"input": [], "output": []}
            jobs.setdefault(match.group(1), []).append(current)
        elif current is not None and (match := re.match(r"^    (input|output): (.*)$", line)):
            current[match.group(1)] = match.group(2).split(", ")
        elif not line.startswith("    "):
            current = None
    return jobs


def test_every_output_of_the_build_is_a_target_of_the_default_rule(tmp_path, mirror):
    """The default rule asks for every file every job of the build makes (the manifest's
    outputs among them), so none can be missing after a run that exits 0."""
    tree = copy_project(tmp_path / "paper")
    run = snakemake(tree, "--dry-run", "--forceall", mirror=mirror)
    assert run.returncode == 0, run.stderr[-3000:]
    jobs = planned_jobs(run.stdout + run.stderr)
    (default,) = jobs.pop("all")
    targets = set(default["input"])
    made = {path for runs in jobs.values() for job in runs for path in job["output"]}
    assert made and sorted(made - targets) == []
    assert sorted(set(manifest_files()) - targets) == []


@pytest.mark.e2e
def test_an_input_put_back_with_its_old_date_after_a_failure_rebuilds_everything(
    scratch, built, mirror, tmp_path
):
    """Break a coded input, fail, put the saved copy back with its original time stamp
    (`cp -a`): the next run exits 0 with every file the manifest lists present, each the
    same bytes as the good build's (a gate such as results/checks/facts.json and the
    indices' multiverse batch, which the failed jobs took away, are made again)."""
    events = scratch / "data/raw/policy/events.csv"
    saved = tmp_path / "events.csv"
    shutil.copy2(events, saved)  # cp -a: the bytes and the time stamp
    events.write_text(
        events.read_text(encoding="utf-8").replace("2020-02-28", "2099-12-11", 1),
        encoding="utf-8",
    )
    failed = snakemake(scratch, mirror=mirror)
    assert failed.returncode != 0
    assert "column 'date': must not be after" in failed.stderr
    assert not (scratch / "results/checks/facts.json").exists()
    shutil.copy2(saved, events)

    run = snakemake(scratch, mirror=mirror)
    assert run.returncode == 0, run.stderr[-4000:]
    missing = [name for name in manifest_files() if not (scratch / name).is_file()]
    assert missing == []
    changed = [
        name
        for name in manifest_files()
        if (scratch / name).read_bytes() != (built / name).read_bytes()
    ]
    assert changed == []
    again = snakemake(scratch, "--dry-run", mirror=mirror)
    assert "Nothing to be done" in again.stdout + again.stderr

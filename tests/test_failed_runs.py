"""What a failed run leaves behind, and what the run after it does.

- A run that exits 0 has every file of the build present and current, also after a
  failed run took some away and the input that broke it was put back with its old
  date (Snakemake makes a missing file again only when it is a target or an
  out-of-date job reads it: every output is a target of the default rule).
- A run that fails before any job (an invalid config) changes nothing: the documents
  in manuscript/build/ stay, and the run after the fix has nothing to do.
- An unwritable manuscript/build/ is named, with the fix, in a line or two.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from paperkit.reproducibility import parse_manifest
from paperkit.snakefile import unwritable_folder
from tests.conftest import DOCUMENTS, ROOT, copy_project, snakemake

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


def documents(tree: Path) -> dict[str, bytes]:
    return {name: (tree / name).read_bytes() for name in DOCUMENTS if (tree / name).is_file()}


def test_a_run_stopped_by_an_invalid_config_changes_nothing(tmp_path, mirror):
    """Config validation fails while the workflow is parsed, before any job: nothing
    depended on a job that failed, so the documents in manuscript/build/ stay (as the
    README says), and putting the config back leaves nothing to do for them."""
    tree = copy_project(tmp_path / "paper")
    for number, name in enumerate(DOCUMENTS):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(f"document {number}".encode())
    before = documents(tree)
    config = tree / "config/config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(
        original.replace('coded_inputs_as_of: "2026-12-01"', 'coded_inputs_as_of: "1 Dec 2026"'),
        encoding="utf-8",
    )
    for attempt in (1, 2):
        run = snakemake(tree, mirror=mirror)
        assert run.returncode == 1, attempt
        assert "coded_inputs_as_of" in run.stderr and "1 Dec 2026" in run.stderr
        assert documents(tree) == before, attempt
    assert not (tree / "results").exists()


def test_a_file_where_the_build_folder_should_be_is_named_with_the_fix(tmp_path, mirror):
    """Simulates an unwritable manuscript/build/ with a file in its place (as root, a
    chmod would not stop the writes): the run stops before any job with one line naming
    the folder, the problem and the fix, not a traceback."""
    tree = copy_project(tmp_path / "paper")
    shutil.rmtree(tree / "manuscript/build", ignore_errors=True)
    (tree / "manuscript/build").write_text("not a folder\n", encoding="utf-8")
    run = snakemake(tree, mirror=mirror)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "The documents' folder manuscript/build/en/ cannot be made, for manuscript/build is "
        "a file, not a folder: move or remove that file, then run again."
    )


def test_a_read_only_folder_is_named_with_the_fix(tmp_path, monkeypatch):
    """A folder this user may not write (chmod, or a read-only file system, which stops
    root too): ``os.access`` says so, simulated here so that the test also holds as root."""
    folder = tmp_path / "manuscript" / "build"
    folder.mkdir(parents=True)
    assert unwritable_folder(folder / "en") is None
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != folder)
    assert unwritable_folder(folder / "en") == (
        f"{folder}/en/ cannot be written, for {folder}/ is read-only (its permissions, or a "
        f"read-only file system): make it writable (`chmod -R u+w {folder}`), or build in a "
        f"writable copy of the project."
    )


@pytest.mark.e2e
def test_a_failed_diff_leaves_the_current_documents_in_place(scratch, mirror):
    """A failure takes away only what depended on it: the documents do not depend on a
    diff against an earlier revision, so its failure leaves them where they are."""
    before = documents(scratch)
    assert len(before) == len(DOCUMENTS)
    run = snakemake(scratch, "manuscript/build/diff/0000000/summary.md", mirror=mirror)
    assert run.returncode != 0
    assert documents(scratch) == before

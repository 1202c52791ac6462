"""One build at a time, parsing that changes nothing, and a project that can move.

- Two builds in one folder: Snakemake's own lock refuses the second (one line of ours
  names the lock and the fix before Snakemake's message), and the first completes.
- Parsing the workflow (``-n``, ``--lint``, ``--list-rules``, ``--summary``) leaves
  every file's bytes and modification time as they were, also when a stored source
  no longer matches its pin (a dry run shows its setting aside; it moves nothing).
- A built project copied to another folder (a space and non-ASCII letters in its
  name) is up to date there: no param holds an absolute path.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paperkit.reproducibility import output_hashes
from paperkit.runner import start_snakemake
from tests.conftest import DOCUMENTS, EPOCH, snakemake

pytestmark = pytest.mark.e2e

LOCK_LINE = "Snakemake's lock is held in"


# Snakemake's own bookkeeping of a call, whatever the workflow: the log of every call
# and the file cache of a dry run. Every other file, Snakemake's records and locks too,
# must stay as it was.
SNAKEMAKE_BOOKKEEPING = (".snakemake/log/", ".snakemake/iocache/")


def tree_state(root: Path) -> dict[str, tuple[str, int]]:
    """SHA-256 and modification time (ns) of every file under ``root`` but Snakemake's
    bookkeeping of each call."""
    state = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if name.startswith(SNAKEMAKE_BOOKKEEPING):
            continue
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[name] = (digest, path.stat().st_mtime_ns)
    return state


def lock_files(root: Path) -> list[Path]:
    return sorted((root / ".snakemake" / "locks").glob("*.lock"))


def refused(run: subprocess.CompletedProcess, root: Path) -> None:
    """The run was refused by Snakemake's lock, with our one line naming it and the fix."""
    assert run.returncode != 0, run.stderr[-3000:]
    [line] = [line for line in run.stderr.splitlines() if LOCK_LINE in line]
    assert str(root / ".snakemake" / "locks") in line and "`snakemake --unlock`" in line
    assert "Directory cannot be locked" in run.stderr  # Snakemake's own refusal


def test_two_builds_at_once_the_second_is_refused_and_the_first_completes(scratch, mirror):
    # the first build has the work of a fresh clone (`make` after removing the outputs)
    for folder in ("results", "data/processed", "manuscript/build"):
        shutil.rmtree(scratch / folder)
    assert not lock_files(scratch)
    # started as `make` starts it: the environment's console script, which the kernel runs
    # as `.venv/bin/python .venv/bin/snakemake` (a guess from process names missed it)
    first = start_snakemake(
        scratch,
        mirror=mirror,
        epoch=EPOCH,
        command=[str(Path(sys.executable).parent / "snakemake"), "--cores", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the second starts once the first holds the lock (Snakemake takes it after
        # parsing and building its DAG): a condition, not a guessed delay
        deadline = time.monotonic() + 300
        while not lock_files(scratch):
            assert first.poll() is None, "the first build ended before it took the lock"
            assert time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.05)
        second = snakemake(scratch, mirror=mirror)
        assert first.poll() is None, "the first build ended before the second was refused"
        refused(second, scratch)
        _, first_stderr = first.communicate(timeout=1800)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, first_stderr[-4000:]
    assert LOCK_LINE not in first_stderr
    for document in DOCUMENTS:
        assert (scratch / document).is_file(), document
    assert output_hashes(scratch).keys() >= {
        "results/checks/claims.json",
        "results/checks/parity.json",
        "results/snapshot.json",
    }
    assert not lock_files(scratch)  # the first run released its lock
    again = snakemake(scratch, "--dry-run", mirror=mirror)
    assert "Nothing to be done" in again.stdout + again.stderr, again.stderr[-3000:]


def test_a_lock_left_by_a_killed_run_stays_until_unlocked(scratch, mirror):
    """What a run killed with `kill -9` leaves: Snakemake's lock files. The workflow
    never removes them (whether their owner still runs is not guessed): the next build
    is refused with the fix, `snakemake --unlock` removes them."""
    locks = scratch / ".snakemake/locks"
    locks.mkdir(parents=True, exist_ok=True)
    # as Snakemake writes them: the files a run reads and writes, relative to the folder
    (locks / "0.input.lock").write_text("data/processed/frontex.csv\n")
    (locks / "0.output.lock").write_text("results/numbers/models.json\n")
    # a text edit: the build has work that reads what the lock names (Snakemake refuses
    # only a build whose jobs read or write the locked files)
    intro = scratch / "manuscript/en/10-introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")
    before = tree_state(locks)
    refused(snakemake(scratch, mirror=mirror), scratch)
    assert tree_state(locks) == before
    unlock = snakemake(scratch, "--unlock", mirror=mirror)
    assert unlock.returncode == 0, unlock.stderr[-3000:]
    assert not lock_files(scratch)
    run = snakemake(scratch, mirror=mirror)
    assert run.returncode == 0, run.stderr[-3000:]
    assert LOCK_LINE not in run.stderr


PARSING = {
    "dry-run": ("--dry-run",),
    "lint": ("--lint",),
    "list-rules": ("--list-rules",),
    "summary": ("--summary",),
}


def test_parsing_the_workflow_changes_nothing(scratch, mirror):
    """Every file's bytes and modification time are the same after each way of only
    reading the workflow, with a stored source that no longer matches its pin (the
    dry run shows it set aside and acquired again; nothing is moved)."""
    # what a run keeps under .snakemake/paperkit (the import cache, the report's
    # captions) is gone, so that a parse that wrote it again would show
    shutil.rmtree(scratch / ".snakemake" / "paperkit")
    stored = scratch / "data/raw/sources/frontex.rda"
    with open(stored, "ab") as handle:
        handle.write(b"\0")
    before = tree_state(scratch)
    for name, args in PARSING.items():
        run = snakemake(scratch, *args, mirror=mirror)
        assert run.returncode == 0, f"{name}: {run.stderr[-3000:]}"
        if name == "dry-run":
            plan = run.stdout + run.stderr
            assert "rule set_aside_source:" in plan and "rule acquire_source:" in plan
        after = tree_state(scratch)
        assert after == before, (name, sorted(set(after.items()) ^ set(before.items()))[:10])


def recorded_params(root: Path) -> dict[str, list]:
    """The params Snakemake recorded for every output (its metadata), by output."""
    records = {}
    for path in (root / ".snakemake" / "metadata").iterdir():
        record = json.loads(path.read_text(encoding="utf-8"))
        records[base64.b64decode(path.name).decode()] = record.get("params") or []
    return records


def test_a_moved_project_reruns_nothing(built, mirror, tmp_path):
    # No param names a place: neither the project's folder nor the environment's (where
    # Pandoc is installed: each clone has its own .venv, the tests share one).
    places = (str(built), sys.prefix, str(Path(sys.executable).parent))
    absolute = {
        output: params
        for output, params in recorded_params(built).items()
        if any(place in str(param) for param in params for place in places)
    }
    assert absolute == {}, list(absolute.items())[:3]
    moved = tmp_path / "taşınmış kopya"
    shutil.copytree(built, moved, symlinks=True)
    run = snakemake(moved, "--dry-run", mirror=mirror)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Nothing to be done" in run.stdout + run.stderr, (run.stdout + run.stderr)[-4000:]
    summary = snakemake(moved, "--summary", mirror=mirror)
    assert summary.returncode == 0, summary.stderr[-3000:]
    rows = [line.split("\t") for line in summary.stdout.splitlines()[1:] if line.strip()]
    assert rows
    pending = [row[0] for row in rows if row[-1] != "no update"]
    assert pending == [], pending[:20]

"""A build never lies: every failure case, run twice and then fixed, in a private copy
of a built tree (``scratch``).

Each case asserts the exit code and the message (file, row, column, rule) of the
first run, that the second run fails the same way, that raw data and the last good
documents survive, and that the run after the fix succeeds with the good outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from paperkit.reproducibility import output_hashes
from paperkit.runner import run_snakemake, start_snakemake
from tests.conftest import DOCUMENTS, EPOCH, copy_project, snakemake

pytestmark = pytest.mark.e2e

FRONTEX_PIN = "a4fc9a3a1e13f61ba8f65553a8d517aab9378592a904a6ee3473b8e7814e35e1"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fails_twice(tree: Path, mirror: Path, *expected: str, target: tuple[str, ...] = ()) -> str:
    """Run the build twice; both runs must fail with every ``expected`` text. Returns stderr."""
    outputs = []
    for attempt in (1, 2):
        run = snakemake(tree, *target, mirror=mirror)
        assert run.returncode != 0, f"run {attempt} succeeded:\n{run.stderr[-3000:]}"
        for text in expected:
            assert text in run.stderr, f"run {attempt}: {text!r} not in\n{run.stderr[-3000:]}"
        outputs.append(run.stderr)
    return outputs[0]


def succeeds(tree: Path, mirror: Path, *target: str, env: dict | None = None) -> str:
    run = snakemake(tree, *target, mirror=mirror, env=env)
    assert run.returncode == 0, run.stderr[-4000:]
    return run.stderr


def edit(path: Path, old: str, new: str) -> str:
    """Replace ``old`` (which must occur) with ``new`` in ``path``; return the original text."""
    original = path.read_text(encoding="utf-8")
    assert old in original, f"{old!r} not in {path}"
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    return original


def documents(tree: Path, folder: str = "manuscript/build") -> dict[str, bytes]:
    return {
        name: (tree / folder / name).read_bytes()
        for name in (d.removeprefix("manuscript/build/") for d in DOCUMENTS)
        if (tree / folder / name).is_file()
    }


# --------------------------------------------------------------------------- text and checks


def test_unknown_placeholder_fails_until_fixed(scratch, mirror):
    good = documents(scratch)
    originals = {
        path: edit(path, "{{syria_peak_count}}", "{{syria_peak_count}} {{no_such_number}}")
        for path in (scratch / f"manuscript/{lang}/35-hosted.md" for lang in ("en", "tr"))
    }
    fails_twice(
        scratch,
        mirror,
        "placeholder '{{no_such_number}}' has no value in the results",
        "35-hosted.md:",
    )
    # no stale document is left where a reader would take it for the current paper
    assert documents(scratch) == {}
    assert documents(scratch, "manuscript/last-good") == good
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
    succeeds(scratch, mirror)
    assert documents(scratch) == good


def test_parity_gates_rendering_at_any_core_count(scratch, mirror):
    extra = scratch / "manuscript/en/36-extra.md"
    extra.write_text("# An English-only section {#sec:extra}\n\nText.\n", encoding="utf-8")
    good = documents(scratch)
    for attempt in (1, 2):
        run = snakemake(scratch, "--cores", "3", mirror=mirror)
        assert run.returncode != 0
        assert "sections: in en but not in tr: extra" in run.stderr
        # the English documents were never re-rendered from the drifted text
        assert "rule render_paper" not in run.stdout + run.stderr, attempt
        assert documents(scratch) == {}  # removed, not left stale
    assert documents(scratch, "manuscript/last-good") == good
    extra.unlink()
    succeeds(scratch, mirror)


def test_a_failed_render_full_disk_fails_until_space_is_free(scratch, mirror):
    """A full disk, simulated with a file-size limit (writes beyond it fail with EFBIG,
    as with ENOSPC): the render fails, again, and after the space is freed it succeeds."""
    edit(
        scratch / "manuscript/en/10-introduction.md",
        "The article makes three",
        "The paper makes three",
    )
    limit = 64 * 1024  # smaller than every document

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    for attempt in (1, 2):
        run = run_snakemake(scratch, mirror=mirror, epoch=EPOCH, preexec_fn=limited)
        assert run.returncode != 0, attempt
        assert "File too large" in run.stderr or "rror" in run.stderr, attempt
        assert documents(scratch) == {}
    succeeds(scratch, mirror)
    assert len(documents(scratch)) == len(DOCUMENTS)


# --------------------------------------------------------------------------- sources


def test_moved_pin_that_fails_its_checksum_fails_until_fixed(scratch, mirror):
    config = scratch / "config/config.yaml"
    original = edit(config, FRONTEX_PIN, "ab" * 32)
    good = (scratch / "data/raw/sources/frontex.rda").read_bytes()
    stderr = fails_twice(
        scratch,
        mirror,
        "frontex: checksum mismatch for iom-gdidata/frontex.rda",
        f"expected sha256 {'ab' * 32}",
        f"actual   sha256 {FRONTEX_PIN}",
        "update 'url' and 'sha256' in config/config.yaml",
    )
    assert "does not match its pin" in stderr  # the stored copy was set aside, not trusted
    # nothing raw was lost: the verified bytes are set aside and in the local store
    assert (
        scratch / f"data/raw/sources/rejected/frontex.{FRONTEX_PIN[:12]}.rda"
    ).read_bytes() == good
    assert (scratch / f"data/raw/sources/.store/{FRONTEX_PIN}.rda").read_bytes() == good
    config.write_text(original, encoding="utf-8")
    succeeds(scratch, mirror)
    assert (scratch / "data/raw/sources/frontex.rda").read_bytes() == good


@pytest.mark.parametrize("damage", ["append", "flip", "delete"])
def test_a_damaged_stored_source_is_never_read(scratch, mirror, damage):
    """A byte appended, a byte flipped (modification time kept), or the file deleted:
    the build re-verifies every stored source, sets the damaged copy aside, restores
    the pinned bytes from the local store, and the paper is the same."""
    good = output_hashes(scratch)
    stored = scratch / "data/raw/sources/unhcr_population.rda"
    stat = stored.stat()
    data = bytearray(stored.read_bytes())
    if damage == "append":
        stored.write_bytes(bytes(data) + b"\0")
    elif damage == "flip":
        data[1000] ^= 0xFF
        stored.write_bytes(bytes(data))
        os.utime(stored, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    else:
        stored.unlink()
    for _attempt in (1, 2):
        succeeds(scratch, mirror)
        assert sha256(stored) == good["data/raw/sources/unhcr_population.rda"]
    assert output_hashes(scratch) == good
    rejected = list((scratch / "data/raw/sources/rejected").glob("unhcr_population.*.rda"))
    assert len(rejected) == (0 if damage == "delete" else 1)


def test_make_clean_then_a_moved_pin_fetches_the_new_release(scratch, mirror):
    for folder in ("data/processed", "results", "manuscript/build", "logs", ".snakemake"):
        shutil.rmtree(scratch / folder, ignore_errors=True)
    overlay = yaml.safe_load(
        (scratch / "config/releases/unhcr-2024.12.0.yaml").read_text(encoding="utf-8")
    )
    succeeds(
        scratch,
        mirror,
        "results/numbers/hosted.json",
        "results/bibliography/datasets.bib",
        "--configfile",
        "config/releases/unhcr-2024.12.0.yaml",
    )
    stored = scratch / "data/raw/sources/unhcr_population.rda"
    assert sha256(stored) == overlay["sources"]["unhcr_population"]["sha256"]
    hosted = json.loads((scratch / "results/numbers/hosted.json").read_text(encoding="utf-8"))
    assert hosted["hosted_last_year"]["value"] == 2024
    # the reference list cites the release the numbers come from
    citations = (scratch / "results/bibliography/datasets.bib").read_text(encoding="utf-8")
    assert "release refugees 2024.12.0" in citations and "year = {2024}" in citations


# --------------------------------------------------------------------------- validation


def _future_date(tree: Path) -> str:
    edit(tree / "data/raw/policy/events.csv", "2020-02-28", "2099-12-11")
    return "column 'date': must not be after"


def _header_only(tree: Path) -> str:
    path = tree / "data/raw/legal/alignment/dublin_eurodac.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return "dublin_eurodac.csv: has 0 data row(s), fewer than the 1 its schema requires"


def _unknown_config_event(tree: Path) -> str:
    edit(tree / "config/config.yaml", "events_marked: [", "events_marked: [no_such_event, ")
    return "config indices.events_marked: event 'no_such_event' is not in"


def _legacy_encoding(tree: Path) -> str:
    path = tree / "data/raw/policy/events.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1254", errors="replace"))
    return "events.csv: line 2 is not valid UTF-8"


def _empty_file(tree: Path) -> str:
    (tree / "data/raw/policy/commission_assessments.csv").write_text("", encoding="utf-8")
    return "commission_assessments.csv: the file is empty"


def _duplicate_key(tree: Path) -> str:
    path = tree / "data/raw/policy/events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[3]]), encoding="utf-8")
    return f"duplicate primary key: rows 4, {len(lines) + 1} share it"


def _schema_typo(tree: Path) -> str:
    edit(
        tree / "workflow/schemas/tables/events.yaml",
        "date: {type: date, required: true}",
        "date: {type: date, requird: true}",
    )
    return "events.yaml: not a valid table schema"


VALIDATION_CASES = {
    "future_date": _future_date,
    "header_only_table": _header_only,
    "unknown_event_in_config": _unknown_config_event,
    "cp1254_file": _legacy_encoding,
    "empty_file": _empty_file,
    "duplicate_key": _duplicate_key,
    "schema_typo": _schema_typo,
}


@pytest.mark.parametrize("case", sorted(VALIDATION_CASES))
def test_bad_coded_input_fails_until_fixed(scratch, mirror, case):
    target = ("results/numbers/indices.json",)
    raw = {p: p.read_bytes() for p in (scratch / "data/raw").rglob("*.csv")}
    originals = {
        p: p.read_bytes()
        for p in [
            *raw,
            scratch / "config/config.yaml",
            scratch / "workflow/schemas/tables/events.yaml",
        ]
    }
    expected = VALIDATION_CASES[case](scratch)
    fails_twice(scratch, mirror, expected, target=target)
    for path, data in originals.items():
        path.write_bytes(data)
    succeeds(scratch, mirror, *target)


def test_a_main_specification_outside_the_multiverse_fails(scratch, mirror):
    config = scratch / "config/config.yaml"
    original = edit(config, "      trend: piecewise_2012\n", "      trend: quadratic\n")
    fails_twice(
        scratch,
        mirror,
        "config multiverse.its.main is not a specification of the multiverse",
        target=("results/numbers/models.json",),
    )
    config.write_text(original, encoding="utf-8")
    succeeds(scratch, mirror, "results/numbers/models.json")


# --------------------------------------------------------------------------- interrupted runs


def test_kill_9_mid_run_then_the_next_run_completes(scratch, mirror):
    edit(
        scratch / "manuscript/en/10-introduction.md",
        "The article makes three",
        "The paper makes three",
    )
    process = start_snakemake(
        scratch,
        mirror=mirror,
        epoch=EPOCH,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # killed while a job runs: Snakemake marks a job's outputs incomplete when it starts
    deadline = time.monotonic() + 120
    while not any((scratch / ".snakemake/incomplete").iterdir()):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # the lock it leaves is Snakemake's: the next build is refused with the fix, which works
    run = snakemake(scratch, mirror=mirror)
    assert run.returncode != 0
    assert "Snakemake's lock is held in" in run.stderr and "snakemake --unlock" in run.stderr
    succeeds(scratch, mirror, "--unlock")
    succeeds(scratch, mirror)
    assert len(documents(scratch)) == len(DOCUMENTS)


# --------------------------------------------------------------------------- provenance


def test_provenance_is_complete_with_the_db_persistence_backend(scratch, mirror):
    edit(scratch / "manuscript/tr/10-introduction.md", "{#sec:introduction}", "{#sec:introduction}")
    shutil.rmtree(scratch / ".snakemake")
    shutil.rmtree(scratch / "logs")
    succeeds(scratch, mirror, "--persistence-backend", "db", "--forceall")
    manifest = json.loads((scratch / "results/provenance.json").read_text(encoding="utf-8"))
    unattributed = [entry["output"] for entry in manifest["outputs"] if not entry["rule"]]
    assert manifest["outputs"] and unattributed == []
    by_output = {entry["output"]: entry for entry in manifest["outputs"]}
    its = by_output["results/models/its.json"]
    assert its["rule"] == "its_did_models" and its["script"] == "workflow/scripts/models.py"
    assert "data/processed/frontex.csv" in its["inputs"]


# --------------------------------------------------------------------------- canonical outputs


def test_builds_under_different_blas_settings_are_byte_identical(built, mirror, tmp_path):
    """The shared build against a clean copy built with another BLAS kernel, other thread
    counts, another temporary folder and another path: every output's bytes."""
    other = copy_project(tmp_path / "elsewhere" / "paper")
    (tmp_path / "tmp").mkdir()
    succeeds(
        other,
        mirror,
        env={
            "OPENBLAS_CORETYPE": "Prescott",
            "OPENBLAS_NUM_THREADS": "2",
            "OMP_NUM_THREADS": "2",
            "TMPDIR": str(tmp_path / "tmp"),
        },
    )
    expected, actual = output_hashes(built), output_hashes(other)
    assert sorted(actual) == sorted(expected)
    assert [name for name in expected if expected[name] != actual[name]] == []

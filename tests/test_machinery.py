"""Canonical floats, dataset citations from pins, stale locks, the job rate limiter, the
provenance manifest."""

from __future__ import annotations

import json
import math
import os
import subprocess
from decimal import ROUND_HALF_EVEN, Context, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperkit.atomic import SIGNIFICANT_DIGITS, canonical_float, plain
from paperkit.citations import CitationError, dataset_entry
from paperkit.jobs import record_path
from paperkit.locks import held_lock
from paperkit.provenance import job_records, manifest
from paperkit.runner import run_snakemake

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False)


def significant_digits(value: float) -> int:
    """How many significant decimal digits the shortest repr of ``value`` has."""
    return len(Decimal(repr(value)).normalize().as_tuple().digits)


def reference_rounding(value: float) -> float:
    """``value`` rounded to SIGNIFICANT_DIGITS significant digits by Python's decimal
    module (exact binary value, half to even): an oracle independent of the string
    formatting that canonical_float uses."""
    context = Context(prec=SIGNIFICANT_DIGITS, rounding=ROUND_HALF_EVEN)
    return float(context.plus(Decimal(value))) + 0.0


@given(finite)
def test_canonical_floats_are_the_nearest_six_digit_value(value):
    once = canonical_float(value)
    assert once == reference_rounding(value)
    assert significant_digits(once) <= SIGNIFICANT_DIGITS
    assert canonical_float(once) == once  # idempotent: rounding a written value changes nothing
    assert math.isclose(once, value, rel_tol=10 ** (1 - SIGNIFICANT_DIGITS), abs_tol=1e-300)


def test_canonical_floats_round_known_values():
    assert canonical_float(0.123456789) == 0.123457
    assert canonical_float(3737369.4) == 3737370.0
    assert canonical_float(-0.0) == 0.0 and math.copysign(1, canonical_float(-0.0)) == 1.0
    assert canonical_float(2.5e-7 + 1e-22) == 2.5e-7


@given(finite, st.floats(min_value=-1e-12, max_value=1e-12))
def test_kernel_sized_differences_vanish_except_at_a_rounding_boundary(value, relative):
    """Values differing in the 12th digit (what differing BLAS kernels give) are written
    the same unless they straddle a rounding boundary of the 6th digit: then they are
    written as two neighbouring six-digit values with the boundary between the two."""
    nearby = value * (1 + relative)
    one, other = canonical_float(value), canonical_float(nearby)
    assert significant_digits(one) <= SIGNIFICANT_DIGITS
    assert significant_digits(other) <= SIGNIFICANT_DIGITS
    if one != other:
        low, high = sorted((value, nearby))
        boundary = (one + other) / 2
        on_edge = math.isclose(boundary, low) or math.isclose(boundary, high)
        assert low <= boundary <= high or on_edge
        assert abs(one - other) <= abs(value) * 10 ** (1 - SIGNIFICANT_DIGITS) + 1e-300


def test_plain_rounds_nested_floats_and_drops_non_finite():
    assert plain({"a": [0.123456789, float("nan")], "b": -0.0}) == {
        "a": [0.123457, None],
        "b": 0.0,
    }


SOURCES = {
    "one": {"release": "pkg 2025.1", "year": 2025},
    "two": {"release": "pkg 2025.1", "year": 2025},
    "old": {"release": "pkg 2024.1", "year": 2024},
}
DATASET = {
    "sources": ["one", "two"],
    "author": "UNHCR",
    "corporate": True,
    "title": "Data",
    "published": "R package",
    "url": "https://example.org",
    "verification": "seen",
}


def test_a_dataset_citation_carries_the_release_of_its_pins():
    entry = dataset_entry("data", DATASET, SOURCES)
    assert "@misc{data," in entry and "release pkg 2025.1" in entry and "year = {2025}" in entry
    moved = dataset_entry("data", {**DATASET, "sources": ["old"]}, SOURCES)
    assert "release pkg 2024.1" in moved and "year = {2024}" in moved


def test_a_dataset_whose_pins_disagree_is_an_error():
    with pytest.raises(CitationError, match="pinned to different releases"):
        dataset_entry("data", {**DATASET, "sources": ["one", "old"]}, SOURCES)


def test_no_lock_no_message(tmp_path):
    assert held_lock(tmp_path) is None
    (tmp_path / ".snakemake" / "locks").mkdir(parents=True)
    assert held_lock(tmp_path) is None


def test_a_held_lock_is_named_in_one_line_with_the_fix_and_never_removed(tmp_path):
    """Whether a lock's owner still runs is not guessed (a guess from process names once
    let a second build delete a running build's lock): the lock is only named, with the
    fix, and stays for Snakemake to refuse the second build or for `snakemake --unlock`."""
    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("data/processed/frontex.csv\n")
    (locks / "0.output.lock").write_text("results/numbers/models.json\n")
    message = held_lock(tmp_path)
    assert "\n" not in message
    assert str(locks) in message and "`snakemake --unlock`" in message
    assert sorted(path.name for path in locks.iterdir()) == ["0.input.lock", "0.output.lock"]


RATE_LIMIT_PROBE = """
from paperkit.snakefile import without_default_rate_limit

onstart:
    print("switched off:", without_default_rate_limit(workflow))

rule done:
    output:
        "done.txt",
    shell:
        "touch {output}"

onsuccess:
    print("limiter:", workflow.scheduler.job_rate_limiter)
"""


@pytest.mark.parametrize(
    ("arguments", "switched_off"), [((), True), (("--max-jobs-per-timespan", "20/1s"), False)]
)
def test_the_command_lines_default_rate_limiter_is_switched_off(tmp_path, arguments, switched_off):
    """A real Snakemake run: its command line arms a job rate limiter (100 jobs a second)
    whose one-second timers keep it alive after the last job; the hook switches that
    default off once the scheduler exists, and leaves a limit the run chose."""
    (tmp_path / "Snakefile").write_text(RATE_LIMIT_PROBE, encoding="utf-8")
    run = run_snakemake(tmp_path, *arguments, mirror=None, cores=1)
    assert run.returncode == 0, run.stderr
    assert f"switched off: {switched_off}" in run.stdout
    assert ("limiter: None" in run.stdout) is switched_off


def test_the_manifest_joins_job_records_and_distrusts_stale_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in.csv").write_text("a\n")
    Path("out.json").write_text("{}\n")
    Path("other.json").write_text("{}\n")
    from paperkit.acquire import sha256_of

    record = {
        "rule": "make",
        "wildcards": {},
        "inputs": {"in.csv": sha256_of(Path("in.csv"))},
        "outputs": {"out.json": sha256_of(Path("out.json")), "other.json": "0" * 64},
    }
    log = Path("logs/make.log")
    log.parent.mkdir()
    record_path(log).write_text(json.dumps(record))
    entries = {
        e["output"]: e
        for e in manifest(
            ["out.json", "other.json"],
            {"make": "workflow/scripts/make.py"},
            job_records(Path("logs")),
        )
    }
    assert entries["out.json"]["rule"] == "make"
    assert entries["out.json"]["script"] == "workflow/scripts/make.py"
    assert entries["out.json"]["inputs"] == record["inputs"]
    # the record's checksum of other.json is not the file's: not trusted
    assert entries["other.json"]["rule"] == ""


def test_the_documents_date_is_the_last_commit_that_changed_an_input_of_the_paper(tmp_path):
    """Recording the manifest, or editing the README or a test, leaves the date written into
    the documents; a commit to the text or the code moves it."""
    from paperkit.snakefile import last_commit_time

    def commit(path: str, when: int) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(f"{path} {when}\n", encoding="utf-8")
        stamp = {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000"}
        for args in (["add", "-A"], ["commit", "-q", "-m", path]):
            subprocess.run(["git", *args], cwd=tmp_path, check=True, env={**os.environ, **stamp})

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "config", "user.email", "a@b.c"], cwd=tmp_path, check=True)
    subprocess.run(["git", "config", "user.name", "a"], cwd=tmp_path, check=True)
    commit("manuscript/en/10-introduction.md", 1_700_000_000)
    for later, path in enumerate(
        ["reproducibility/manifest.sha256", "README.md", "tests/test_x.py", ".ci/run"], 1
    ):
        commit(path, 1_700_000_000 + later)
    assert last_commit_time(tmp_path) == "1700000000"
    commit("src/asylum_regime/indices.py", 1_700_000_100)
    assert last_commit_time(tmp_path) == "1700000100"

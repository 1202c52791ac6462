"""Shared fixtures: the repository root, the sources, and one built copy of the paper.

Data and tools are never silently missing under CI: ``unavailable`` skips a test
on a developer's machine but fails it when the environment variable ``CI`` is set.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from paperkit.lockfile import Pin, read_lock
from paperkit.runner import run_snakemake

ROOT = Path(__file__).resolve().parent.parent
# Every end-to-end build uses this date for the documents, so that builds compare.
EPOCH = "1700000000"
DOCUMENTS = [
    f"manuscript/build/{lang}/paper.{ext}"
    for lang in ("en", "tr")
    for ext in ("pdf", "html", "docx")
]


def languages() -> dict:
    """The paper's configured languages (paperkit.languages.Language by code)."""
    from paperkit.languages import languages_from_config

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    return languages_from_config(config["languages"])


def unavailable(reason: str) -> None:
    """Skip (on a developer's machine) or fail (under CI) a test whose data or tools are missing."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def config() -> dict:
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


# Release overlays whose files the offline mirror (../shared/data) does not hold, by
# design: a test that builds with one downloads its files or is skipped, saying so
# (tests/test_release_period.py); every other pinned file must be in a configured mirror.
UNMIRRORED_RELEASES = ("unhcr-2025.6.0.yaml",)


def pinned_sources(mirrored_only: bool = False) -> dict[str, dict]:
    """Every pinned file: the config's and the release overlays' (keyed by mirror path);
    ``mirrored_only``: leaving out the overlays the offline mirror does not hold."""
    files = {}
    for path in [
        ROOT / "config" / "config.yaml",
        *sorted((ROOT / "config" / "releases").glob("*")),
    ]:
        if mirrored_only and path.name in UNMIRRORED_RELEASES:
            continue
        for name, entry in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"].items():
            files[entry["path"]] = {**entry, "name": name}
    return files


def _configured_mirror(config: dict) -> Path | None:
    from paperkit.acquire import resolve_mirror

    mirror = resolve_mirror(config.get("mirror_dir"))
    return None if mirror is None else (ROOT / mirror).resolve()


def _mirror_from_urls(folder: Path) -> None:
    """Download every pinned file from its URL into ``folder`` (checksums verified)."""
    from paperkit.acquire import Source, acquire

    lines = []
    for path, entry in sorted(pinned_sources().items()):
        source = Source.from_config(entry["name"], entry)
        acquire(source, folder / path, mirror=None, timeout=30)
        lines.append(f"{source.sha256}  {path}\n")
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="session")
def mirror(config, tmp_path_factory) -> Path:
    """A folder holding every pinned source at its mirror path.

    The configured mirror ($PAPER_DATA_MIRROR, else ``mirror_dir``) when there is
    one; otherwise the files are downloaded from their pinned URLs once per run.
    """
    from paperkit.acquire import AcquireError

    configured = _configured_mirror(config)
    if configured is not None:
        missing = [
            path for path in pinned_sources(mirrored_only=True) if not (configured / path).is_file()
        ]
        if missing:
            pytest.fail(f"the configured mirror {configured} lacks {', '.join(missing)}")
        return configured
    folder = _shared_dir(tmp_path_factory) / "mirror"
    with _locked(folder.with_suffix(".lock")):
        if not (folder / "SHA256SUMS").is_file():
            try:
                _mirror_from_urls(folder)
            except AcquireError as error:
                unavailable(f"no mirror is configured and the pinned URLs failed: {error}")
    return folder


# --------------------------------------------------------------------------- builds


def project_files() -> list[str]:
    """The files of the working tree that git would commit (tracked or not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


def copy_project(target: Path) -> Path:
    """A copy of the working tree's project files in ``target`` (a fresh folder)."""
    for name in project_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def snakemake(
    workdir: Path,
    *args: str,
    mirror: Path | None,
    env: dict | None = None,
    timeout: float | None = None,
    pythonpath: tuple[Path, ...] = (),
) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` with the mirror and the fixed document date
    (``pythonpath``: folders of further packages, put first on the path), the way every
    caller runs it (paperkit.runner)."""
    return run_snakemake(
        workdir,
        *args,
        mirror=mirror,
        epoch=EPOCH,
        pythonpath=pythonpath,
        env=env,
        timeout=timeout,
    )


def locked(name: str) -> dict[str, Pin]:
    """The packages pinned in requirements/<name>.txt, by normalised name."""
    return read_lock(ROOT / "requirements" / f"{name}.txt")


def _shared_dir(tmp_path_factory) -> Path:
    """A folder shared by every pytest-xdist worker of this run (the workers' common parent)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


class _locked:
    """An exclusive file lock, so that one worker builds a shared fixture and the others wait."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "w")
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory, mirror) -> Path:
    """The whole paper built once from a copy of the working tree, shared by every test
    (and every xdist worker) that only reads it. Tests that change files use ``scratch``."""
    folder = _shared_dir(tmp_path_factory) / "built"
    with _locked(folder.with_suffix(".lock")):
        status = folder.with_suffix(".json")
        if not status.is_file():
            copy_project(folder)
            run = snakemake(folder, mirror=mirror)
            status.write_text(json.dumps({"returncode": run.returncode, "stderr": run.stderr}))
        result = json.loads(status.read_text())
    assert result["returncode"] == 0, result["stderr"][-4000:]
    return folder


@pytest.fixture
def scratch(built, tmp_path) -> Path:
    """A private copy of the built tree (outputs, Snakemake's records, times kept)."""
    target = tmp_path / "paper"
    shutil.copytree(built, target, symlinks=True)
    return target


# Fixtures that build the whole paper: a test that uses one is end-to-end, marked or not,
# so that the fast tier (`make test-fast`, `-m "not e2e and not slow"`) never waits for a
# build.
BUILDING_FIXTURES = {"built", "scratch"}
# Simulation studies (coverage, rejection rates, recovery over many fits), exhaustive
# property tests and whole-repository tool runs: each takes seconds of CPU, together most
# of the suite after the builds. `make test` runs them; the fast tier leaves them out.
SLOW = {
    "test_breaks.py": {
        "test_a_no_break_rejection_rate_near_nominal",
        "test_b_bootstrap_rejects_clear_break_and_is_reproducible",
        "test_bootstrap_p_value_under_null_is_not_tiny",
    },
    "test_honest.py": {
        "test_a_coverage_by_simulation",
        "test_breakdown_values_bcdata",
        "test_flci_is_the_global_minimum_of_the_half_length",
        "test_c_robust_intervals_lengthen",
        "test_c_identified_sets_nest",
        "test_rm_identified_set_equals_closed_form",
        "test_sd_worst_case_bias_formula_equals_lp",
    },
    "test_models.py": {
        "test_every_its_specification_recovers_the_known_break",
        "test_two_way_fit_recovers_the_treatment_effect",
    },
    "test_ppml.py": {
        "test_chain_graph_matches_statsmodels",
        "test_separation_by_a_combination_of_effects_is_flagged",
        "test_one_dimension_and_clusters_other_than_fe",
        "test_simulated_two_way_matches_statsmodels_cluster_and_hc0",
        "test_separation_in_two_dimensions_three_way",
    },
    "test_indices.py": {"test_bounds_and_row_order", "test_raising_a_score_never_lowers_the_index"},
    "test_lint.py": {"test_snakemake_lint_is_clean", "test_snakefmt_is_clean"},
}
# Module fixtures that read and validate a whole pinned source (the UNHCR population
# table: seconds of validation): the tests using them are slow too.
SLOW_FIXTURES = {"test_tidy.py": {"raw"}}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
        name = getattr(item, "originalname", item.name)
        slow_fixtures = SLOW_FIXTURES.get(item.path.name, set())
        if name in SLOW.get(item.path.name, ()) or slow_fixtures & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter):
    """Report the claims' mutation score that a test recorded (tests/test_claim_mutants.py:
    ``record_property("claim_mutation_score", …)``), also from pytest-xdist's workers."""
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "claim_mutation_score" and getattr(report, "when", "") == "call":
                    terminalreporter.write_line(f"claim mutation score: {value}")

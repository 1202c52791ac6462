"""One way to run Snakemake (paperkit.runner) and one reader of the locks
(paperkit.lockfile): what a run's environment holds, that nothing else starts
Snakemake its own way, and that the lock reader agrees with pip's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperkit.lockfile import LockError, normalised, parse_lock, read_lock
from paperkit.runner import run_snakemake, snakemake_environment
from tests.conftest import ROOT

# ----------------------------------------------------------------------------- runner


def test_a_run_gets_the_mirror_and_date_it_is_given_and_never_inherited_ones(tmp_path):
    inherited = {"PAPER_DATA_MIRROR": "/elsewhere", "SOURCE_DATE_EPOCH": "1", "HOME": "/h"}
    bare = snakemake_environment(tmp_path, mirror=None, inherit=inherited)
    assert "PAPER_DATA_MIRROR" not in bare and "SOURCE_DATE_EPOCH" not in bare
    assert bare["HOME"] == "/h"
    given = snakemake_environment(
        tmp_path, mirror=tmp_path / "m", epoch=5, pythonpath=["/plugins"], inherit=inherited
    )
    assert given["PAPER_DATA_MIRROR"] == str(tmp_path / "m")
    assert given["SOURCE_DATE_EPOCH"] == "5"
    assert given["PYTHONPATH"].split(":") == [
        "/plugins",
        str(tmp_path / "paperkit" / "src"),
        str(tmp_path / "src"),
    ]


PROBE = """
import json, os

rule probe:
    output: "seen.json"
    run:
        names = ("PAPER_DATA_MIRROR", "SOURCE_DATE_EPOCH", "PYTHONPATH")
        with open(output[0], "w") as out:
            json.dump({name: os.environ.get(name) for name in names}, out)
"""


def test_a_real_run_sees_that_environment_in_its_jobs(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPER_DATA_MIRROR", "/inherited")
    work = tmp_path / "a folder ü"
    work.mkdir()
    (work / "Snakefile").write_text(PROBE, encoding="utf-8")
    run = run_snakemake(work, mirror=tmp_path / "mirror", epoch=1700000000, cores=1)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads((work / "seen.json").read_text(encoding="utf-8"))
    assert seen["PAPER_DATA_MIRROR"] == str(tmp_path / "mirror")
    assert seen["SOURCE_DATE_EPOCH"] == "1700000000"
    assert seen["PYTHONPATH"].split(":")[0] == str(work / "paperkit" / "src")


# Starting Snakemake by hand: `python -m snakemake` in a command list, or a launcher.
BY_HAND = re.compile(r"""["']-m["'],\s*["']snakemake["']|/\s*["']snakemake["']\s*\)?\s*,""")
# The two that start the environment's console script on purpose (as `make` does).
LAUNCHERS = {"tests/test_environments.py", "tests/test_locks.py"}


def test_nothing_but_the_runner_starts_snakemake():
    """Tests, verify, bench, the diff's base build and the bundle go through
    paperkit.runner; a second way of setting up a run's environment shows here."""
    folders = ("tests", "benchmarks", "reproducibility", "paperkit/src/paperkit")
    offenders = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name == "paperkit/src/paperkit/runner.py" or name == "tests/test_runner.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if BY_HAND.search(line) and not (name in LAUNCHERS and "/" in line):
                    offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


# ----------------------------------------------------------------------------- locks


@pytest.mark.parametrize("name", ["runtime", "dev", "slurm", "uv"])
def test_the_lock_reader_agrees_with_pip(name):
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    path = ROOT / "requirements" / f"{name}.txt"
    ours = read_lock(path)
    theirs = {}
    for item in parse_requirements(str(path), session=PipSession()):
        requirement = str(item.requirement).strip()
        package, version = requirement.split("==")
        hashes = {f"sha256:{h}" for h in item.options["hashes"]["sha256"]}
        theirs[normalised(package)] = (version, hashes)
    assert {key: (pin.version, set(pin.hashes)) for key, pin in ours.items()} == theirs
    assert all(pin.hashes for pin in ours.values())


def test_a_garbled_lock_line_is_named_with_its_line():
    text = "pandas==3.1.1 \\\n    --hash=sha256:ab \\\n    --hahs=sha256:cd\n"
    with pytest.raises(LockError, match=r"requirements/x\.txt, line 3: '--hahs=sha256:cd'"):
        parse_lock(text, "requirements/x.txt")
    with pytest.raises(LockError, match=r"line 1: 'pandas>=3' is not a pin"):
        parse_lock("pandas>=3\n", "requirements/x.txt")


def test_the_provenance_lists_every_locked_package():
    from paperkit.provenance import locked_packages

    names = locked_packages(ROOT / "requirements" / "runtime.txt")
    assert "snakemake" in names and "pandas" in names
    assert len(names) == len(read_lock(ROOT / "requirements" / "runtime.txt"))
    assert Path(ROOT / "requirements" / "runtime.txt").is_file()

"""The project's own lint gates: ruff and `snakemake --lint` stay clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_ruff_is_clean():
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout


def test_snakemake_lint_is_clean():
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Lints for" not in run.stdout + run.stderr


def test_environment_yml_installs_exactly_the_lock():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "-r requirements/lock.txt" in text and "--require-hashes" in text
    assert "python=3.11" in text


def test_lock_pins_every_direct_requirement_with_hashes():
    lock = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")
    direct = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements" / "requirements.in").read_text().splitlines()
    ]
    for requirement in filter(None, direct):
        name, version = requirement.split("==")
        assert f"{name}=={version} \\\n    --hash=sha256:" in lock, requirement


def test_ci_workflow_is_actionlint_clean():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows, "no hosted CI workflow"
    actionlint = Path(sys.executable).parent / "actionlint"
    run = subprocess.run(
        [str(actionlint), *map(str, workflows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr

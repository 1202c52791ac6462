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


def test_environment_yml_pip_section_is_accepted_by_pip(tmp_path):
    """conda writes the pip entries to a requirements file and runs pip on it: pip's own
    parser must accept every line, and the result must be exactly the hashed lock."""
    import yaml
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in environment["dependencies"]
    [pip_section] = [
        entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)
    ]
    requirements = tmp_path / "condaenv.requirements.txt"
    requirements.write_text(
        "\n".join(line.replace("requirements/", f"{ROOT}/requirements/") for line in pip_section)
        + "\n",
        encoding="utf-8",
    )
    parsed = list(parse_requirements(str(requirements), session=PipSession()))
    lock = [
        line.split()[0]
        for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith((" ", "#", "-"))
    ]
    assert sorted(str(item.requirement).strip() for item in parsed) == sorted(lock)
    assert all(item.options and item.options.get("hashes") for item in parsed)


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

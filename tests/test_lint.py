"""The project's own lint gates: ruff and `snakemake --lint` stay clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paperkit.lockfile import normalised
from paperkit.runner import run_snakemake
from tests.conftest import ROOT, locked


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
    run = run_snakemake(ROOT, "--lint", mirror=None, cores=None)
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
    lock = [f"{pin.name}=={pin.version}" for pin in locked("runtime").values()]
    assert sorted(str(item.requirement).strip() for item in parsed) == sorted(lock)
    assert all(item.options and item.options.get("hashes") for item in parsed)


@pytest.mark.parametrize("name", ["runtime", "dev", "slurm"])
def test_locks_pin_every_direct_requirement_with_hashes(name):
    lock = locked(name)
    direct = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements" / f"{name}.in").read_text().splitlines()
        if not line.startswith("-")
    ]
    for requirement in filter(None, direct):
        package, version = requirement.split("==")
        pin = lock.get(normalised(package))
        assert pin and pin.version == version and pin.hashes, requirement


def test_the_runtime_lock_holds_no_executor_plugin():
    """Snakemake imports every installed executor plugin on every call (the SLURM one asks
    SLURM for its configuration): they belong in their own locks (requirements/slurm.txt)."""
    plugins = [name for name in locked("runtime") if name.startswith("snakemake-executor-plugin-")]
    assert plugins == []


def test_the_slurm_lock_keeps_the_runtime_pins():
    """Installed beside the runtime set, requirements/slurm.txt moves nothing in it: every
    package both locks pin has the same version and the same hashes."""
    runtime = locked("runtime")
    shared = {name: entry for name, entry in locked("slurm").items() if name in runtime}
    assert shared
    for name, entry in shared.items():
        assert (entry.version, entry.hashes) == (runtime[name].version, runtime[name].hashes), name


def test_every_imported_third_party_package_is_declared():
    """numpy, scipy, psutil and the others are imported directly, so they are declared
    directly (not left to arrive as someone else's dependency)."""
    import ast
    import sys

    declared = {
        line.split("==")[0].strip().lower().replace("-", "_")
        for name in ("runtime", "dev")
        for line in (ROOT / "requirements" / f"{name}.in").read_text().splitlines()
        if "==" in line
    }
    aliases = {
        "yaml": "pyyaml",
        "pypandoc": "pypandoc_binary",
        "sklearn": "scikit_learn",
        "PIL": "pillow",
    }
    # the benchmark's own modules import each other (benchmarks/scaling.py)
    first_party = {"paperkit", "asylum_regime", "tests"} | {
        path.stem for path in ROOT.glob("benchmarks/*.py")
    }
    tooling = {"pip"}  # the installer itself: a test reads its requirements parser
    imported = set()
    for path in [
        *ROOT.glob("paperkit/src/**/*.py"),
        *ROOT.glob("src/**/*.py"),
        *ROOT.glob("workflow/scripts/*.py"),
        *ROOT.glob("tests/*.py"),
        *ROOT.glob("reproducibility/*.py"),
        *ROOT.glob("benchmarks/*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    third_party = {
        name
        for name in imported
        if name not in sys.stdlib_module_names and name not in first_party | tooling
    }
    missing = sorted(
        name for name in third_party if aliases.get(name, name).lower() not in declared
    )
    assert missing == []


def test_snakefmt_is_clean():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakefmt",
            "--check",
            "Snakefile",
            "workflow",
            "paperkit/src/paperkit/workflow",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


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


def test_the_machinery_never_imports_the_paper():
    """paperkit is the reusable part: it may not import this paper's science."""
    import ast

    offenders = []
    for path in (ROOT / "paperkit" / "src" / "paperkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("asylum_regime")
            ]
    for path in (ROOT / "paperkit" / "src" / "paperkit").rglob("*.smk"):
        if "asylum_regime" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_script_inserts_into_sys_path():
    for path in [
        *ROOT.glob("workflow/**/*.py"),
        *ROOT.glob("reproducibility/*.py"),
        *ROOT.glob("paperkit/src/**/*.py"),
        *ROOT.glob("src/**/*.py"),
        ROOT / "Snakefile",
        *ROOT.glob("**/*.smk"),
    ]:
        if ".venv" not in path.parts:
            assert "sys.path.insert" not in path.read_text(encoding="utf-8"), path

"""Beyond one machine: the multiverse run through Snakemake's SLURM executor on a
single-node SLURM cluster (.ci/slurm-up.sh), byte-identical to the local run.

The executor plugins are not in the runtime set (requirements/slurm.txt, `make slurm`):
the test installs them into a folder of its own and puts that folder on PYTHONPATH,
which the jobs inherit (sbatch exports the environment), so the job step finds its
plugin too."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, locked, snakemake, unavailable

pytestmark = pytest.mark.e2e

TABLES = [f"results/multiverse/{family}.csv" for family in ("its", "did", "indices")]


@pytest.fixture(scope="module")
def cluster():
    """The partition of a running single-node SLURM cluster (started if needed)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        unavailable("starting a SLURM cluster needs root and Debian's packages")
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "slurm-up.sh")],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if run.returncode:
        unavailable(f"no SLURM cluster could be started:\n{run.stderr[-2000:]}")
    return run.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def plugins(tmp_path_factory):
    """A folder holding what requirements/slurm.txt adds to the runtime set (the two
    executor plugins), installed hash-checked from that lock. Only those entries: the
    ones the runtime lock also pins are installed already, at the same version and
    hashes (tests/test_lint.py), and copies of them would only shadow them."""
    runtime = locked("runtime")
    folder = tmp_path_factory.mktemp("slurm-plugins")
    requirements = folder.with_name(folder.name + "-requirements.txt")
    requirements.write_text(
        "".join(
            "\n".join(entry.lines) + "\n"
            for name, entry in locked("slurm").items()
            if name not in runtime
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--require-hashes",
            "--no-deps",
            "--only-binary=:all:",
            "--target",
            str(folder),
            "-r",
            str(requirements),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if run.returncode:
        unavailable(
            f"the SLURM executor plugins (requirements/slurm.txt) could not be "
            f"installed:\n{run.stderr[-2000:]}"
        )
    return folder


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_multiverse_through_slurm_is_byte_identical_to_the_local_run(
    scratch, built, mirror, cluster, plugins
):
    for table in TABLES:
        (scratch / table).unlink()
    shutil.rmtree(scratch / "results" / "multiverse")
    run = snakemake(
        scratch,
        *TABLES,
        "--profile",
        "profiles/slurm",
        "--default-resources",
        f"slurm_partition={cluster}",
        mirror=mirror,
        timeout=900,
        pythonpath=(plugins,),
    )
    assert run.returncode == 0, run.stderr[-4000:]
    jobs = [
        line for line in run.stderr.splitlines() if "has been submitted with SLURM jobid" in line
    ]
    assert len(jobs) >= 4, run.stderr[-3000:]  # every batch and gather went through SLURM
    for table in TABLES:
        assert digest(scratch / table) == digest(built / table), table
    batches = sorted((built / "results" / "multiverse").rglob("batch-*.csv"))
    assert batches
    for path in batches:
        relative = path.relative_to(built)
        assert digest(scratch / relative) == digest(path), relative

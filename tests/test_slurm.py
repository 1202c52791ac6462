"""Beyond one machine: the multiverse run through Snakemake's SLURM executor on a
single-node SLURM cluster (.ci/slurm-up.sh), byte-identical to the local run."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, snakemake, unavailable

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


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_multiverse_through_slurm_is_byte_identical_to_the_local_run(
    scratch, built, mirror, cluster
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

"""Byte-for-byte reproducibility: hash every output of a build and compare with a manifest.

The manifest (``reproducibility/manifest.sha256``) lists ``<sha256>  <path>``
for every output of a clean build, sorted by path. Two files are left out
because they must differ between builds: the provenance records of the
downloaded sources (they carry the retrieval time and where the copy came
from) and the provenance manifest (it carries the git commit).
Standard library only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from analysis.acquire import sha256_of

OUTPUT_DIRS = ("data/raw/sources", "data/processed", "results", "manuscript/build")
EXCLUDED_SUFFIXES = (".provenance.json",)
EXCLUDED_FILES = ("results/provenance.json",)


def output_hashes(root: str | Path) -> dict[str, str]:
    """Checksums of every output file under ``root``, keyed by path relative to it."""
    root = Path(root)
    hashes = {}
    for folder in OUTPUT_DIRS:
        for path in sorted((root / folder).rglob("*")):
            name = path.relative_to(root).as_posix()
            if (
                path.is_file()
                and not path.name.startswith(".")
                and not name.endswith(EXCLUDED_SUFFIXES)
                and name not in EXCLUDED_FILES
            ):
                hashes[name] = sha256_of(path)
    return hashes


def format_manifest(hashes: dict[str, str]) -> str:
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(hashes.items()))


def parse_manifest(text: str) -> dict[str, str]:
    hashes = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64:
            raise ValueError(f"manifest line {number} is not '<sha256>  <path>': {line!r}")
        hashes[name] = digest
    return hashes


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Every file that changed, disappeared or appeared, one readable line each."""
    lines = [
        f"changed: {name}\n    expected {expected[name]}\n    actual   {actual[name]}"
        for name in sorted(expected.keys() & actual.keys())
        if expected[name] != actual[name]
    ]
    lines += [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    lines += [f"unexpected: {name}" for name in sorted(actual.keys() - expected.keys())]
    return lines


def clone_and_build(
    root: Path,
    scratch: Path,
    targets: list[str],
    ref: str | None = None,
    snakemake_args: list[str] | None = None,
    cores: int = 2,
) -> Path:
    """Clone ``root`` (at ``ref``, else HEAD) into ``scratch``/paper and build ``targets``.

    The sources come from $PAPER_DATA_MIRROR (else ../shared/data beside
    ``root``) or their URLs; SOURCE_DATE_EPOCH comes from the clone's history.
    Raises RuntimeError with the end of Snakemake's output when the build fails.
    """
    clone = scratch / "paper"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(root), str(clone)], check=True)
    if ref:
        subprocess.run(["git", "checkout", "--quiet", ref], cwd=clone, check=True)
    mirror = os.environ.get("PAPER_DATA_MIRROR") or str(root.parent / "shared" / "data")
    env = {**os.environ, "PAPER_DATA_MIRROR": str(Path(mirror).resolve())}
    env.pop("SOURCE_DATE_EPOCH", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            *targets,
            "--cores",
            str(cores),
            "--quiet",
            *(snakemake_args or []),
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise RuntimeError(f"the build in {clone} failed:\n{run.stderr[-4000:]}")
    return clone

"""Byte-for-byte reproducibility: hash every output of a build and compare with a manifest.

The manifest (``reproducibility/manifest.sha256``) lists ``<sha256>  <path>``
for every output of a clean build, sorted by path. Two files are left out
because they must differ between builds: the provenance records of the
downloaded sources (they carry the retrieval time and where the copy came
from) and the provenance manifest (it carries the git commit).
Standard library only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from paperkit.acquire import sha256_of
from paperkit.runner import run_snakemake

OUTPUT_DIRS = ("data/raw/sources", "data/processed", "results", "manuscript/build")
EXCLUDED_SUFFIXES = (".provenance.json",)
EXCLUDED_FILES = ("results/provenance.json",)
# Not outputs: the local store of verified sources and the copies set aside (acquire.py).
# Not compared: the layout check's views for a reviewer (screenshots and the DOCX as
# LibreOffice lays it out), whose pixels and PDF dates depend on the machine's browser
# and office suite, not on the paper's inputs.
EXCLUDED_FOLDERS = ("rejected", "layout")


def output_hashes(root: str | Path) -> dict[str, str]:
    """Checksums of every output file under ``root``, keyed by path relative to it."""
    root = Path(root)
    hashes = {}
    for folder in OUTPUT_DIRS:
        for path in sorted((root / folder).rglob("*")):
            name = path.relative_to(root).as_posix()
            parts = path.relative_to(root / folder).parts
            if (
                path.is_file()
                and not any(part.startswith(".") or part in EXCLUDED_FOLDERS for part in parts)
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


def configured_mirror(root: Path) -> Path | None:
    """The mirror the build of ``root`` would use (absolute), or None (the pinned URLs)."""
    import yaml

    from paperkit.acquire import resolve_mirror

    config = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    mirror = resolve_mirror(config.get("mirror_dir"))
    if mirror is None:
        return None
    return (root / mirror).resolve() if not mirror.is_absolute() else mirror


def locked_python(root: Path, clone: Path, scratch: Path, lock: str) -> str:
    """The interpreter that builds ``clone``: this one when the clone's ``lock`` is
    byte-identical to ``root``'s (the environment was installed from it), else that of a
    new virtual environment in ``scratch`` with exactly the clone's locked packages
    (pip, ``--require-hashes``; downloads what pip's cache lacks)."""
    if (root / lock).read_bytes() == (clone / lock).read_bytes():
        return sys.executable
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run = subprocess.run(
        [*install, "--require-hashes", "--no-deps", "-r", str(clone / lock)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise RuntimeError(f"installing the lock of {clone} failed:\n{run.stderr[-4000:]}")
    return python


def clone_and_build(
    root: Path,
    scratch: Path,
    targets: list[str],
    ref: str | None = None,
    snakemake_args: list[str] | None = None,
    cores: int = 2,
    env: dict[str, str] | None = None,
    lock: str | None = None,
) -> Path:
    """Clone ``root`` (at ``ref``, else HEAD) into ``scratch``/paper and build ``targets``.

    The sources come from the mirror configured for ``root`` ($PAPER_DATA_MIRROR,
    else ``mirror_dir`` in its config) when there is one, else from their pinned
    URLs; SOURCE_DATE_EPOCH comes from the clone's history. Raises RuntimeError
    with the end of Snakemake's output when the build fails.
    """
    clone = scratch / "paper"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(root), str(clone)], check=True)
    if ref:
        subprocess.run(["git", "checkout", "--quiet", ref], cwd=clone, check=True)
    python = locked_python(root, clone, scratch, lock) if lock else sys.executable
    run = run_snakemake(
        clone,
        *targets,
        "--quiet",
        *(snakemake_args or []),
        mirror=configured_mirror(root),
        cores=cores,
        python=python,
        env=env,
    )
    if run.returncode:
        raise RuntimeError(f"the build in {clone} failed:\n{run.stderr[-4000:]}")
    return clone

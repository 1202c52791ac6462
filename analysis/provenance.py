"""Provenance of every output: which rule, script and inputs made it, with checksums.

Snakemake keeps a metadata record per output (``.snakemake/metadata/<base64 of
the path>``: rule, inputs, parameters); this module joins it with checksums of
the output and its inputs, the rule's script, the package versions and the git
commit. Standard library only. The manifest has no timestamps, so it is the
same bytes for the same build.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from importlib import metadata
from pathlib import Path

CHUNK = 1 << 20


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def snakemake_record(path: str, metadata_dir: Path) -> dict:
    """Snakemake's record of the job that wrote ``path`` (empty if it has none)."""
    name = base64.urlsafe_b64encode(path.encode()).decode()
    for candidate in (name, name.rstrip("=")):
        record = metadata_dir / candidate
        if record.is_file():
            return json.loads(record.read_text(encoding="utf-8"))
    return {}


def package_versions(names: list[str]) -> dict[str, str]:
    versions = {}
    for name in sorted(names):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_state(root: Path) -> dict:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def manifest(products: list[str], scripts: dict[str, str], metadata_dir: Path) -> list[dict]:
    """One entry per output: checksum, rule, script, and the checksums of its inputs."""
    entries = []
    for path in sorted(set(products)):
        record = snakemake_record(path, metadata_dir)
        rule = record.get("rule", "")
        inputs = sorted(record.get("input", []))
        entries.append(
            {
                "output": path,
                "sha256": sha256_of(path),
                "rule": rule,
                "script": scripts.get(rule, ""),
                "inputs": {name: sha256_of(name) for name in inputs if Path(name).is_file()},
            }
        )
    return entries

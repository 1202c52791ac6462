"""Provenance of every output: which rule, script and inputs made it, with checksums.

Snakemake keeps a metadata record per output (``.snakemake/metadata/<base64 of
the path>``: rule, inputs, parameters); this module joins it with checksums of
the output and its inputs, the rule's script, the package versions and the git
commit. The workflow writes it when a run succeeds (``write_provenance``, from
the ``onsuccess`` handler). Standard library only. The manifest has no
timestamps, so it is the same bytes for the same build and commit.
"""

from __future__ import annotations

import base64
import functools
import json
import subprocess
from importlib import metadata
from pathlib import Path

from analysis.acquire import sha256_of


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
    checksum = functools.cache(sha256_of)  # inputs such as the tidy tables recur across outputs
    for path in sorted(set(products)):
        record = snakemake_record(path, metadata_dir)
        rule = record.get("rule", "")
        inputs = sorted(record.get("input", []))
        entries.append(
            {
                "output": path,
                "sha256": checksum(path),
                "rule": rule,
                "script": scripts.get(rule, ""),
                "inputs": {name: checksum(name) for name in inputs if Path(name).is_file()},
            }
        )
    return entries


def write_provenance(
    target: str, products: list[str], scripts: dict[str, str], packages: list[str], pandoc: str
) -> None:
    """Write the manifest of every product that exists; leave the file alone if unchanged."""
    from analysis.atomic import plain

    payload = {
        "git": git_state(Path(".")),
        "packages": package_versions(packages) | {"pandoc": pandoc},
        "outputs": manifest(
            [path for path in products if Path(path).is_file()],
            scripts,
            Path(".snakemake/metadata"),
        ),
    }
    text = json.dumps(plain(payload), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path = Path(target)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.tmp")
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)

"""Provenance of every output: which rule, script and inputs made it, with checksums.

Each job records, when it succeeds, the checksums of what it read and wrote
(``paperkit.jobs``, a ``*.provenance.json`` beside its log). The success handler
of the workflow gathers those records into one manifest (``write_provenance``):
for every output of the workflow, its SHA-256, the rule and script that made it,
and the checksums of that job's inputs, with the package versions and the git
commit. A record whose output checksum no longer matches the file (the output was
rebuilt since by a job that wrote no record) is not trusted: the output is listed
with its checksum and no rule, so the gap shows. Standard library only. The
manifest has no timestamps: the same build and commit give the same bytes.
"""

from __future__ import annotations

import functools
import json
import subprocess
from importlib import metadata
from pathlib import Path

from paperkit.acquire import sha256_of


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


def job_records(folder: Path) -> dict[str, dict]:
    """Each output path → the record of the job that last wrote it (records under ``folder``)."""
    by_output = {}
    for path in sorted(folder.rglob("*.provenance.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for output in record.get("outputs", {}):
            by_output[output] = record
    return by_output


def manifest(products: list[str], scripts: dict[str, str], records: dict[str, dict]) -> list[dict]:
    """One entry per output: checksum, rule, script, and the checksums of its inputs."""
    entries = []
    checksum = functools.cache(sha256_of)  # inputs such as the tidy tables recur across outputs
    for path in sorted(set(products)):
        digest = checksum(Path(path))
        record = records.get(path)
        if record is None or record["outputs"][path] != digest:
            record = {"rule": "", "inputs": {}}
        entries.append(
            {
                "output": path,
                "sha256": digest,
                "rule": record["rule"],
                "script": scripts.get(record["rule"], ""),
                "inputs": dict(sorted(record["inputs"].items())),
            }
        )
    return entries


def locked_packages(lock: str | Path) -> list[str]:
    """The names of the packages pinned in a requirements lock, as the lock writes them."""
    from paperkit.lockfile import read_lock

    return [pin.name for pin in read_lock(lock).values()]


def write_provenance(
    target: str,
    scripts: dict[str, str],
    packages: list[str],
    pandoc: str,
    records: Path = Path("logs"),
) -> None:
    """Write the manifest of every output a job recorded that exists; leave the file
    alone if unchanged."""
    from paperkit.atomic import plain, write_text

    by_output = job_records(records)
    payload = {
        "git": git_state(Path(".")),
        "packages": package_versions(packages) | {"pandoc": pandoc},
        "outputs": manifest(
            [path for path in by_output if Path(path).is_file()], scripts, by_output
        ),
    }
    text = json.dumps(plain(payload), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path = Path(target)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text(text, path)

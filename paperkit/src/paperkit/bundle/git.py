"""The git side of the bundle: the commit's tracked files and its history."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=tree, capture_output=True, text=True, check=True
    ).stdout.strip()


def tracked_files(tree: Path) -> dict[str, int]:
    """The files of the commit checked out in ``tree``: path → mode (0o755 or 0o644)."""
    files = {}
    for line in git(tree, "ls-files", "--stage", "-z").split("\0"):
        if not line:
            continue
        meta, name = line.split("\t", 1)
        files[name] = 0o755 if meta.split()[0] == "100755" else 0o644
    return dict(sorted(files.items()))


def history_bundle(tree: Path, target: Path) -> None:
    """The history of ``tree``'s HEAD as a git bundle at ``target`` (``git clone`` reads it)."""
    subprocess.run(
        ["git", "-c", "pack.threads=1", "bundle", "create", "--quiet", str(target), "HEAD"],
        cwd=tree,
        check=True,
        capture_output=True,
    )

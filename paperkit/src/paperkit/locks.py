"""Stale Snakemake locks: a run killed with ``kill -9`` leaves its lock behind.

Snakemake locks the working directory while it runs (``.snakemake/locks/``) and
refuses to start while a lock exists, which after a killed run means until the
user finds ``--unlock``. ``clear_stale_locks`` runs when the workflow is parsed,
before Snakemake takes its own lock: if lock files exist and no other Snakemake
process is running in this directory, the locks are stale and are removed.
"""

from __future__ import annotations

import os
from pathlib import Path

import psutil

UNLOCK_HINT = "snakemake --unlock"


def _is_snakemake(command: list[str]) -> bool:
    """A Snakemake main or job process (``snakemake ...`` or ``python -m snakemake ...``)."""
    names = [Path(part).name for part in command[:3]]
    return "snakemake" in names and (names[0] == "snakemake" or "-m" in command[:3])


def other_snakemake_here(root: Path) -> list[int]:
    """Process ids of Snakemake processes other than this one and its ancestors in ``root``."""
    own = {os.getpid(), *(parent.pid for parent in psutil.Process().parents())}
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        try:
            if process.pid in own or not _is_snakemake(process.info["cmdline"] or []):
                continue
            if Path(process.cwd()).resolve() == root.resolve():
                found.append(process.pid)
        except psutil.Error:  # gone, or not ours to inspect
            continue
    return found


def clear_stale_locks(root: Path) -> str | None:
    """Remove the locks in ``root/.snakemake/locks`` if no live Snakemake holds them.

    Returns a message saying what was done (None when there was no lock). A lock
    held by a live process is left alone: Snakemake then reports it as usual.
    """
    folder = root / ".snakemake" / "locks"
    locks = sorted(folder.glob("*.lock")) if folder.is_dir() else []
    if not locks:
        return None
    if running := other_snakemake_here(root):
        return (
            f"Snakemake (pid {', '.join(map(str, running))}) is running in {root}; its lock stays."
        )
    for lock in locks:
        lock.unlink(missing_ok=True)
    return (
        f"removed a stale lock in {folder} left by an interrupted run (no Snakemake process "
        f"is running here); if this is wrong, stop the other run and use `{UNLOCK_HINT}`."
    )

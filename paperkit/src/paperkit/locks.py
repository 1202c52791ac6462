"""Snakemake's lock on the working directory, explained in one line.

Snakemake locks the working directory while it builds (``.snakemake/locks/``): it
takes the lock after it has parsed the workflow and built its DAG (just before the
``onstart`` hook), and a second build in the same folder whose DAG shares a file
with the running one is refused with ``LockException`` before it runs anything.
That lock is the only guard: the workflow never removes it, and never guesses from
process names whether its owner is still alive (the guess failed on a build
started as ``.venv/bin/python .venv/bin/snakemake``, and the second build then
deleted the first one's lock and its files). A lock left by a killed run (``kill
-9``, a crash) is removed by the user with ``snakemake --unlock``.

``held_lock`` only reads: it names the lock and both ways out, so that the line
stands before Snakemake's own multi-line refusal.
"""

from __future__ import annotations

from pathlib import Path

UNLOCK_HINT = "snakemake --unlock"


def lock_files(root: Path) -> list[Path]:
    """The lock files Snakemake keeps in ``root/.snakemake/locks`` (none when unlocked)."""
    folder = root / ".snakemake" / "locks"
    return sorted(folder.glob("*.lock")) if folder.is_dir() else []


def held_lock(root: Path) -> str | None:
    """One line naming Snakemake's lock in ``root`` and the fix, or None when no lock is held."""
    if not lock_files(root):
        return None
    return (
        f"Snakemake's lock is held in {root / '.snakemake' / 'locks'}: another build is "
        f"running in this folder, and Snakemake refuses a second one that reads or writes "
        f"its files (wait for it to finish); if no build is running (one was killed), "
        f"remove the lock with `{UNLOCK_HINT}`."
    )

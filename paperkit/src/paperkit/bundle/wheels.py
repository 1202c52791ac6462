"""The locked wheels, for an install without an index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def wheelhouse(tree: Path, folder: Path) -> None:
    """The wheels of the runtime lock and of the installer's (uv, ``requirements/uv.txt``),
    hash-checked, for this platform and Python 3.11 (pip download; needs PyPI or a
    cache): with them ``make env FIND_LINKS=<folder> NO_INDEX=1`` installs without an
    index. A package published only as a source distribution comes as the wheel the
    repository keeps for it (``requirements/wheels``, its hash in the lock)."""
    local = tree / "requirements" / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--require-hashes",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version=3.11",
            *(["--find-links", str(local)] if local.is_dir() else []),
            *(
                argument
                for lock in ("runtime.txt", "uv.txt")
                for argument in ("-r", str(tree / "requirements" / lock))
            ),
            "-d",
            str(folder),
        ],
        check=True,
    )

"""The one reader of the hash-pinned requirements locks (``requirements/*.txt``, written
by ``uv pip compile --generate-hashes``, ``make lock``).

A lock holds, per package, a pin line ``name==version \\`` followed by its
``--hash=sha256:…`` lines and uv's ``# via`` comments; lines starting with ``-``
(``--find-links wheels``) are options for the installer. The provenance record lists
the locked packages' versions from it, the tests compare locks with it. Standard
library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# name==version, the line's continuation backslash and an environment marker allowed
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[^\s;\\]+)")
HASH = re.compile(r"^--hash=(?P<hash>[a-z0-9]+:[0-9a-f]+)")


class LockError(ValueError):
    """A lock file line that is neither a pin, a hash, an option nor a comment."""


@dataclass(frozen=True)
class Pin:
    """One locked package: its name as written, version, hashes (``sha256:…``) and
    the lines of its entry (the pin and its hashes, as pip reads them)."""

    name: str
    version: str
    hashes: frozenset[str]
    lines: tuple[str, ...]


def normalised(name: str) -> str:
    """A package name as the index compares names (PEP 503): ``Foo_Bar`` → ``foo-bar``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str, origin: str = "<lock>") -> dict[str, Pin]:
    """The pins of a lock's ``text``, by normalised name, in the lock's order.
    Raises LockError naming ``origin``, the line and its text for a line it cannot read."""
    entries: dict[str, dict] = {}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0].isspace():
            hashed = HASH.match(stripped)
            if not hashed or current is None:
                raise LockError(
                    f"{origin}, line {number}: {stripped!r} is not a --hash=sha256:… line "
                    "of a pinned package; regenerate the lock with `make lock`"
                )
            current["hashes"].add(hashed["hash"])
            current["lines"].append(line)
            continue
        if stripped.startswith("-"):  # an installer option (--find-links wheels)
            current = None
            continue
        pin = PIN.match(stripped)
        if not pin:
            raise LockError(
                f"{origin}, line {number}: {stripped!r} is not a pin (name==version); "
                "regenerate the lock with `make lock`"
            )
        current = entries[normalised(pin["name"])] = {
            "name": pin["name"],
            "version": pin["version"],
            "hashes": set(),
            "lines": [line],
        }
    return {
        key: Pin(e["name"], e["version"], frozenset(e["hashes"]), tuple(e["lines"]))
        for key, e in entries.items()
    }


def read_lock(path: str | Path) -> dict[str, Pin]:
    """The pins of the lock file at ``path`` (see parse_lock)."""
    return parse_lock(Path(path).read_text(encoding="utf-8"), str(path))

"""Atomic writes (standard library only, so light jobs need not import pandas).

Every output goes to a temporary file in the target folder and is renamed over
the target only when complete: a failed job never leaves half a file where a
good one stood.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(target: str | Path, suffix: str = ""):
    """Yield a temporary path beside ``target``; rename it over ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=suffix or target.suffix, dir=target.parent
    )
    os.close(handle)
    try:
        yield Path(temp)
        os.chmod(temp, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs are ordinary files
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def plain(value):
    """JSON-safe plain Python values (non-finite floats become null), recursively."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(payload: dict, target: str | Path) -> None:
    """Sorted, indented UTF-8 JSON with a final newline: stable bytes for stable content."""
    text = json.dumps(plain(payload), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    with atomic_path(target) as temp:
        temp.write_text(text + "\n", encoding="utf-8")


def write_text(text: str, target: str | Path) -> None:
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")


def read_json(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))

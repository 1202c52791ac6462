"""Atomic, canonical writes (standard library only, so light jobs need not import pandas).

Every output goes to a temporary file in the target folder and is renamed over
the target only when complete: a failed job never leaves half a file where a
good one stood.

Every float written is first rounded to ``SIGNIFICANT_DIGITS`` significant
digits (``canonical_float``). Different CPUs and BLAS kernels give results that
differ in their last digits; rounded, they give the same bytes, so a clean build
on another machine verifies against the checksum manifest. Figures and tables
are drawn from these written values, never from the unrounded ones.
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


# The declared precision of every float the build writes (JSON and CSV): far finer
# than anything the paper prints (at most three decimals), far coarser than the
# differences between floating-point kernels (about 1e-12 relative).
SIGNIFICANT_DIGITS = 6


def canonical_float(value: float) -> float:
    """``value`` rounded to ``SIGNIFICANT_DIGITS`` significant digits (-0.0 becomes 0.0)."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") + 0.0


def plain(value):
    """JSON-safe, canonical plain Python values, recursively: numpy scalars become
    Python numbers, floats are rounded (``canonical_float``), non-finite floats null."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return canonical_float(value) if math.isfinite(value) else None
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

"""Shared fixtures: the repository root and the offline mirror of the sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def config() -> dict:
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The mirror of the pinned sources: $PAPER_DATA_MIRROR, else ../shared/data."""
    chosen = os.environ.get("PAPER_DATA_MIRROR") or ROOT.parent / "shared" / "data"
    path = Path(chosen)
    if not (path / "SHA256SUMS").is_file():
        pytest.skip(f"no mirror of the sources at {path}; set PAPER_DATA_MIRROR")
    return path

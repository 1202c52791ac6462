"""A real data update: the earlier UNHCR release against the current one, end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, unavailable

pytestmark = pytest.mark.e2e


def test_report_of_the_unhcr_release_update(tmp_path, mirror, monkeypatch):
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if status.strip():
        unavailable("the change report builds clean clones of HEAD; commit first")
    monkeypatch.setenv("PAPER_DATA_MIRROR", str(mirror))
    run = subprocess.run(
        [
            sys.executable,
            "reproducibility/report_changes.py",
            "--base-configfile",
            "config/releases/unhcr-2024.12.0.yaml",
            "--output",
            str(tmp_path / "report.md"),
            "--json",
            str(tmp_path / "report.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    diff = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    changed = diff["numbers_changed"]
    # the release moved by one year; the numbers of the other sources did not move
    assert changed["hosted_last_year"] == {
        "old": {"en": "2024", "tr": "2024"},
        "new": {"en": "2025", "tr": "2025"},
    }
    assert changed["release_unhcr_population"]["new"]["en"] == "refugees 2025.12.1"
    assert "syria_last" in changed and "its_statement_irr" not in changed
    assert all(not name.startswith(("its_", "did_")) for name in changed)
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| `hosted_last_year` | 2024 → 2025 | 2024 → 2025 |" in report

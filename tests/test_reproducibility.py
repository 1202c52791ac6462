"""The reproducibility check catches a perturbed, missing or extra output."""

from __future__ import annotations

import pytest

from paperkit.reproducibility import differences, format_manifest, output_hashes, parse_manifest


def build_tree(root):
    files = {
        "data/processed/frontex.csv": "route,n\nEMR,1\n",
        "results/numbers/models.json": '{"a": 1}\n',
        "manuscript/build/en/paper.html": "<html></html>\n",
        "data/raw/sources/frontex.rda": "binary",
        # must differ between builds, so never compared:
        "data/raw/sources/frontex.provenance.json": '{"retrieved_at": "now"}',
        "results/provenance.json": '{"git": "abc"}',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_identical_trees_have_no_differences(tmp_path):
    build_tree(tmp_path / "a")
    build_tree(tmp_path / "b")
    a, b = output_hashes(tmp_path / "a"), output_hashes(tmp_path / "b")
    assert differences(a, b) == []
    assert sorted(a) == [
        "data/processed/frontex.csv",
        "data/raw/sources/frontex.rda",
        "manuscript/build/en/paper.html",
        "results/numbers/models.json",
    ]


def test_a_perturbed_output_is_caught(tmp_path):
    build_tree(tmp_path)
    expected = output_hashes(tmp_path)
    (tmp_path / "results/numbers/models.json").write_text('{"a": 2}\n', encoding="utf-8")
    (tmp_path / "manuscript/build/en/paper.html").unlink()
    (tmp_path / "results/figures").mkdir(parents=True)
    (tmp_path / "results/figures/new.svg").write_text("<svg/>", encoding="utf-8")
    problems = differences(expected, output_hashes(tmp_path))
    assert problems[0].startswith("changed: results/numbers/models.json")
    assert "missing: manuscript/build/en/paper.html" in problems
    assert "unexpected: results/figures/new.svg" in problems


def test_manifest_round_trip_and_malformed_line(tmp_path):
    build_tree(tmp_path)
    hashes = output_hashes(tmp_path)
    assert parse_manifest(format_manifest(hashes)) == hashes
    with pytest.raises(ValueError, match="manifest line 1"):
        parse_manifest("not a checksum line\n")

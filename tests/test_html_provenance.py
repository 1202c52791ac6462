"""The HTML's made-by lines: links into the published repository, or paths as text."""

from __future__ import annotations

import json
import subprocess

import pytest

from paperkit.paper import PANDOC_DEFAULTS

FILTER = PANDOC_DEFAULTS.parent / "filters" / "html-provenance.lua"
PROVENANCE = "figure_models|paperkit/src/paperkit/workflow/scripts/draw.py|results/its.json"


def html_of(metadata: dict) -> str:
    pypandoc = pytest.importorskip("pypandoc")
    image = {
        "t": "Image",
        "c": [["", [], [["provenance", PROVENANCE]]], [{"t": "Str", "c": "x"}], ["x.svg", ""]],
    }
    figure = {
        "t": "Figure",
        "c": [["fig:x", [], []], [None, []], [{"t": "Plain", "c": [image]}]],
    }
    meta = {key: {"t": "MetaString", "c": value} for key, value in metadata.items()}
    document = {"pandoc-api-version": [1, 23, 1], "meta": meta, "blocks": [figure]}
    run = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "json", "-t", "html", "--lua-filter", str(FILTER)],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


def test_without_a_published_repository_the_paths_are_text():
    html = html_of({"provenance-made": "Made by"})
    assert "<code>paperkit/src/paperkit/workflow/scripts/draw.py</code>" in html
    assert "<code>results/its.json</code>" in html and "href" not in html


def test_a_published_repository_gets_links_at_its_address():
    html = html_of({"provenance-base": "https://example.org/owner/paper/blob/v1"})
    assert 'href="https://example.org/owner/paper/blob/v1/results/its.json"' in html
    assert (
        'href="https://example.org/owner/paper/blob/v1/paperkit/src/paperkit/workflow/scripts/draw.py"'
        in html
    )

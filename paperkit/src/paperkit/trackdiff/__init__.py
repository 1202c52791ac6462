"""Tracked changes between two versions of a manuscript (`make diff`), one job per module:

- ``paperkit.trackdiff.marks``: the insertion, deletion and flag Spans, and what the
  other modules read off an element;
- ``paperkit.trackdiff.diff``: the word-level diff of two Pandoc ASTs (``diff_ast``);
- ``paperkit.trackdiff.summary``: what changed, counted (``summarize``), and the
  one-screen summary in each language (``summary_blocks``, ``summary_markdown``);
- ``paperkit.trackdiff.docx``: the DOCX's XML as Word wants its revisions;
- ``paperkit.trackdiff.readback``: a DOCX's revisions read back, all accepted or rejected;
- ``paperkit.trackdiff.render``: citations resolved (``cite``), and the marked document
  written as DOCX, HTML and PDF (``render_diff``).

The names below are the package's interface; the workflow's diff scripts use them.
"""

from paperkit.trackdiff.diff import diff_ast, diff_blocks, diff_inlines, unwrap_dangling_links
from paperkit.trackdiff.marks import DELETION, FLAG, INSERTION, image_path_key
from paperkit.trackdiff.readback import revisions
from paperkit.trackdiff.render import cite, render_diff
from paperkit.trackdiff.summary import (
    LABELS,
    labels_for,
    number_of,
    summarize,
    summary_blocks,
    summary_markdown,
)

__all__ = [
    "DELETION",
    "FLAG",
    "INSERTION",
    "LABELS",
    "cite",
    "diff_ast",
    "diff_blocks",
    "diff_inlines",
    "image_path_key",
    "labels_for",
    "number_of",
    "render_diff",
    "revisions",
    "summarize",
    "summary_blocks",
    "summary_markdown",
    "unwrap_dangling_links",
]

"""Citations resolved for the diff, and the marked document written as DOCX (Word
revisions), HTML and PDF (through Typst; visible marks, by the Lua filter the ``diff``
defaults name) with the one-screen summary in front of the HTML and PDF. Pandoc and
Typst run from the repository root, as ``paperkit.render`` does."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from paperkit.trackdiff.docx import (
    blocks_bookmarked,
    flags_as_comments,
    headings_numbered,
    mark_attributes,
    marks_inside_links,
    paragraph_marks,
    unique_revision_ids,
)
from paperkit.trackdiff.marks import new_text

# --------------------------------------------------------------------------- rendering


def cite(pandoc: str, ast: dict, defaults: list[str], bibliography: list[str]) -> dict:
    """``ast`` with its citations resolved by citeproc (the paper's citeproc defaults and
    bibliography files, paths absolute or relative to the working folder)."""
    with tempfile.TemporaryDirectory(prefix="trackdiff-cite-") as scratch:
        source = Path(scratch) / "in.json"
        source.write_text(json.dumps(ast, ensure_ascii=False), encoding="utf-8")
        return cite_file(pandoc, source, defaults, bibliography)


def cite_file(
    pandoc: str,
    source: Path,
    defaults: list[str],
    bibliography: list[str] | tuple[str, ...] = (),
    folder: Path | None = None,
) -> dict:
    """The AST of the resolved text in ``source`` with its citations resolved, as Pandoc
    reads it with ``defaults`` (whose ``from:`` says whether it is an AST or Markdown),
    run in ``folder`` (default: the working folder), where the relative paths of the
    defaults and ``bibliography`` point: an earlier revision's text is resolved in its
    own clone by its own citeproc defaults."""
    extra = [f"--bibliography={path}" for path in bibliography]
    command = [pandoc, str(source), *(f"--defaults={d}" for d in defaults), *extra, "--to=json"]
    run = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    if run.returncode:
        from paperkit.render import RenderError

        raise RenderError(f"pandoc failed to resolve the citations of {source}:\n{run.stderr}")
    return json.loads(run.stdout)


def render_diff(
    ast: dict,
    summary: list,
    outputs: dict,
    pandoc: str,
    defaults: dict,
    timestamp: int,
    html_metadata: dict[str, str] | None = None,
) -> list[str]:
    """Write the marked ``ast`` (citations already resolved) to ``outputs`` (keys
    ``docx``, ``html``, ``pdf``, and ``typst`` for the Typst source); return Typst's
    warnings.

    ``defaults`` holds the Pandoc defaults files per writer (``docx``, ``html``,
    ``typst``); those of HTML and Typst must include the marks filter (the paper's
    ``diff.yaml``), since Pandoc's Typst writer drops the classes of Spans. ``summary``
    (``summary_blocks``) goes in front of the HTML and PDF, not the DOCX, whose
    revisions Word lists in its own review pane. Runs from the repository root (figure
    paths are relative to it); with SOURCE_DATE_EPOCH set, the DOCX is reproducible,
    and ``timestamp`` dates the PDF.
    """
    from paperkit.render import pandoc as run_pandoc
    from paperkit.render import typst_pdf

    title = ast["meta"].get("title")
    pagetitle = new_text(title["c"]) if title and title["t"] == "MetaInlines" else "diff"
    shown = {
        **ast,
        # The HTML <title> would otherwise read old and new title run together.
        "meta": {**ast["meta"], "pagetitle": {"t": "MetaString", "c": pagetitle}},
        "blocks": summary + ast["blocks"],
    }
    html = [f"--metadata={key}={value}" for key, value in (html_metadata or {}).items()]
    with tempfile.TemporaryDirectory(prefix="trackdiff-") as scratch:
        docx_ast, shown_ast = Path(scratch) / "docx.json", Path(scratch) / "shown.json"
        # numbers first: they read the mark Divs that blocks_bookmarked names
        docx = blocks_bookmarked(headings_numbered(ast))
        docx = flags_as_comments(marks_inside_links(docx))
        docx_ast.write_text(json.dumps(docx, ensure_ascii=False), encoding="utf-8")
        shown_ast.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
        if "docx" in outputs:
            # the numbers are the headers' text (headings_numbered), not Pandoc's
            unnumbered = ["--number-sections=false"]
            run_pandoc(pandoc, docx_ast, defaults["docx"], Path(outputs["docx"]), unnumbered)
            paragraph_marks(Path(outputs["docx"]), mark_attributes(ast))
            unique_revision_ids(Path(outputs["docx"]))
        if "html" in outputs:
            run_pandoc(pandoc, shown_ast, defaults["html"], Path(outputs["html"]), html)
        warnings: list[str] = []
        if "pdf" in outputs or "typst" in outputs:
            typ = Path(outputs.get("typst") or Path(scratch) / "diff.typ")
            run_pandoc(pandoc, shown_ast, defaults["typst"], typ)
            if "pdf" in outputs:
                warnings = typst_pdf(typ, Path(outputs["pdf"]), timestamp)
    return warnings

"""Citations resolved for the diff, and the marked document written as DOCX (Word
revisions), HTML and PDF (through Typst; visible marks, by the Lua filter the ``diff``
defaults name) with the one-screen summary in front of the HTML and PDF. Pandoc and
Typst run from the repository root, as ``paperkit.render`` does."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from paperkit.pandoc_ast import stringify
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


def first_page(
    pandoc: str, ast: dict, summary: list, typst_defaults: list[str], scratch: Path
) -> list[str]:
    """Pandoc's options that put ``summary`` on the PDF's first page, alone, before the
    title: the summary as a Typst fragment included in the header, which comes before
    the template's page set-up (``#show: doc => conf(...)``), so that the paper starts
    on the next page. (In the body, the summary followed the title and abstract: it
    started at the foot of page 1 and its page break left page 2 blank.)"""
    from paperkit.render import pandoc as run_pandoc

    blocks = [b for b in summary if not (b.get("t") == "RawBlock" and b["c"][0] == "typst")]
    if not blocks:
        return []
    source, fragment = scratch / "summary.json", scratch / "summary.typ"
    source.write_text(json.dumps({**ast, "blocks": blocks}, ensure_ascii=False), encoding="utf-8")
    body_only = scratch / "body.typst"  # a template of the body alone: a fragment
    body_only.write_text("$body$\n", encoding="utf-8")
    run_pandoc(pandoc, source, typst_defaults, fragment, [f"--template={body_only}"])
    lang = ast["meta"].get("lang")
    language = stringify(lang["c"]) if lang and lang["t"] != "MetaString" else (lang or {}).get("c")
    # Typst takes the language and the region apart (en-GB: lang "en", region "GB")
    code, _, region = (language or "").partition("-")
    setup = f'#set text(lang: "{code.lower()}")\n' if code else ""
    setup += f'#set text(region: "{region.upper()}")\n' if region else ""
    fragment.write_text(setup + fragment.read_text(encoding="utf-8"), encoding="utf-8")
    return [f"--include-in-header={fragment}"]


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
    (``summary_blocks``) goes in front of the HTML and, as a page of its own, of the
    PDF (``first_page``), not the DOCX, whose revisions Word lists in its own review
    pane. Runs from the repository root (figure
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
            front = first_page(pandoc, ast, summary, defaults["typst"], Path(scratch))
            paper_ast = Path(scratch) / "paper.json"
            paper_ast.write_text(json.dumps(ast, ensure_ascii=False), encoding="utf-8")
            run_pandoc(pandoc, paper_ast, defaults["typst"], typ, front)
            if "pdf" in outputs:
                warnings = typst_pdf(typ, Path(outputs["pdf"]), timestamp)
    return warnings

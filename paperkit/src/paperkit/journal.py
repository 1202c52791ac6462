"""The paper as a journal wants it submitted: a DOCX with the journal's layout and live
numbering, and every figure as a separate high-resolution file.

``journal_docx`` writes the DOCX from the resolved AST the way ``paperkit.render``
writes the paper's: citations resolved once (the citeproc defaults), then Pandoc's
DOCX writer with the paper's DOCX defaults and the journal's (a reference document
with A4, double spacing, line and page numbers; the ``word-fields.lua`` filter that
writes the numbers of captions and cross-references as Word SEQ and REF fields, so
that Word renumbers them after an edit).

``export_figures`` writes every figure of the resolved AST, numbered in document
order as the captions number them, as ``figure-NN-<id>.pdf`` (vector) and
``figure-NN-<id>.png`` (600 dpi, RGB, resolution recorded), compiled by Typst from
the figure's SVG in a page of the SVG's size, and ``figures.json`` listing them.
The bytes are the same on every run.

    python -m paperkit.journal reference [-o paperkit/src/paperkit/pandoc/templates/reference.docx]

writes the reference document again (``paperkit.reference_docx``), e.g. after a
Pandoc update.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import struct
import tempfile
from importlib.resources import files
from pathlib import Path

from paperkit.atomic import atomic_path
from paperkit.pandoc_ast import elements
from paperkit.render import RenderError, pandoc

PPI = 600


class JournalError(RuntimeError):
    """A figure could not be exported, or Pandoc failed."""


# --------------------------------------------------------------------------- DOCX


def _pandoc(executable: str, source: Path, defaults: list[str], target: Path, extra=()) -> str:
    """``paperkit.render.pandoc``, its failure reported as the journal's."""
    try:
        return pandoc(executable, source, defaults, target, list(extra))
    except RenderError as error:
        raise JournalError(str(error)) from None


def journal_docx(
    executable: str,
    resolved: Path,
    defaults: dict[str, list[str]],
    bibliography: list[str],
    target: Path,
) -> str:
    """Write the journal's DOCX of a resolved AST; return Pandoc's warnings.

    ``defaults`` is keyed by ``citeproc`` (the first pass) and ``docx`` (the paper's
    DOCX defaults followed by the journal's). Runs from the repository root; with
    SOURCE_DATE_EPOCH set (the workflow sets it) the bytes are reproducible.
    """
    with tempfile.TemporaryDirectory(prefix="journal-") as scratch:
        cited = Path(scratch) / "paper.json"
        cites = [f"--bibliography={path}" for path in bibliography]
        warnings = _pandoc(executable, resolved, defaults["citeproc"], cited, cites)
        warnings += _pandoc(executable, cited, defaults["docx"], target)
    return warnings


# --------------------------------------------------------------------------- figures


def _plain(node) -> str:
    """Plain text of an AST fragment (inlines or blocks)."""
    if isinstance(node, list):
        return "".join(_plain(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Code", "Math"):
        return content[1]
    if kind == "Quoted":
        quotes = ("“", "”") if content[0]["t"] == "DoubleQuote" else ("‘", "’")
        return quotes[0] + _plain(content[1]) + quotes[1]
    if kind in ("Cite", "Link", "Image", "Span"):
        return _plain(content[1])
    if kind in ("Note", "RawInline", "RawBlock"):
        return ""
    return _plain(content) if isinstance(content, list) else ""


def slug(name: str) -> str:
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in name)
    return cleaned.strip("-").lower() or "figure"


def figures_of(ast: dict) -> list[dict]:
    """The figures in document order: number, id, name, caption, image source. The number
    a caption states ("Figure 4: …", "Şekil 4: …") must be its place in that order."""
    found = []
    for node in elements(ast["blocks"]):
        if node.get("t") != "Figure":
            continue
        (identifier, _classes, _attrs), caption, body = node["c"]
        images = [n for n in elements(body) if n.get("t") == "Image"]
        if not images:
            continue
        source = images[0]["c"][2][0]
        text = _plain(caption[1]).strip()
        number = len(found) + 1
        words = text.split(None, 1)
        if len(words) < 2 or not words[1][:1].isdigit():
            raise JournalError(
                f"{identifier or source}: caption does not start with a label and a number"
            )
        stated = int("".join(ch for ch in words[1].split(":")[0].split(".")[0] if ch.isdigit()))
        if stated != number:
            raise JournalError(
                f"{identifier}: the caption says {words[0]} {stated}, but it is figure "
                f"{number} in document order"
            )
        name = identifier.removeprefix("fig:") if identifier else Path(source).stem
        found.append(
            {
                "number": number,
                "id": identifier,
                "name": slug(name),
                "caption": text,
                "source": source,
            }
        )
    return found


def _typst_page(svg: Path, root: Path) -> bytes:
    """A Typst document: the SVG alone on a white page of its own size, undated."""
    relative = "/" + svg.resolve().relative_to(root.resolve()).as_posix()
    return (
        "#set document(date: none)\n"
        "#set page(width: auto, height: auto, margin: 0pt, fill: white)\n"
        f'#image("{relative}")\n'
    ).encode()


def _png(png: bytes, ppi: int) -> bytes:
    """Typst's PNG as journals like it: RGB (the page is white) and the resolution
    recorded (pHYs), so that an image editor or a journal's checker reads 600 dpi."""
    from PIL import Image  # a dependency of matplotlib, in the lock

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(ppi, ppi))
    return out.getvalue()


def export_figures(ast_path: Path, out: Path, root: Path = Path("."), ppi: int = PPI) -> list[dict]:
    """Write every figure of the resolved AST at ``ast_path`` into ``out`` (PDF and PNG)
    and ``figures.json``; return the list. Image paths are relative to ``root``."""
    import typst

    ast = json.loads(Path(ast_path).read_text(encoding="utf-8"))
    figures = figures_of(ast)
    out.mkdir(parents=True, exist_ok=True)
    for figure in figures:
        svg = (root / figure["source"]).with_suffix(".svg")
        if not svg.is_file():
            raise JournalError(f"{figure['id']}: no SVG at {svg}")
        page = _typst_page(svg, root)
        try:
            pdf = typst.compile(page, root=str(root), format="pdf", ignore_system_fonts=True)
            png = typst.compile(
                page, root=str(root), format="png", ppi=ppi, ignore_system_fonts=True
            )
        except typst.TypstError as error:
            raise JournalError(f"{svg}: {getattr(error, 'diagnostic', None) or error}") from None
        png = _png(png, ppi)
        stem = f"figure-{figure['number']:02d}-{figure['name']}"
        files = {f"{stem}.pdf": pdf, f"{stem}.png": png}
        for name, data in files.items():
            with atomic_path(out / name) as temp:
                temp.write_bytes(data)
        figure["svg"] = svg.relative_to(root).as_posix()
        figure["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        figure["pixels"] = list(struct.unpack(">II", png[16:24]))
        figure["ppi"] = ppi
    # Files of an earlier export that this one did not write (a renamed or removed
    # figure) would pass for current ones.
    current = {name for figure in figures for name in figure["files"]}
    for stale in out.glob("figure-*"):
        if stale.name not in current:
            stale.unlink()
    manifest = {"figures": figures}
    with atomic_path(out / "figures.json") as temp:
        temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return figures


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> None:
    import pypandoc

    from paperkit.reference_docx import default_reference, reference_docx

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    reference = commands.add_parser("reference", help="write the journal's reference document")
    # paperkit's own (package data), which the defaults journal-docx.yaml and diff-docx.yaml name
    packaged = Path(str(files("paperkit"))) / "pandoc" / "templates" / "reference.docx"
    reference.add_argument("-o", "--output", type=Path, default=packaged)
    args = parser.parse_args(argv)
    data = reference_docx(default_reference(pypandoc.get_pandoc_path()))
    with atomic_path(args.output) as temp:
        temp.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")


if __name__ == "__main__":
    main()

"""Render a resolved manuscript with Pandoc (HTML, DOCX, Typst) and Typst (PDF).

Pandoc runs from the repository root, so the figure paths the resolver wrote
(relative to the root) work for every format. Citations are resolved once, into
Pandoc's JSON AST; the three writers then read that AST one after another while
Typst compiles the PDF: one Pandoc process at a time per language (each takes
about 180 MiB), and no citeproc pass repeated.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import typst

from paperkit.atomic import atomic_path

# Pandoc's Typst writer turns the apostrophe of "2’de" or "%42’si" into a
# straight quote, which Typst's smart quotes then set as a prime (2′de).
# A literal U+2019 after a digit keeps the Turkish apostrophe.
APOSTROPHE_AFTER_DIGIT = re.compile(r"(?<=[0-9])'")


class RenderError(RuntimeError):
    """Pandoc or Typst rejected the document."""


# Local files a raw HTML tag in the text would make Pandoc's embed-resources read.
RAW_HTML_SOURCE = re.compile(
    r"""<(?:img|script|link|video|audio|source|iframe|object|embed|input)\b[^>]*?"""
    r"""\b(?:src|href|data|poster)\s*=\s*["']?([^"'\s>]+)""",
    re.IGNORECASE,
)
# Targets that are not local files: a remote address, inline data, an anchor.
NOT_A_FILE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#)", re.IGNORECASE)


def unregistered_files(ast: dict, registered: set[str]) -> list[str]:
    """The local files that the text names as images (or in raw HTML tags) and that
    are not among ``registered`` (the registry's figure files): the HTML embeds every
    local file it names (embed-resources), so anything else would be copied into it
    — a file outside the repository as readily as a figure."""
    from paperkit.pandoc_ast import elements

    named = []
    for element in elements(ast.get("blocks", [])):
        if element["t"] == "Image":
            named.append(element["c"][2][0])
        elif element["t"] in ("RawInline", "RawBlock") and element["c"][0] in ("html", "html5"):
            named += RAW_HTML_SOURCE.findall(element["c"][1])
    return sorted(
        {
            target
            for target in named
            if not NOT_A_FILE.match(target) and target.split("?")[0] not in registered
        }
    )


def check_embedded_files(ast: dict, registered: set[str], lang: str) -> None:
    """Fail naming every file the text would embed that the registry does not declare."""
    if unregistered := unregistered_files(ast, registered):
        raise RenderError(
            f"{lang}: the text names {', '.join(map(repr, unregistered))}, which the "
            f"registry does not declare as figures; the HTML embeds only registered "
            f"figure files. Declare an image under figures: in the registry and include "
            f"it as ![caption](figure:<name>), or remove it from the text"
        )


def pandoc(
    executable: str,
    source: Path | str,
    defaults: list[str],
    target: Path,
    extra: list[str] | None = None,
) -> str:
    """Convert ``source`` with the given defaults files (and ``extra`` options) into
    ``target`` (atomically); return Pandoc's warnings (stderr)."""
    with atomic_path(target) as temp:
        command = [
            executable,
            str(source),
            *(f"--defaults={d}" for d in defaults),
            *(extra or []),
            f"--output={temp}",
        ]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode:
            raise RenderError(f"pandoc failed on {source} → {target.name}:\n{run.stderr}")
    return run.stderr


def typst_pdf(
    typ: Path, target: Path, timestamp: int, compiler: typst.Compiler | None = None
) -> list[str]:
    """Compile a Typst file to PDF with the repository as root and a fixed date.

    Only Typst's bundled fonts are used (Libertinus Serif covers Turkish): fonts
    installed on the machine would otherwise leak into the PDF and make its bytes
    depend on where it was built. Returns Typst's warnings (e.g. a missing glyph).
    ``compiler`` (made by ``typst_compiler``): one kept between compiles, which reuses
    its fonts and what it laid out before (the live preview's).
    """
    source = APOSTROPHE_AFTER_DIGIT.sub("’", typ.read_text(encoding="utf-8"))
    try:
        # Compiled from bytes so that relative paths resolve from the root, as for Pandoc.
        if compiler is None:
            pdf, warnings = typst.compile_with_warnings(
                source.encode("utf-8"), root=".", timestamp=timestamp, ignore_system_fonts=True
            )
        else:
            pdf, warnings = compiler.compile_with_warnings(
                source.encode("utf-8"), root=".", timestamp=timestamp
            )
    except typst.TypstError as error:  # the diagnostic names the line of the .typ file
        raise RenderError(f"{typ}: {error.diagnostic or error}") from None
    with atomic_path(target) as temp:
        temp.write_bytes(pdf)
    return [str(warning.message) for warning in warnings]


def html_metadata(labels: dict, repository_url: str = "") -> dict[str, str]:
    """The HTML writer's metadata (words of its filters) from a language's ``labels``:
    the provenance line's words, and where the repository is published (if it is)."""
    return {
        **{f"provenance-{key}": value for key, value in labels["provenance"].items()},
        **({"provenance-base": repository_url} if repository_url else {}),
    }


def typst_compiler() -> typst.Compiler:
    """A Typst compiler to keep between compiles (``typst_pdf``), with the same fonts."""
    return typst.Compiler(root=".", ignore_system_fonts=True)


def keep_last_good(documents: list[Path], folder: Path) -> None:
    """Copy documents that passed every check to ``folder`` (atomically, each).

    The copies are for readers while a later build fails: the build itself deletes
    the documents of a failed render, so nothing stale is ever current output.
    """
    for document in documents:
        with atomic_path(folder / document.name) as temp:
            shutil.copyfile(document, temp)


def render_all(
    executable: str,
    source: Path,
    defaults: dict[str, list[str]],
    outputs: dict[str, Path],
    timestamp: int,
    bibliography: list[str] | None = None,
    html_metadata: dict[str, str] | None = None,
) -> list[str]:
    """Write HTML, DOCX and PDF (through Typst) of ``source`` (a resolved AST, JSON);
    return Typst's warnings.

    ``defaults`` is keyed by ``citeproc`` (the first pass: citations resolved into
    the AST, with every file of ``bibliography``) and by ``html``, ``docx`` and
    ``typst`` (the writers); ``outputs`` by the writers and ``pdf``.
    ``html_metadata`` goes to the HTML writer only (words of its filters).
    """
    citeproc = [f"--bibliography={path}" for path in bibliography or []]
    html = [f"--metadata={key}={value}" for key, value in (html_metadata or {}).items()]
    extra = {"html": html, "docx": [], "typst": []}
    with tempfile.TemporaryDirectory(prefix="render-") as scratch:
        ast = Path(scratch) / "paper.json"
        pandoc(executable, source, defaults["citeproc"], ast, citeproc)
        pandoc(executable, ast, defaults["typst"], outputs["typst"])
        with ThreadPoolExecutor(max_workers=1) as pool:
            writers = pool.submit(
                lambda: [
                    pandoc(executable, ast, defaults[k], outputs[k], extra[k])
                    for k in ("html", "docx")
                ]
            )
            warnings = typst_pdf(outputs["typst"], outputs["pdf"], timestamp)
            writers.result()
    return warnings

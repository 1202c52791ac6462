"""What a reader sees on the pages: layout checks of a rendered PDF.

The build already refuses a document whose numbers, claims or languages disagree;
these checks look at the pages as a reader does. Each finds one kind of defect and
names the page and the element:

- two words printed over each other (an overprinted table header);
- a page left mostly blank that does not end a section or the document (a float
  pushed to the next page);
- a figure, table or line reaching beyond the text block;
- a font that is not embedded (another machine would substitute it);
- a figure or table set in the reference list (a float that drifted past the last
  heading);
- a citation without a year ("n.d.", "t.y.") or nested in another's parentheses
  ("(Türkiye Büyük Millet Meclisi (TBMM) 2013)").

The checks are pure functions of :class:`Page` records; :func:`read_pdf` makes
them from a PDF with PyMuPDF (a 30-page paper in well under a second).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in points from the top left corner."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    # PyMuPDF's block and line of the word: words of one line never overprint each other
    line: tuple[int, int] = (0, 0)


@dataclass
class Page:
    """One page: its number (from 1), size, words, images, drawn lines and headings."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    images: list[Box] = field(default_factory=list)
    drawings: list[Box] = field(default_factory=list)
    # top-level headings that start on this page, with their top edge
    headings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True)
class Problem:
    """A defect a reader would see: where (document, page, element) and what."""

    document: str
    page: int
    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.document}, page {self.page}, {self.element}: {self.message}"


# --------------------------------------------------------------------------- elements


def element_near(page: Page, y: float, captions: tuple[str, ...]) -> str:
    """The figure or table whose caption is nearest above ``y`` on ``page`` (its label and
    number, e.g. "Table 4"), else the nearest below, else "the text"."""
    found = []
    for index, word in enumerate(page.words[:-1]):
        if word.text in captions:
            number = page.words[index + 1].text.rstrip(":.")
            if number[:1].isdigit():
                found.append((word.box.y0, f"{word.text} {number}"))
    above = [item for item in found if item[0] <= y]
    if above:
        return max(above)[1]
    return min(found)[1] if found else "the text"


# --------------------------------------------------------------------------- checks


def overlapping_words(
    page: Page, document: str, captions: tuple[str, ...], min_overlap: float = 0.5
) -> list[Problem]:
    """Words of different lines whose boxes overlap: more than ``min_overlap`` pt across
    and more than half the lower word's height (lines set close together touch at the
    edges of their boxes, overprinted words cover each other)."""
    problems = []
    words = sorted(page.words, key=lambda word: word.box.x0)
    for index, first in enumerate(words):
        for second in words[index + 1 :]:
            if second.box.x0 >= first.box.x1 - min_overlap:
                break
            if first.line == second.line:
                continue
            across = min(first.box.x1, second.box.x1) - max(first.box.x0, second.box.x0)
            down = min(first.box.y1, second.box.y1) - max(first.box.y0, second.box.y0)
            if across > min_overlap and down > 0.5 * min(first.box.height, second.box.height):
                problems.append(
                    Problem(
                        document,
                        page.number,
                        element_near(page, min(first.box.y0, second.box.y0), captions),
                        f"the words {first.text!r} and {second.text!r} print over each "
                        f"other ({across:.1f} pt); give the column room (shorter header "
                        f"words, or widths that fit the longest word)",
                    )
                )
    return problems


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def text_block(pages: list[Page]) -> Box:
    """The text block of the document, from where its lines start and end: all but the
    outermost 2% of the left and right edges of the lines longer than a third of the
    page (ragged-right text reaches its margin only now and then; a table or figure
    wider than the text is a few lines among hundreds), and the top and bottom of
    the words on any page."""
    lefts, rights, tops, bottoms = [], [], [], []
    for page in pages:
        lines: dict[tuple[int, int], list[Word]] = {}
        for word in page.words:
            lines.setdefault(word.line, []).append(word)
        for words in lines.values():
            x0 = min(word.box.x0 for word in words)
            x1 = max(word.box.x1 for word in words)
            if x1 - x0 > page.width / 3:
                lefts.append(x0)
                rights.append(x1)
        if page.words:
            tops.append(min(word.box.y0 for word in page.words))
            bottoms.append(max(word.box.y1 for word in page.words))
    if not lefts:
        return Box(0, 0, pages[0].width if pages else 0, pages[0].height if pages else 0)
    return Box(_quantile(lefts, 0.02), min(tops), _quantile(rights, 0.98), max(bottoms))


def outside_text_block(
    page: Page, block: Box, document: str, captions: tuple[str, ...], tolerance: float = 3.0
) -> list[Problem]:
    """Images, drawn rules and words that reach beyond the left or right edge of the
    text block by more than ``tolerance`` pt (a table or figure wider than the text;
    Typst hangs a line's final hyphen about 2 pt into the margin)."""
    problems = []
    # A Word table's rules hang into the margin by its cells' padding (0.08 in, 5.8 pt).
    elements = [("image", box, tolerance) for box in page.images] + [
        ("drawing", box, tolerance + 6.0) for box in page.drawings
    ]
    for kind, box, allowed in elements:
        beyond = max(block.x0 - box.x0, box.x1 - block.x1)
        if beyond > allowed:
            problems.append(
                Problem(
                    document,
                    page.number,
                    element_near(page, box.y0, captions),
                    f"its {kind} reaches {beyond:.0f} pt beyond the text block "
                    f"({block.x0:.0f}–{block.x1:.0f} pt); scale it to the text width",
                )
            )
    for word in page.words:
        beyond = max(block.x0 - word.box.x0, word.box.x1 - block.x1)
        if beyond > tolerance:
            problems.append(
                Problem(
                    document,
                    page.number,
                    element_near(page, word.box.y0, captions),
                    f"the word {word.text!r} reaches {beyond:.0f} pt beyond the text block "
                    f"({block.x0:.0f}–{block.x1:.0f} pt)",
                )
            )
    return problems


def blank_share(page: Page, block: Box, min_gap: float = 24.0) -> float:
    """The share of the text block's height left blank: the vertical gaps of more than
    ``min_gap`` pt (two lines) between whatever covers it (words, images, rules),
    including the gap below the last of them. Leading and paragraph spacing, which
    every page has, do not count."""
    spans = sorted(
        (max(box.y0, block.y0), min(box.y1, block.y1))
        for box in [word.box for word in page.words] + page.images + page.drawings
        if box.y1 > block.y0 and box.y0 < block.y1
    )
    blank, reach = 0.0, block.y0
    for start, end in [*spans, (block.y1, block.y1)]:
        if start - reach > min_gap:
            blank += start - reach
        reach = max(reach, end)
    return blank / block.height if block.height > 0 else 0.0


def _pushed_on(page: Page, following: Page, block: Box) -> bool:
    """Whether ``following`` starts with a picture that, with the caption kept beneath
    it, is taller than the space left at the foot of ``page``: in a layout without
    floats (a DOCX's inline pictures) it could not have been set on ``page``."""
    items = [word.box for word in following.words] + following.images
    if not following.images or not items:
        return False
    first = min(items, key=lambda box: box.y0)
    if first not in following.images:
        return False
    # the caption: the lines that follow the picture without a gap of a line or more
    end = first.y1
    for box in sorted((word.box for word in following.words), key=lambda box: box.y0):
        if box.y0 < first.y1 - 1:
            continue
        if box.y0 - end > box.height:
            break
        end = max(end, box.y1)
    bottom = max((box.y1 for box in [w.box for w in page.words] + page.images), default=0)
    return end - first.y0 > block.y1 - bottom


def blank_pages(
    pages: list[Page],
    block: Box,
    document: str,
    share: float,
    captions: tuple[str, ...],
    floats: bool = True,
) -> list[Problem]:
    """Pages more than ``share`` blank, except the last page and the page before one that
    starts with a top-level heading (a section's end), or, with ``floats``, before the
    page of the reference list's heading, where space is expected.

    Blank space inside the text block counts, whether it lies between elements (a float
    moved to the next page) or at the foot of the page; the header and footer do not.
    Without ``floats`` (a DOCX, whose pictures are set in the line of text), the page
    before a picture that was too tall for the space left is expected too.
    """
    problems = []
    # the reference list's page: the figures and tables still pending are set before its
    # heading (#place.flush(), paperkit's citations filter), at the top of that page, so
    # that the page before it ends the last section with them
    heading = reference_list_heading(pages)
    references = heading[0] if heading else 0
    for index, page in enumerate(pages[:-1]):
        following = pages[index + 1]
        ends_section = any(
            top < block.y0 + 0.25 * block.height for _, top in following.headings
        ) or (floats and following.number == references)
        pushed = not floats and _pushed_on(page, following, block)
        blank = blank_share(page, block)
        if blank > share and not ends_section and not pushed:
            element = element_near(page, block.y1, captions)
            problems.append(
                Problem(
                    document,
                    page.number,
                    "the page" if element == "the text" else f"the page of {element}",
                    f"{blank:.0%} of the text block is blank (at most {share:.0%} is allowed "
                    f"on a page that does not end a section, layout.max_blank_share); let "
                    f"the figures and tables float, or place them nearer their first mention",
                )
            )
    return problems


def unembedded_fonts(fonts: dict[str, bool], document: str) -> list[Problem]:
    """Fonts (name → embedded?) that the PDF uses without embedding them."""
    return [
        Problem(
            document,
            0,
            f"font {name}",
            "is not embedded: another machine shows a substitute; embed it (LibreOffice: "
            "install the font; Typst: its bundled fonts are always embedded)",
        )
        for name, embedded in sorted(fonts.items())
        if not embedded
    ]


def undated_citations(
    page: Page, document: str, no_date: tuple[str, ...], captions: tuple[str, ...]
) -> list[Problem]:
    """Citations or references without a year: the citation style's "no date" term
    ("n.d.", "t.y."), with the words before it."""
    problems = []
    words = [word.text for word in page.words]
    for index, word in enumerate(page.words):
        term = next((t for t in no_date if word.text.strip("(),;[]").startswith(t)), None)
        if term is None:
            continue
        context = " ".join(words[max(0, index - 3) : index + 1])
        problems.append(
            Problem(
                document,
                page.number,
                element_near(page, word.box.y0, captions)
                if element_near(page, word.box.y0, captions) != "the text"
                else "a citation",
                f"{context!r} cites a source without its year ({term!r}): give the entry "
                f"its year in the bibliography",
            )
        )
    return problems


# An opening parenthesis, a nested pair, and a year before the closing one:
# "(Türkiye Büyük Millet Meclisi (TBMM) 2013)".
NESTED_CITATION = re.compile(
    r"\((?P<cite>[^()]*\([^()]*\)[^()]*?\b(1[5-9]|20)\d\d[a-z]?(, [^()]*)?)\)"
)


def nested_citations(page: Page, document: str, captions: tuple[str, ...]) -> list[Problem]:
    """Citations whose author carries parentheses of its own inside the citation's
    parentheses ("(Türkiye Büyük Millet Meclisi (TBMM) 2013)")."""
    return [
        Problem(
            document,
            page.number,
            "a citation",
            f"({match['cite']}) nests parentheses inside the citation's: cite the "
            f"organisation by one name (its abbreviation, spelt out once in the text)",
        )
        for match in NESTED_CITATION.finditer(page.text)
    ]


def reference_list_heading(pages: list[Page]) -> tuple[int, float, str] | None:
    """The reference list's heading (page number, top edge, title): the last top-level
    heading, as paperkit's papers end with the reference list (``#refs``); None without
    headings."""
    starts = [(page.number, top, title) for page in pages for title, top in page.headings]
    return max(starts, default=None)


def floats_in_reference_list(
    pages: list[Page], document: str, captions: tuple[str, ...]
) -> list[Problem]:
    """Figures and tables set in the reference list (below its heading,
    ``reference_list_heading``), where a float of the section before it drifted."""
    heading = reference_list_heading(pages)
    if heading is None:
        return []
    number, top, title = heading
    problems = []
    for page in pages[number - 1 :]:
        for index, word in enumerate(page.words[:-1]):
            below = page.number > number or word.box.y0 > top
            label = page.words[index + 1].text
            if below and word.text in captions and label[:1].isdigit() and label.endswith(":"):
                problems.append(
                    Problem(
                        document,
                        page.number,
                        f"{word.text} {label.rstrip(':')}",
                        f"set in the last section ({title}): a float of the section before "
                        "it drifted past its heading; place pending floats before it",
                    )
                )
    return problems


# A heading's number run into its text ("10.1The interrupted time series").
GLUED_NUMBER = re.compile(r"^(\d+(?:\.\d+)+)([^\W\d_].*)$")


def glued_heading_numbers(page: Page, document: str) -> list[Problem]:
    """Section numbers without space before their heading's first word."""
    return [
        Problem(
            document,
            page.number,
            f"heading {match[1]}",
            f"{word.text!r}: its number runs into the text; space the number from the "
            f"heading (a tab stop beyond the number, or a space)",
        )
        for word in page.words
        if (match := GLUED_NUMBER.match(word.text))
    ]


def broken_words(
    page: Page, document: str, vocabulary: set[str], captions: tuple[str, ...]
) -> list[Problem]:
    """Words broken across two lines without a hyphen ("Legisl" above "ation" in a
    narrow table column): a line's word that is not a word of the text, which with the
    word beneath it makes one. ``vocabulary``: the words of the document's text."""
    problems = []
    for word in page.words:
        text = word.text
        if not text.isalpha() or text in vocabulary or text.lower() in vocabulary:
            continue
        for below in page.words:
            if not (
                word.box.y1 - 2 <= below.box.y0 <= word.box.y1 + word.box.height
                and below.box.x0 < word.box.x1
                and below.box.x1 > word.box.x0
            ):
                continue
            joined = text + below.text.rstrip(".,;:)")
            if joined in vocabulary or joined.lower() in vocabulary:
                problems.append(
                    Problem(
                        document,
                        page.number,
                        element_near(page, word.box.y0, captions),
                        f"{joined!r} is broken mid-word ({text!r} / {below.text!r}): give "
                        f"its column room for its longest word",
                    )
                )
                break
    return problems


def check_pages(
    pages: list[Page],
    fonts: dict[str, bool],
    document: str,
    max_blank_share: float,
    captions: tuple[str, ...],
    no_date: tuple[str, ...],
    vocabulary: set[str] = frozenset(),
    floats: bool = True,
) -> list[Problem]:
    """Every check over a document's pages, in page order. ``vocabulary``: the words of
    the document's text (for words broken without a hyphen; empty: not checked);
    ``floats``: whether figures and tables may float (Typst) or are set in the line of
    text (a DOCX), which leaves space before a picture too tall for the rest of a page."""
    block = text_block(pages)
    problems = unembedded_fonts(fonts, document)
    for page in pages:
        problems += glued_heading_numbers(page, document)
        if vocabulary:
            problems += broken_words(page, document, vocabulary, captions)
        problems += overlapping_words(page, document, captions)
        problems += outside_text_block(page, block, document, captions)
        problems += undated_citations(page, document, no_date, captions)
        problems += nested_citations(page, document, captions)
    problems += blank_pages(pages, block, document, max_blank_share, captions, floats)
    problems += floats_in_reference_list(pages, document, captions)
    return sorted(problems, key=lambda problem: problem.page)


# --------------------------------------------------------------------------- reading


def read_pdf(path: str | Path) -> tuple[list[Page], dict[str, bool]]:
    """The pages of a PDF (words, images, drawn rules, top-level headings) and its fonts
    (name → embedded?), read with PyMuPDF."""
    import pymupdf

    pages, fonts = [], {}
    with pymupdf.open(path) as pdf:
        headings: dict[int, list[tuple[str, float]]] = {}
        for level, title, number, *destination in pdf.get_toc(simple=False):
            if level == 1:
                # PyMuPDF gives the destination from the page's top left
                to = destination[0].get("to") if destination else None
                headings.setdefault(number, []).append((title, to.y if to is not None else 0.0))
        for page in pdf:
            words = [
                Word(text, Box(x0, y0, x1, y1), (block, line))
                for x0, y0, x1, y1, text, block, line, _ in page.get_text("words")
            ]
            # the boxes of every image and path the page paints (a third of the time
            # of get_drawings, which also reads each path's segments and colours)
            images, drawings = [], []
            for kind, rect in page.get_bboxlog():
                box = Box(*rect)
                if kind == "fill-image":
                    images.append(box)
                elif kind.endswith("-path") and (box.width > 0 or box.height > 0):
                    drawings.append(box)
            pages.append(
                Page(
                    page.number + 1,
                    page.rect.width,
                    page.rect.height,
                    words,
                    images,
                    drawings,
                    headings.get(page.number + 1, []),
                )
            )
            for _, extension, _, name, *_ in page.get_fonts():
                fonts[name] = fonts.get(name, True) and extension not in ("n/a", "")
    return pages, fonts


# --------------------------------------------------------------------------- settings

# The config's `layout` key (optional), with these defaults.
DEFAULTS = {
    "max_blank_share": 0.3,
    "viewports": [[412, 915], [1280, 800]],
    "no_date": ["n.d.", "t.y."],
}


def settings(config: dict) -> dict:
    """The layout checks' settings: the config's ``layout`` key over :data:`DEFAULTS`."""
    return {**DEFAULTS, **(config.get("layout") or {})}


class LayoutError(RuntimeError):
    """A document a reader would find hard to read: every problem, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} layout problem(s) a reader would see:\n"
            + "\n".join(f"  {problem}" for problem in problems)
        )


def docx_to_pdf(
    docx: str | Path, folder: Path, name: str, env: dict[str, str] | None = None
) -> Path:
    """The DOCX as LibreOffice (headless, a private profile) lays it out, as a PDF
    ``folder/name.pdf`` (``env``: variables on top of this process's, e.g. a
    fontconfig file)."""
    import os
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError(
            "the DOCX layout check needs LibreOffice: apt-get install "
            "libreoffice-writer-nogui (.ci/run installs it)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="layout-") as scratch:
        copy = Path(scratch) / f"{name}.docx"
        shutil.copyfile(docx, copy)
        run = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(Path(scratch) / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(scratch),
                str(copy),
            ],
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        converted = Path(scratch) / f"{name}.pdf"
        if run.returncode or not converted.is_file():
            raise RuntimeError(f"LibreOffice could not convert {docx}: {run.stderr or run.stdout}")
        target = folder / f"{name}.pdf"
        shutil.move(converted, target)
    return target


def docx_vocabulary(docx: str | Path) -> set[str]:
    """The words of a DOCX's text (its runs joined per paragraph, split at spaces and
    punctuation): the words a reader should see whole."""
    import zipfile

    with zipfile.ZipFile(docx) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    words: set[str] = set()
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
        text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph))
        words.update(re.findall(r"[^\W\d_]+", text))
    return words

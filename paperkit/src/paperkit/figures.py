"""Saving figures so that the same drawing gives the same bytes on any machine, and the
fonts they are drawn in (vendored, so that no system install is needed)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from paperkit.atomic import atomic_path

# Libertinus Serif, the face Typst sets the PDF's body in (its default), from Debian's
# fonts-libertinus package; SIL Open Font License 1.1 (fonts/OFL.txt, fonts/README.md).
FONTS = Path(__file__).with_name("fonts")


@cache
def register_fonts(folder: Path = FONTS) -> tuple[str, ...]:
    """Make the OpenType and TrueType fonts of ``folder`` known to matplotlib's font
    manager (once per process) and return their family names. Nothing is installed:
    the figures find the fonts of the repository on a fresh clone."""
    from matplotlib import font_manager

    paths = sorted(path for path in Path(folder).iterdir() if path.suffix in {".otf", ".ttf"})
    for path in paths:
        font_manager.fontManager.addfont(path)
    return tuple(
        dict.fromkeys(font_manager.FontProperties(fname=path).get_name() for path in paths)
    )


@contextmanager
def shaped_in(language):
    """Text made inside (a figure drawn, and saved: tick labels are made when it is
    drawn) is shaped by the rules of ``language`` (paperkit.languages.Language).

    Without a language matplotlib (3.11, through libraqm and HarfBuzz) shapes text by the
    language of the process's locale: under LC_ALL=tr_TR.UTF-8 an English figure lost the
    "ffi" ligature of "Office" (HarfBuzz applies the Turkish rules, which keep "fi" apart
    for the dot of the i), so its bytes depended on the machine. The figure's language is
    the one to follow: an English label ligates, a Turkish one does not. matplotlib does
    not pass the language on for a text of several lines, nor when it measures a text to
    lay the figure out (https://github.com/matplotlib/matplotlib/issues/30282): those
    follow the locale still, which is why every job of the build runs in the C.UTF-8
    locale (paperkit.snakefile.prepare_environment)."""
    import matplotlib

    with matplotlib.rc_context({"text.language": language.tag}):
        yield


# matplotlib's ids: a letter and ten hex digits of a hash of the element's content
MATPLOTLIB_ID = re.compile(r'id="([a-z][0-9a-f]{10})"')


def stable_ids(svg: str, name: str) -> str:
    """``svg`` with matplotlib's element ids renamed ``<name>-<n>`` in document order.
    Its ids hash the full-precision repr of transforms, so a difference in the last bits
    of an axis limit (invisible in the rounded coordinates) changed a clip path's id
    and with it the bytes of the SVG, the HTML that embeds it and the PDF."""
    names = {old: f"{name}-{n}" for n, old in enumerate(MATPLOTLIB_ID.findall(svg), 1)}
    if not names:
        return svg
    pattern = re.compile(r'(id="|#)(' + "|".join(map(re.escape, names)) + r")\b")
    return pattern.sub(lambda match: match.group(1) + names[match.group(2)], svg)


def save_figure(fig, svg: str | Path, png: str | Path, style: dict, png_dpi: int) -> None:
    """Write ``fig`` to SVG (HTML, PDF) and PNG (DOCX) without timestamps or version strings.

    The figure is written at the size it was drawn, not cropped to its contents: a figure
    drawn as wide as the PDF's text is printed at 1:1 (a 7 pt label is 7 pt on paper), so
    it must lay out everything inside itself (constrained layout).

    ``style``: the matplotlib rc settings the figure was drawn with (they include the
    SVG hash salt, so element ids are stable).
    """
    import matplotlib.pyplot as plt

    register_fonts()
    with plt.rc_context(style):
        with atomic_path(svg) as temp:
            fig.savefig(temp, format="svg", metadata={"Date": None})
            Path(temp).write_text(
                stable_ids(Path(temp).read_text(encoding="utf-8"), Path(svg).stem),
                encoding="utf-8",
            )
        with atomic_path(png) as temp:
            fig.savefig(temp, format="png", dpi=png_dpi, metadata={"Software": None})
    plt.close(fig)

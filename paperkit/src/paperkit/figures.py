"""Saving figures so that the same drawing gives the same bytes on any machine."""

from __future__ import annotations

from pathlib import Path

from paperkit.atomic import atomic_path


def save_figure(fig, svg: str | Path, png: str | Path, style: dict, png_dpi: int) -> None:
    """Write ``fig`` to SVG (HTML, PDF) and PNG (DOCX) without timestamps or version strings.

    ``style``: the matplotlib rc settings the figure was drawn with (they include the
    SVG hash salt, so element ids are stable).
    """
    import matplotlib.pyplot as plt

    with plt.rc_context(style):
        with atomic_path(svg) as temp:
            fig.savefig(temp, format="svg", bbox_inches="tight", metadata={"Date": None})
        with atomic_path(png) as temp:
            fig.savefig(
                temp, format="png", dpi=png_dpi, bbox_inches="tight", metadata={"Software": None}
            )
    plt.close(fig)

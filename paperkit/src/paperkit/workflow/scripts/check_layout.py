"""Check what a reader of one language's documents sees: the PDF and the DOCX (as
LibreOffice lays it out) page by page, the HTML in headless Chromium at each
configured viewport with axe-core. Fail naming the document, page and element of
every problem; keep the DOCX's PDF and the screenshots for a reviewer. Documents that
pass are copied to the last-good folder."""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from paperkit.atomic import write_json
from paperkit.browser import Viewport, check_html
from paperkit.jobs import run_job
from paperkit.layout import (
    LayoutError,
    check_pages,
    docx_to_pdf,
    docx_vocabulary,
    read_pdf,
    settings,
)
from paperkit.render import keep_last_good

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def timed(seconds: dict, step: str, work, *args, **kwargs):
    """``work(*args, **kwargs)``, its wall time recorded in ``seconds`` under ``step``."""
    clock = time.perf_counter()
    try:
        return work(*args, **kwargs)
    finally:
        seconds[step] = time.perf_counter() - clock


def main() -> None:
    lang = snakemake.wildcards.lang
    layout = settings({"layout": snakemake.params.layout})
    words = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))[lang]
    captions = (words["references"]["fig"], words["references"]["tbl"])
    views = Path(snakemake.output.views)
    views.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    # the words a reader should see whole (for words broken without a hyphen)
    vocabulary = docx_vocabulary(snakemake.input.docx)

    def pdf_problems(pdf, name: str, floats: bool) -> list:
        pages, fonts = timed(seconds, f"read {name}", read_pdf, pdf)
        return check_pages(
            pages,
            fonts,
            name,
            layout["max_blank_share"],
            captions,
            tuple(layout["no_date"]),
            vocabulary,
            floats=floats,
        )

    # LibreOffice and Chromium are processes of their own: the DOCX is converted while
    # the browser lays out the HTML.
    with ThreadPoolExecutor(max_workers=1) as pool:
        docx_pdf = pool.submit(
            timed, seconds, "LibreOffice", docx_to_pdf, snakemake.input.docx, views, "paper.docx"
        )
        # Typst floats figures and tables; a DOCX sets them in the line of text
        problems = pdf_problems(snakemake.input.pdf, f"{lang}/paper.pdf (Typst)", floats=True)
        html_problems, axe = timed(
            seconds,
            "Chromium",
            check_html,
            snakemake.input.html,
            [Viewport(*size) for size in layout["viewports"]],
            lang,
            words["references"]["fig"],
            views,
        )
        problems += pdf_problems(
            docx_pdf.result(), f"{lang}/paper.docx (LibreOffice)", floats=False
        )
    problems += html_problems
    for step, taken in seconds.items():
        logging.info("%s: %.1f s", step, taken)
    if problems:
        raise LayoutError(problems)
    write_json({"language": lang, "axe": axe}, snakemake.output.report)
    keep_last_good(
        [Path(snakemake.input[kind]) for kind in ("pdf", "html", "docx")],
        Path(snakemake.params.last_good),
    )


run_job(snakemake, main)

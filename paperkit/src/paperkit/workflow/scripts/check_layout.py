"""Check what a reader of one language's documents sees: the PDF and the DOCX (as
LibreOffice lays it out) page by page, the HTML in headless Chromium at each
configured viewport with axe-core. Fail naming the document, page and element of
every problem; keep the DOCX's PDF and the screenshots for a reviewer. Documents that
pass are copied to the last-good folder."""

import logging
import time
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


def main() -> None:
    lang = snakemake.wildcards.lang
    layout = settings({"layout": snakemake.params.layout})
    words = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))[lang]
    captions = (words["references"]["fig"], words["references"]["tbl"])
    views = Path(snakemake.output.views)
    views.mkdir(parents=True, exist_ok=True)
    seconds = {}

    start = time.perf_counter()
    docx_pdf = docx_to_pdf(snakemake.input.docx, views, "paper.docx")
    seconds["docx_to_pdf"] = time.perf_counter() - start
    # the words a reader should see whole (for words broken without a hyphen)
    vocabulary = docx_vocabulary(snakemake.input.docx)
    problems = []
    for pdf, name in ((snakemake.input.pdf, f"{lang}/paper.pdf"), (docx_pdf, f"{lang}/paper.docx")):
        start = time.perf_counter()
        pages, fonts = read_pdf(pdf)
        problems += check_pages(
            pages,
            fonts,
            f"{name} ({'Typst' if name.endswith('.pdf') else 'LibreOffice'})",
            layout["max_blank_share"],
            captions,
            tuple(layout["no_date"]),
            vocabulary,
        )
        seconds[f"pdf {name}"] = time.perf_counter() - start

    start = time.perf_counter()
    html_problems, axe = check_html(
        snakemake.input.html,
        [Viewport(*size) for size in layout["viewports"]],
        lang,
        words["references"]["fig"],
        views,
    )
    problems += html_problems
    seconds["html"] = time.perf_counter() - start
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

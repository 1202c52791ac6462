"""What makes the live preview fast keeps its promises: its pages link the figures and the
style sheet, which the preview serves (and nothing else of the folder); a save that
leaves the citations alone reuses citeproc's last rendering (paperkit.citecache), and
the PDF that comes out of it is still the batch build's, byte for byte."""

from __future__ import annotations

import re
import signal
import urllib.error
import urllib.request

from tests.test_preview import (
    SAVE_SECONDS,
    STARTUP_SECONDS,
    current,
    first_line,
    get,
    start,
    status,
    stop,
    type_word,
    wait_for,
)

IMAGE = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def test_figures_are_linked_and_served_and_a_reused_citation_pass_gives_the_batch_pdf(scratch):
    texts = {
        lang: (scratch / "manuscript" / lang / "10-introduction.md").read_text(encoding="utf-8")
        for lang in ("en", "tr")
    }
    preview = start(scratch)
    try:
        url = first_line(preview)
        wait_for(lambda: current(url, pdf=True), STARTUP_SECONDS, "the first render")
        for lang in ("en", "tr"):
            page = get(f"{url}{lang}/")
            assert "data:image" not in page  # linked, not embedded
            images = IMAGE.findall(page)
            assert images, f"no figure in the {lang} page"
            for image in images:
                code, kind, body = fetch(f"{url}{lang}/{image}")
                assert code == 200 and body, image
                assert kind.startswith("image/"), (image, kind)
                assert body == (scratch / image).read_bytes()
        # only what the pages link is served
        for path in ("en/config/config.yaml", "en/manuscript/claims.yaml", "en/../Makefile"):
            assert fetch(url + path)[0] == 404, path
        # A word typed, then taken away: the second save's citations are citeproc's
        # first rendering, carried over, and the PDF is the batch build's again.
        before = status(url)["html"]
        type_word(scratch, "en", "Quokkaland")
        type_word(scratch, "tr", "Kokkaülkesi")
        wait_for(
            lambda: (now := current(url)) and now["html"]["tr"] > before["tr"] and now,
            SAVE_SECONDS,
            "the save",
        )
        middle = status(url)["html"]
        for lang, text in texts.items():
            (scratch / "manuscript" / lang / "10-introduction.md").write_text(text, "utf-8")
        wait_for(
            lambda: (now := current(url, pdf=True)) and now["pdf"]["tr"] > middle["tr"],
            SAVE_SECONDS,
            "the PDFs of the text as built",
        )
        for lang in ("en", "tr"):
            code, _, pdf = fetch(f"{url}{lang}/paper.pdf")
            assert code == 200
            assert pdf == (scratch / "manuscript" / "build" / lang / "paper.pdf").read_bytes(), lang
        console = stopped(preview)
        # the save after the first: citeproc ran for neither language
        saves = [line for line in console.splitlines() if line.startswith("html ")]
        assert len(saves) >= 3, console
        assert "citeproc en reused" in saves[-1] and "citeproc tr reused" in saves[-1], console
    finally:
        if preview.returncode is None:
            stop(preview)


def stopped(preview) -> str:
    """Ctrl-C, and what the preview printed."""
    preview.send_signal(signal.SIGINT)
    out, err = preview.communicate(timeout=60)
    print(out, err, sep="\n")
    return out

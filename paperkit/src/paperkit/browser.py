"""What a reader sees in a browser: the HTML paper in headless Chromium.

At each viewport (a phone's 412 × 915 and a desktop's 1280 × 800) the page is laid
out by Debian's Chromium, driven by selenium through Debian's chromedriver, and
checked:

- nothing is wider than the viewport, except the rows of a table inside the
  horizontal scroller the table declares (its own ``overflow-x``); the table's
  caption keeps to the screen;
- every figure's image scales to its box;
- every image has alt text in the document's language (it starts with the
  language's figure label, "Figure 3:", "Şekil 3:", and says more), and the document
  declares its language (``lang``);
- axe-core (npm's ``axe-core``, vendored with its version and checksum pinned in
  :data:`AXE`) finds no serious or critical violation.

Screenshots of the first screen and of every figure and table at each viewport are
kept for a reviewer. One browser serves every viewport (starting it takes about a
second).
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from paperkit.layout import Problem

VENDOR = Path(__file__).parent / "vendor"
# axe-core, from npm's axe-core 4.14.1 (its axe.min.js; licence MPL-2.0, beside it).
AXE = {
    "file": VENDOR / "axe.min.js",
    "version": "4.14.1",
    "sha256": "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
}
# The impacts that fail the build (axe's scale: minor, moderate, serious, critical).
FAILING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}"


class BrowserError(RuntimeError):
    """Chromium or chromedriver is missing or would not start."""


def axe_source() -> str:
    """The vendored axe-core, after checking that it is the pinned file."""
    data = AXE["file"].read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE["sha256"]:
        raise BrowserError(
            f"{AXE['file']}: sha256 {digest} is not the pinned axe-core {AXE['version']} "
            f"({AXE['sha256']}); restore it from npm's axe-core@{AXE['version']} "
            f"(package/axe.min.js) or update the pin in paperkit/browser.py"
        )
    return data.decode("utf-8")


def start_browser():
    """Headless Chromium under chromedriver (Debian's chromium and chromium-driver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        raise BrowserError(
            "the HTML checks need Chromium and its driver: apt-get install chromium "
            "chromium-driver (.ci/run installs them)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--font-render-hinting=none",
        "--allow-file-access-from-files",
    ):
        options.add_argument(argument)
    # Chromium puts unix sockets in its profile, under TMPDIR: a socket's path may not be
    # longer than 107 bytes, so a deep TMPDIR (a test's folder) would stop it starting.
    # The profile goes in a short temporary folder of its own, removed at exit.
    short = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
    profile = tempfile.mkdtemp(prefix="chromium-", dir=short)
    atexit.register(shutil.rmtree, profile, ignore_errors=True)
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(executable_path=driver, env={**os.environ, "TMPDIR": profile})
    try:
        return webdriver.Chrome(options=options, service=service)
    except Exception as error:  # selenium wraps every start failure differently
        raise BrowserError(f"Chromium would not start under {driver}: {error}") from None


# One pass over the laid-out page (run in the browser): what sticks out of the viewport,
# the figures' images against their boxes, the images' alt text, the document's lang.
# Only the outermost element that sticks out is reported (its children stick out with it).
INSPECT = r"""
const [figureLabel] = arguments;
const viewport = document.documentElement.clientWidth;
const label = (element) => {
  const owner = element.closest('figure, table');
  if (!owner) return element.tagName.toLowerCase() + (element.id ? '#' + element.id : '');
  const caption = owner.querySelector('figcaption, caption');
  const text = caption ? caption.textContent.trim().split(':')[0] : '';
  return text || owner.tagName.toLowerCase() + (owner.id ? '#' + owner.id : '');
};
const declaredScroller = (element) => {
  // rows of a table whose own box scrolls sideways (the table declares the scroller)
  const table = element.closest('table');
  if (!table || !element.closest('thead, tbody, tfoot, tr, colgroup')) return false;
  const style = getComputedStyle(table);
  const box = table.getBoundingClientRect();
  return ['auto', 'scroll'].includes(style.overflowX) && box.right <= viewport + 1
    && box.left >= -1;
};
const wide = [];
const seen = new Set();
for (const element of document.body.querySelectorAll('*')) {
  const box = element.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) continue;
  if (box.right <= viewport + 1 && box.left >= -1) continue;
  if (declaredScroller(element)) continue;
  let parent = element.parentElement, reported = false;
  for (; parent; parent = parent.parentElement) if (seen.has(parent)) { reported = true; break; }
  seen.add(element);
  if (reported) continue;
  // content that a scroller around it clips out of sight is cut off, not too wide
  let clip = element.parentElement;
  for (; clip && clip !== document.body; clip = clip.parentElement) {
    if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(clip).overflowX)) break;
  }
  const clipped = clip && clip !== document.body ? ' (cut off by its scroller)' : '';
  wide.push({element: label(element), tag: element.tagName.toLowerCase(),
             width: Math.round(box.width), right: Math.round(box.right), clipped});
}
const figures = [...document.querySelectorAll('figure')].map((figure) => {
  const image = figure.querySelector('img, svg, object');
  const caption = figure.querySelector('figcaption');
  const box = image ? image.getBoundingClientRect() : null;
  return {
    element: caption ? caption.textContent.trim().split(':')[0] : 'a figure',
    image: Boolean(image),
    width: box ? Math.round(box.width) : 0,
    room: Math.round(figure.clientWidth),
  };
});
const images = [...document.querySelectorAll('img')].map((image) => ({
  element: label(image), alt: image.getAttribute('alt'),
}));
return {viewport, scrollWidth: document.documentElement.scrollWidth,
        lang: document.documentElement.getAttribute('lang'), wide, figures, images};
"""


def inspect_problems(
    found: dict,
    document: str,
    viewport: Viewport,
    lang: str,
    figure_label: str,
    language: bool = True,
) -> list[Problem]:
    """The problems in one viewport's inspection (:data:`INSPECT`'s result); with
    ``language``, also the alt text and ``lang`` (which do not depend on the viewport)."""
    where = f"{document} at {viewport.name}"
    problems = []
    for item in found["wide"]:
        problems.append(
            Problem(
                where,
                0,
                item["element"],
                f"a <{item['tag']}> {item['width']} px wide reaches {item['right']} px in a "
                f"{found['viewport']} px viewport{item['clipped']}; scale it to its box, or "
                f"let the table scroll sideways in its own box",
            )
        )
    for figure in found["figures"]:
        if figure["image"] and figure["width"] > figure["room"] + 1:
            problems.append(
                Problem(
                    where,
                    0,
                    figure["element"],
                    f"its image is {figure['width']} px wide in a {figure['room']} px box: "
                    f"scale figures to their box (max-width: 100%)",
                )
            )
    if language:
        problems += _language_problems(found, where, lang, figure_label)
    return problems


def _language_problems(found: dict, where: str, lang: str, figure_label: str) -> list[Problem]:
    problems = []
    # the document's lang is its locale (en-GB, tr-TR); its language is what counts
    if (found["lang"] or "").split("-")[0].lower() != lang.lower():
        problems.append(
            Problem(
                where,
                0,
                "<html>",
                f"declares lang={found['lang']!r}, not {lang!r}: set lang in the document's "
                f"metadata",
            )
        )
    for image in found["images"]:
        alt = (image["alt"] or "").strip()
        said = alt.removeprefix(figure_label).lstrip(" 0123456789:.").strip()
        if not alt.startswith(figure_label) or not said:
            problems.append(
                Problem(
                    where,
                    0,
                    image["element"],
                    f"its image has alt text {alt!r}: write what the figure shows in the "
                    f"document's language (after the label {figure_label!r})",
                )
            )
    return problems


def axe_problems(results: dict, document: str) -> list[Problem]:
    """axe-core's serious and critical violations, one problem per rule and element."""
    problems = []
    for violation in results.get("violations", []):
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        for node in violation.get("nodes", []):
            problems.append(
                Problem(
                    f"{document} (axe-core {AXE['version']})",
                    0,
                    " ".join(node.get("target", [])) or "the page",
                    f"{violation['impact']} {violation['id']}: {violation['help']} "
                    f"({violation.get('helpUrl', '')})",
                )
            )
    return problems


def axe_summary(results: dict) -> dict:
    """What the report keeps of axe's result: its version and every violation (rule,
    impact, elements), without the run's time or the document's URL."""
    return {
        "version": AXE["version"],
        "violations": [
            {
                "id": violation["id"],
                "impact": violation.get("impact"),
                "elements": [" ".join(node.get("target", [])) for node in violation["nodes"]],
            }
            for violation in sorted(results.get("violations", []), key=lambda v: v["id"])
        ],
    }


def _screenshot(driver, target: Path, clip: dict | None = None, height: int = 0) -> None:
    """The viewport, or the ``clip`` (document coordinates, CSS px) scrolled into view:
    laying the whole page out beyond the viewport costs about a second a shot, so only a
    box taller than the viewport (``height``) is taken that way."""
    options: dict = {"format": "png"}
    if clip:
        options["clip"] = {**clip, "scale": 1}
        options["captureBeyondViewport"] = clip["height"] > height
        if not options["captureBeyondViewport"]:
            driver.execute_script("window.scrollTo(0, arguments[0]);", clip["y"])
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", options)
    target.write_bytes(base64.b64decode(shot["data"]))


ELEMENT_BOXES = r"""
return [...document.querySelectorAll('figure, table')].map((element, index) => {
  const box = element.getBoundingClientRect();
  const caption = element.querySelector('figcaption, caption');
  const name = caption ? caption.textContent.trim().split(':')[0] : element.tagName + index;
  return {name, x: box.left + window.scrollX, y: box.top + window.scrollY,
          width: Math.min(box.width, document.documentElement.clientWidth), height: box.height};
});
"""


def check_html(
    html: str | Path,
    viewports: list[Viewport],
    lang: str,
    figure_label: str,
    screenshots: Path,
) -> tuple[list[Problem], dict]:
    """Lay ``html`` out at each viewport; return its problems and axe-core's summary.

    Screenshots (the first screen, every figure and table) go to ``screenshots``.
    """
    html = Path(html).resolve()
    document = html.name
    screenshots.mkdir(parents=True, exist_ok=True)
    axe = axe_source()
    problems: list[Problem] = []
    summary: dict = {}
    clock = time.perf_counter()
    driver = start_browser()
    logging.info("browser started: %.1f s", time.perf_counter() - clock)
    try:
        driver.set_script_timeout(120)
        for index, viewport in enumerate(viewports):
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": viewport.width,
                    "height": viewport.height,
                    "deviceScaleFactor": 1,
                    "mobile": False,
                },
            )
            clock = time.perf_counter()
            driver.get(html.as_uri())
            logging.info("%s: loaded in %.1f s", viewport.name, time.perf_counter() - clock)
            clock = time.perf_counter()
            found = driver.execute_script(INSPECT, figure_label)
            logging.info("%s: inspected in %.1f s", viewport.name, time.perf_counter() - clock)
            problems += inspect_problems(
                found, document, viewport, lang, figure_label, language=index == 0
            )
            clock = time.perf_counter()
            _screenshot(driver, screenshots / f"{viewport.name}-first-screen.png")
            for number, box in enumerate(driver.execute_script(ELEMENT_BOXES), 1):
                name = "".join(c if c.isalnum() else "-" for c in box.pop("name")).strip("-")
                if box["width"] > 0 and box["height"] > 0:
                    _screenshot(
                        driver,
                        screenshots / f"{viewport.name}-{number:02d}-{name}.png",
                        box,
                        viewport.height,
                    )
            logging.info("%s: screenshots in %.1f s", viewport.name, time.perf_counter() - clock)
            if index == 0:
                clock = time.perf_counter()
                results = driver.execute_async_script(
                    axe
                    + "\n;const done = arguments[arguments.length - 1];"
                    + "axe.run(document, {resultTypes: ['violations']})"
                    + ".then(done, (error) => done({error: String(error)}));"
                )
                if "error" in results:
                    raise BrowserError(f"axe-core failed on {html}: {results['error']}")
                problems += axe_problems(results, document)
                summary = axe_summary(results)
                logging.info("axe-core: %.1f s", time.perf_counter() - clock)
    finally:
        driver.quit()
    return problems, summary

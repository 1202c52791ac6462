"""Save → refreshed page in a real browser: the live preview (``make preview``) against the
batch path and Typst's own watcher.

    python benchmarks/preview_latency.py [--saves 20] [--scales 1 4] [--batch-runs 5]

Run on a built tree (``--root``, default this repository): it is copied to a temporary
folder (results, Snakemake's records and times kept, so nothing reruns), the preview is
started there, and headless Chromium (Debian's, driven by selenium through Debian's
chromedriver) opens each language's HTML page and PDF page. Each save types a new word
into ``manuscript/en/10-introduction.md`` and the matching Turkish file (the end of the
first paragraph) and times, from the moment before the first write:

- ``html``: until the word is in both languages' pages (each page reloads itself on the
  preview's server-sent event; the script only reads the page it shows);
- ``pdf``: until both languages' PDF pages show the PDF of that save (the page's revision;
  the word is then checked in the PDF the page shows, with pdftotext).

At 4× every section of the body is there four times (copies of the files, their figure,
section and table ids made unique; the tables' bodies are not repeated: the results hold
each table once). Also, at 1×: the batch path after the same edit (``snakemake``, until
the six documents are written; its ratio to the preview), and Typst's watcher (the typst
package's ``Compiler.watch``, the ``typst watch`` of the CLI, which is not installed) on
the preview's own English ``.typ``: the floor for the PDF, a word typed straight into
the Typst source. The figures go to ``benchmarks/out/preview_latency.json`` and a table
to the console.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from paperkit.runner import MIRROR_VARIABLE, run_snakemake, snakemake_environment

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "tr")
ID = re.compile(r"(?<![\w])([#@])(fig|sec):([A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*)")
TABLE_DIV = re.compile(r"\{#tbl:[A-Za-z0-9_-]+\}")
# Letters only (no hyphenation point a PDF's text could split), new at every save.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "so", "ti", "va", "ze", "bu"]


def new_word(index: int, lang: str) -> str:
    digits = f"{index:03d}"
    return ("Quo" if lang == "en" else "Kök") + "".join(SYLLABLES[int(d)] for d in digits)


def copy_tree(source: Path, target: Path) -> None:
    """The built tree without its environment and history (times kept: nothing reruns)."""
    shutil.copytree(
        source,
        target,
        symlinks=True,
        ignore=shutil.ignore_patterns(".venv", ".venv-*", ".git", "__pycache__", "preview"),
    )


def scale_manuscript(folder: Path, copies: int) -> None:
    """Every body section file (not the front matter, not the reference list) ``copies``
    times: the copies are new files read after the appendix, their figure and section ids
    suffixed, their table Divs plain Divs (references keep pointing at the tables)."""
    for lang in LANGUAGES:
        files = sorted((folder / "manuscript" / lang).glob("*.md"))
        for copy in range(2, copies + 1):
            for path in files[1:-1]:
                text = ID.sub(
                    lambda m, c=copy: f"{m.group(1)}{m.group(2)}:{m.group(3)}-{c}",
                    path.read_text(encoding="utf-8"),
                )
                text = TABLE_DIV.sub("{.table-copy}", text)
                (path.parent / f"96-copy{copy}-{path.name}").write_text(text, encoding="utf-8")


def type_word(folder: Path, lang: str, word: str) -> None:
    path = folder / "manuscript" / lang / "10-introduction.md"
    text = path.read_text(encoding="utf-8")
    end = text.index("\n\n", text.index("\n\n") + 2)
    path.write_text(text[:end] + f" {word}" + text[end:], encoding="utf-8")


def environment(folder: Path) -> dict:
    """The copy's own code on the path, as every Snakemake run gets it (paperkit.runner)."""
    return snakemake_environment(
        folder,
        mirror=os.environ.get(MIRROR_VARIABLE),
        epoch=os.environ.get("SOURCE_DATE_EPOCH"),
        env={"PYTHONDONTWRITEBYTECODE": "1"},
    )


def status(url: str) -> dict:
    with urllib.request.urlopen(url + "status", timeout=30) as response:
        return json.loads(response.read())


def wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def settled(url: str):
    now = status(url)
    done = now["state"] == "current" and all(
        now["html"].get(lang) and now["pdf"].get(lang) == now["html"][lang] for lang in LANGUAGES
    )
    return now if done else None


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1200,900")
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


class Reader:
    """One language's two pages (HTML, PDF) in one browser, each in its own window."""

    def __init__(self, url: str, lang: str):
        self.lang = lang
        self.driver = browser()
        self.driver.get(f"{url}{lang}/")
        self.html_window = self.driver.current_window_handle
        self.driver.switch_to.new_window("window")
        self.driver.get(f"{url}{lang}/pdf")
        self.pdf_window = self.driver.current_window_handle

    def has_word(self, word: str) -> bool:
        try:
            return bool(
                self.driver.execute_script(
                    "return document.body && document.body.textContent.includes(arguments[0])",
                    word,
                )
            )
        except Exception:  # the page is between two loads
            return False

    def revision(self) -> int:
        try:
            return int(
                self.driver.execute_script(
                    "var b=document.getElementById('paperkit-preview');"
                    "return b && b.dataset.state==='current' ? b.dataset.revision : -1"
                )
            )
        except Exception:
            return -1

    def measure(self, word: str, start: float, results: dict, url: str) -> None:
        """Seconds from ``start`` to the word in the HTML page, then to the PDF page of
        that revision."""
        self.driver.switch_to.window(self.html_window)
        while not self.has_word(word):
            time.sleep(0.01)
        results[f"html_{self.lang}"] = time.perf_counter() - start
        revision = int(
            self.driver.execute_script(
                "return document.getElementById('paperkit-preview').dataset.revision"
            )
        )
        self.driver.switch_to.window(self.pdf_window)
        while self.revision() < revision:
            time.sleep(0.02)
        results[f"pdf_{self.lang}"] = time.perf_counter() - start
        with urllib.request.urlopen(f"{url}{self.lang}/paper.pdf", timeout=30) as response:
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=response.read(), capture_output=True, check=True
            ).stdout.decode("utf-8")
        results[f"pdf_{self.lang}_has_word"] = word in text

    def close(self) -> None:
        self.driver.quit()


def preview_latency(folder: Path, saves: int, label: str) -> dict:
    process = subprocess.Popen(
        [sys.executable, "-m", "paperkit.preview", "--port", "0", "--cores", "2"],
        cwd=folder,
        env=environment(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    readers = []
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise SystemExit(f"the preview did not start: {url}\n{process.stderr.read()}")
        wait(lambda: settled(url), 900, f"the first render ({label})")
        readers = [Reader(url, lang) for lang in LANGUAGES]
        samples = []
        for index in range(saves):
            words = {lang: new_word(index, lang) for lang in LANGUAGES}
            results: dict = {}
            start = time.perf_counter()
            for lang in LANGUAGES:
                type_word(folder, lang, words[lang])
            threads = [
                threading.Thread(target=r.measure, args=(words[r.lang], start, results, url))
                for r in readers
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(300)
            sample = {
                "html": max(results[f"html_{lang}"] for lang in LANGUAGES),
                "pdf": max(results[f"pdf_{lang}"] for lang in LANGUAGES),
                "pdf_has_word": all(results[f"pdf_{lang}_has_word"] for lang in LANGUAGES),
            }
            samples.append(sample)
            print(
                f"  {label} save {index + 1}: "
                f"html {sample['html']:.2f} s, pdf {sample['pdf']:.2f} s",
                flush=True,
            )
            wait(lambda: settled(url), 300, "the preview to settle")
            time.sleep(0.3)
        return {"samples": samples}
    finally:
        for reader in readers:
            reader.close()
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(60)


def batch_latency(folder: Path, runs: int) -> list[float]:
    """Seconds from the same edit to the end of ``snakemake`` (the six documents written)."""
    times = []
    for index in range(runs):
        for lang in LANGUAGES:
            type_word(folder, lang, new_word(900 + index, lang))
        start = time.perf_counter()
        run = run_snakemake(
            folder,
            mirror=os.environ.get(MIRROR_VARIABLE),
            cores=2,
            env={"PYTHONDONTWRITEBYTECODE": "1"},
        )
        run.check_returncode()
        times.append(time.perf_counter() - start)
        print(f"  batch run {index + 1}: {times[-1]:.2f} s", flush=True)
    return times


TYPST_WATCH = """
import sys, typst
typst.Compiler(sys.argv[1], root=".", ignore_system_fonts=True).watch(sys.argv[2])
"""


def typst_floor(folder: Path, saves: int) -> list[float]:
    """``typst watch`` (the typst package's Compiler.watch) on a copy of the preview's
    English Typst source: seconds from a word typed into it to a PDF holding it."""
    from paperkit.render import APOSTROPHE_AFTER_DIGIT

    # At the root, as the build compiles it: Typst reads a relative path from the file's
    # folder, and the figures' paths are relative to the root.
    typ, pdf = folder / "typst-watch.typ", folder / "typst-watch.pdf"
    source = (folder / "manuscript" / "build" / "en" / "paper.typ").read_text(encoding="utf-8")
    typ.write_text(APOSTROPHE_AFTER_DIGIT.sub("’", source), encoding="utf-8")
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            TYPST_WATCH,
            str(typ.relative_to(folder)),
            str(pdf.relative_to(folder)),
        ],
        cwd=folder,
        env=environment(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    times = []
    try:
        wait(lambda: pdf.is_file(), 300, "typst watch's first PDF")
        time.sleep(1)
        for index in range(saves):
            word = new_word(500 + index, "en")
            text = typ.read_text(encoding="utf-8")
            at = text.index("Few areas")
            before = pdf.stat().st_mtime_ns
            start = time.perf_counter()
            typ.write_text(text[:at] + word + " " + text[at:], encoding="utf-8")

            def has_word(before=before, word=word) -> bool:
                if pdf.stat().st_mtime_ns == before:
                    return False
                run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True)
                return word in run.stdout.decode("utf-8", "replace")

            wait(has_word, 120, "typst watch's PDF")
            times.append(time.perf_counter() - start)
            time.sleep(0.3)
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            watcher.wait(30)
        except subprocess.TimeoutExpired:
            watcher.kill()
    return times


def quantiles(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="a built tree")
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--batch-runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/out/preview_latency.json")
    args = parser.parse_args()
    figures: dict = {"preview": {}, "machine": {"cores": os.cpu_count(), "load": os.getloadavg()}}
    with tempfile.TemporaryDirectory(prefix="preview-latency-") as scratch:
        for copies in args.scales:
            folder = Path(scratch) / f"x{copies}"
            copy_tree(args.root, folder)
            scale_manuscript(folder, copies)
            print(f"preview at {copies}×", flush=True)
            run = preview_latency(folder, args.saves, f"{copies}x")
            samples = run["samples"]
            figures["preview"][f"{copies}x"] = {
                "html": quantiles([s["html"] for s in samples]),
                "pdf": quantiles([s["pdf"] for s in samples]),
                "pdf_word_found": sum(s["pdf_has_word"] for s in samples),
                "samples": samples,
            }
            if copies == 1:
                print("batch path (snakemake after the same edit)", flush=True)
                figures["batch"] = quantiles(batch_latency(folder, args.batch_runs))
                print("typst watch (Compiler.watch) on the English .typ", flush=True)
                try:
                    figures["typst_watch"] = quantiles(typst_floor(folder, args.saves))
                except SystemExit as error:  # the other figures still count
                    figures["typst_watch_error"] = str(error)
            shutil.rmtree(folder, ignore_errors=True)
    figures["machine"]["load_after"] = os.getloadavg()
    if "batch" in figures and "1x" in figures["preview"]:
        batch = figures["batch"]["p50"]
        figures["ratio_to_batch"] = {
            kind: figures["preview"]["1x"][kind]["p50"] / batch for kind in ("html", "pdf")
        }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    report(figures)


def report(figures: dict) -> None:
    print("\n| path | scale | p50 (s) | p95 (s) | saves |\n| --- | --- | --- | --- | --- |")
    for scale, entry in figures["preview"].items():
        for kind in ("html", "pdf"):
            q = entry[kind]
            print(
                f"| preview {kind} (en+tr) | {scale} | {q['p50']:.2f} | {q['p95']:.2f} | {q['n']} |"
            )
    if "typst_watch" in figures:
        q = figures["typst_watch"]
        print(f"| typst watch, en PDF | 1x | {q['p50']:.2f} | {q['p95']:.2f} | {q['n']} |")
    if "batch" in figures:
        q = figures["batch"]
        print(f"| batch (snakemake) | 1x | {q['p50']:.2f} | {q['p95']:.2f} | {q['n']} |")
        ratio = figures["ratio_to_batch"]
        print(f"\npreview/batch (p50): HTML {ratio['html']:.2f}, PDF {ratio['pdf']:.2f}")
    print(
        f"load average before/after: {figures['machine']['load']} / "
        f"{figures['machine']['load_after']}"
    )


if __name__ == "__main__":
    main()

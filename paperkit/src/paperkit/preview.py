"""A live preview of the paper: every language's HTML and PDF on localhost, refreshed on
each save.

    python -m paperkit.preview [--port 8765] [--config config/config.yaml] [--cores 2]

Run from the paper's root (``make preview``) after a build. The first line printed is
the URL (``http://127.0.0.1:PORT/``); each language is at ``URL<lang>/`` (its HTML) and
``URL<lang>/pdf`` (its PDF, ``URL<lang>/paper.pdf`` the file itself).

The batch path pays Snakemake's start-up and parse, and a job's imports, on every run;
the preview pays them once. It keeps warm what a save does not change: each section
file's AST (Pandoc reads again only the files whose text changed), the results the text
is resolved against (numbers, tables, figures, claims' specification tables), the labels
and the bibliography. On a save it runs the same functions as the build's jobs, in the
same order: the parity check (``paperkit.parity.text_problems``) and the claims check
(``paperkit.claims.claims_outcomes``) on every save, then ``paperkit.manuscript.resolve``
for each language, and Pandoc and Typst (``paperkit.render``) for the languages whose
resolved text changed: citations and HTML first, the PDF after (skipped while a newer
save waits). Open pages reload through server-sent events (``/events``); the page never
polls.

Two things the batch path does that a save need not pay again: citeproc, when the
citations and what they are rendered from did not change (``paperkit.citecache`` carries
its last rendering over; the result is what citeproc gives, so the ``.typ`` and PDF stay
the batch build's bytes), and embedding the figures (3.4 MB) and style sheet in the HTML:
the preview's HTML links them, and the server serves exactly the files its pages link.
The HTML is thus not the batch's bytes; its text is.

A failed check or render never leaves a page that looks current: every page carries a
banner with the state (``data-state``: current, updating, failed, rebuilding) and, when a
save failed, its problems with file and line; the text below it is the last good one.

A change to anything else the results come from (the config, the data the authors code,
the workflow and the analysis code, the labels, which the figures use) goes to Snakemake,
as in the batch path, for the files the text is resolved against; the pages say
"rebuilding results" until it is done. Changes to the machinery's own code take effect
at the next start of the preview.

Everything the preview writes is under ``<manuscript>/build/preview/`` (its lock, and each
language's resolved AST, HTML, Typst source and PDF), removed when it stops (Ctrl-C). A
second preview on the same folder is refused while the first holds the lock.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import html
import json
import mimetypes
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import yaml

from paperkit.atomic import write_text
from paperkit.bibliography import localised_bibliography
from paperkit.citecache import CiteprocRun, citations_key, reusable, reuse
from paperkit.claims import claims_outcomes
from paperkit.manuscript import (
    Context,
    claim_phrases,
    read_sources,
    read_tables,
    renumber_citations,
    resolve,
)
from paperkit.numbers import merge_numbers
from paperkit.paper import Paper
from paperkit.parity import text_problems
from paperkit.render import html_metadata, pandoc, typst_compiler, typst_pdf
from paperkit.runner import MIRROR_VARIABLE, start_snakemake
from paperkit.snakefile import pandoc_defaults_inputs

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where built
PREVIEW_FOLDER = "preview"  # under the paper's build folder (<manuscript>/build/)
LOCK_NAME = "preview.lock"
POLL_SECONDS = 0.05  # how often the watched files' times are read
SETTLE_SECONDS = 0.03  # a save that writes several files is taken as one
# Where the results come from: a change under these goes to Snakemake.
RESULT_SOURCES = ("config", "workflow", "src", "paperkit/src", "Snakefile")
# The build's HTML embeds its figures and style sheet; the preview's links them.
NO_EMBEDDING = "--embed-resources=false"
# A file a page links: an image or a style sheet, by a path without a scheme.
LINKED = re.compile(r'<(?:img|link)\b[^>]*?\b(?:src|href)="([^":#?]+)"', re.IGNORECASE)
STATE_WORDS = {
    "starting": "starting: building the preview",
    "current": "current",
    "updating": "updating: a save is being rendered",
    "failed": "NOT CURRENT: the last save failed (the text below is from the last good one)",
    "rebuilding": "rebuilding results (Snakemake); the text below may be out of date",
}


class PreviewRefused(SystemExit):
    """Another preview holds the folder (exit with one line saying so)."""


# --------------------------------------------------------------------------- the lock


def hold_folder(folder: Path):
    """Take the preview folder's lock (an open file holding an exclusive ``flock``), or
    refuse with one line naming the preview that holds it. The kernel releases the lock
    when the process ends, however it ends."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 (held open)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise PreviewRefused(
            f"A preview already serves this paper from {folder} ({holder}); use it, or "
            f"stop it (Ctrl-C) before starting another."
        ) from None
    return handle


# --------------------------------------------------------------------------- watching


def watched_files(root: Path, paper: Paper) -> dict[str, str]:
    """Every file the preview watches, relative to ``root`` → what a change to it asks
    for: ``text`` (a language's section file) and ``checks`` (claims, glossary): the
    checks, and the languages whose resolved text changed rendered again; ``manuscript``
    (bibliography, Pandoc's defaults, templates): every language rendered again;
    ``results`` (a file the text is resolved against, written by Snakemake): the results
    read again; ``snakemake`` (what the results come from): Snakemake first."""
    manuscript = paper.manuscript
    kinds: dict[str, str] = {}

    def name(path: Path) -> str:  # relative to root, or absolute (paperkit's own files)
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    def add(path: Path, kind: str) -> None:
        if path.is_file():
            kinds[name(path)] = kind
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and "__pycache__" not in child.parts:
                    kinds.setdefault(name(child), kind)

    for source in RESULT_SOURCES:
        add(root / source, "snakemake")
    for folder in paper.authored:
        add(root / folder, "snakemake")
    add(root / manuscript["labels"], "snakemake")  # the figures' words
    for lang in paper.codes:
        for path in paper.sources(lang):
            kinds[path] = "text"
    for key in ("claims", "glossary"):  # checked on every save; they render nothing
        if key in manuscript:
            add(root / manuscript[key], "checks")
    # Pandoc's defaults files and the filters and templates they name (the paper's own or
    # paperkit's), and the files the paper's own defaults read besides
    for path in [*pandoc_defaults_inputs(defaults_files(paper)), *manuscript.get("templates", [])]:
        add(root / path, "manuscript")
    for path in [*manuscript["bibliography"], *result_files(paper)]:
        add(root / path, "results" if path.startswith("results/") else "manuscript")
    return kinds


def result_files(paper: Paper) -> list[str]:
    """The results the text is resolved against: numbers, tables, figures (the files
    Snakemake is asked for when what they come from changes) and the build's record of
    where each came from."""
    return [
        *paper.numbers,
        *(path for lang in paper.codes for path in paper.table_files(lang)),
        *(
            path
            for lang in paper.codes
            for extension in ("svg", "png")
            for path in paper.figure_files(lang, extension)
        ),
        *(path for path in paper.manuscript["bibliography"] if path.startswith("results/")),
    ]


def stamps(root: Path, paths) -> dict[str, tuple[int, int]]:
    """(modification time, size) of each file that exists."""
    found, base = {}, str(root)
    for path in paths:
        try:
            status = os.stat(os.path.join(base, path))
        except FileNotFoundError:
            continue
        found[path] = (status.st_mtime_ns, status.st_size)
    return found


# --------------------------------------------------------------------------- state


@dataclass
class Status:
    """What the pages show, and the revision of each language's HTML and PDF. Guarded by
    ``changed`` (a Condition), which wakes the server-sent event streams."""

    languages: list[str]
    state: str = "starting"
    problems: list[str] = field(default_factory=list)
    html: dict[str, int] = field(default_factory=dict)  # language → revision of its HTML
    pdf: dict[str, int] = field(default_factory=dict)
    saved_at: str = ""
    sequence: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def fingerprint(self, lang: str, kind: str) -> str:
        """What a page of ``lang`` (``kind``: html or pdf) was served with: when it
        differs from the current one, the page reloads (the transient "updating" aside,
        which the page shows without reloading)."""
        state = "current" if self.state == "updating" else self.state
        revision = (self.html if kind == "html" else self.pdf).get(lang, 0)
        problems = hashlib.sha256("\n".join(self.problems).encode()).hexdigest()[:12]
        return f"{state}-{revision}-{problems}"

    def event(self) -> dict:
        return {
            "state": self.state,
            "words": STATE_WORDS[self.state],
            "fingerprints": {
                kind: {lang: self.fingerprint(lang, kind) for lang in self.languages}
                for kind in ("html", "pdf")
            },
            "html": self.html,
            "pdf": self.pdf,
            "problems": self.problems,
        }

    def update(self, **changes) -> None:
        with self.changed:
            for key, value in changes.items():
                setattr(self, key, value)
            self.sequence += 1
            self.changed.notify_all()


# --------------------------------------------------------------------------- warm state


@contextmanager
def timed(timings: dict[str, float], stage: str):
    """Add the seconds the block takes to ``timings[stage]`` (the console's breakdown)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


class Warm:
    """The paper as the last save left it, and what renders it again."""

    def __init__(self, root: Path, config_path: Path, folder: Path):
        import pypandoc

        self.root, self.config_path, self.folder = root, config_path, folder
        self.pandoc = pypandoc.get_pandoc_path()
        self.timestamp = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
        self.parsed: dict[str, tuple[str, dict]] = {}  # file → (its text, its AST)
        self.rendered: dict[str, str] = {}  # language → key of what its HTML shows
        self.pdf_due: set[str] = set()
        self.version = 0  # bumped when anything shared by every language's render changes
        self.yamls: dict[str, tuple[str, object]] = {}  # file → (its text, its data)
        self.results: dict[str, tuple[int, int]] = {}  # result file → its time and size
        self.claims_checked: tuple[object, list[dict]] = (None, [])
        self.compilers = {}  # language → its Typst compiler, kept warm
        self.citeproc_last: dict[str, CiteprocRun] = {}  # language → its last citeproc run
        self.citeproc_runs: dict[str, str] = {}  # language → "run" or "reused" (last save)
        self.linked: dict[str, Path] = {}  # URL path → a file the pages link (figures, CSS)
        self.timings: dict[str, float] = {}  # stage → seconds, of the last save (console)
        self.load_paper()

    # ---- what changes rarely

    def load_paper(self) -> None:
        """Config, registry, labels: read again after Snakemake ran (they may have changed)."""
        config = yaml.safe_load(self.config_path.read_text(encoding="utf-8"))
        paper = Paper.load(config, self.root)
        labels = yaml.safe_load(
            (self.root / paper.manuscript["labels"]).read_text(encoding="utf-8")
        )
        if (config, labels) != (getattr(self, "config", None), getattr(self, "labels", None)):
            self.version += 1
        # the registry too is read again (the files the text is resolved against)
        self.config, self.paper, self.labels = config, paper, labels

    def load_results(self) -> None:
        """Numbers, tables and where each figure and table came from."""
        paper = self.paper
        self.numbers = merge_numbers(
            {path: json.loads(Path(path).read_text("utf-8")) for path in paper.numbers}
        )
        self.tables = {
            lang: read_tables(
                self.pandoc,
                {
                    Path(p).stem: Path(p).read_text(encoding="utf-8")
                    for p in paper.table_files(lang)
                },
            )
            for lang in paper.codes
        }
        self.provenance = made_by_records(paper, Path("results/provenance.json"))
        # Every language is rendered again only when a result file changed (a figure is
        # in the HTML, not in the resolved text); Snakemake often has nothing to do.
        results = stamps(self.root, result_files(paper))
        if results != self.results:
            self.results = results
            self.version += 1

    # ---- a save

    def parse(self, files: dict[str, str]) -> dict[str, dict]:
        """Each language's AST, Pandoc reading only the section files whose text changed
        (one Pandoc per file, side by side); the others come from the warm state."""
        due = [path for path, text in files.items() if self.parsed.get(path, ("",))[0] != text]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for path, ast in zip(
                due,
                pool.map(lambda p: read_sources(self.pandoc, [(p, files[p])]), due),
                strict=True,
            ):
                self.parsed[path] = (files[path], ast)
        return {
            lang: joined([self.parsed[path][1] for path in self.paper.sources(lang)])
            for lang in self.paper.codes
        }

    def yaml(self, path: str):
        """A YAML file of the manuscript, parsed again only when its text changed."""
        text = (self.root / path).read_text(encoding="utf-8")
        if self.yamls.get(path, (None,))[0] != text:
            self.yamls[path] = (text, yaml.load(text, Loader=SAFE_LOADER))
        return self.yamls[path][1]

    def check(self, asts: dict[str, dict], files: dict[str, str]) -> list[dict]:
        """The parity and claims checks (raising on a problem); the claims' outcomes. The
        claims' outcomes are computed again when what they depend on changed (the claims
        file, the results, the labels): the same answer otherwise."""
        manuscript = self.paper.manuscript
        glossaries = [self.yaml(manuscript["glossary"]) or {}] if "glossary" in manuscript else []
        problems = text_problems(
            asts, files, self.labels, manuscript["labels"], manuscript["bibliography"], glossaries
        )
        if problems:
            raise ValueError("the texts fail the parity check:\n  " + "\n  ".join(problems))
        key = (self.version, (self.root / manuscript["claims"]).read_text(encoding="utf-8"))
        if self.claims_checked[0] != key:
            self.claims_checked = (None, [])
            outcomes = claims_outcomes(
                self.numbers,
                manuscript["claims"],
                self.labels,
                self.paper.codes,
                self.paper.specification_tables,
            )
            self.claims_checked = (key, outcomes)
        return self.claims_checked[1]

    def resolved(self, lang: str, ast: dict, files: dict[str, str], outcomes: list[dict]) -> str:
        """A language's text resolved against the results (as render_paper does), as JSON."""
        context = Context(
            numbers=self.numbers,
            language=self.paper.languages[lang],
            labels=self.labels[lang],
            figure_prefix=f"results/figures/{lang}",
            tables=self.tables[lang],
            claims=set(self.yaml(self.paper.manuscript["claims"])),
            claim_phrases=claim_phrases(outcomes, lang),
            provenance=self.provenance,
        )
        mine = {path: files[path] for path in self.paper.sources(lang)}
        return json.dumps(resolve(ast, context, mine), ensure_ascii=False, separators=(",", ":"))

    def defaults(self) -> dict[str, list[str]]:
        return defaults_files(self.paper)

    def bibliography(self, lang: str) -> list[str]:
        """Pandoc's options for the bibliography as ``lang`` reads it (its authors and
        notes in that language, ``paperkit.bibliography``), as the build's render job
        gives it."""
        folder = self.folder / lang / "bibliography"
        folder.mkdir(parents=True, exist_ok=True)
        paths = localised_bibliography(self.paper.manuscript["bibliography"], lang, folder)
        return [f"--bibliography={path}" for path in paths]

    def render_html(self, lang: str, resolved: str) -> bool:
        """The HTML of a language whose resolved text (or anything shared) changed since
        its HTML was written; False when nothing changed. Unlike the build's, it links
        the figures and the style sheet (the server serves them from where they are)
        rather than embedding them: writing 3.4 MB of figures into every page cost half
        a second a save."""
        key = f"{self.version}:{hashlib.sha256(resolved.encode()).hexdigest()}"
        if self.rendered.get(lang) == key:
            return False
        out = self.folder / lang
        with timed(self.timings, f"citations {lang}"):
            self.cite(lang, resolved)
        metadata = html_metadata(self.labels[lang], self.paper.manuscript.get("repository_url", ""))
        with timed(self.timings, f"html {lang}"):
            pandoc(
                self.pandoc,
                out / "cited.json",
                self.defaults()["html"],
                out / "paper.html",
                [*(f"--metadata={key}={value}" for key, value in metadata.items()), NO_EMBEDDING],
            )
        self.linked.update(linked_files(self.root, lang, (out / "paper.html").read_text("utf-8")))
        self.rendered[lang] = key
        self.pdf_due.add(lang)
        return True

    def citeproc_inputs(self) -> str:
        """What the citation pass reads besides the text: the bibliography (its bytes),
        and the defaults and filters, which a change to bumps ``version``."""
        digest = hashlib.sha256(str(self.version).encode())
        for path in self.paper.manuscript["bibliography"]:
            digest.update((self.root / path).read_bytes())
        return digest.hexdigest()

    def cite(self, lang: str, resolved: str) -> None:
        """``<lang>/cited.json``: the resolved text with its citations rendered (the
        citation pass). Citeproc runs when the citations (or what they are rendered
        from) changed since its last run for the language; otherwise its last output's
        citations and reference list are carried over (``paperkit.citecache``)."""
        out = self.folder / lang
        ast = json.loads(resolved)
        key = citations_key(ast, self.citeproc_inputs())
        last = self.citeproc_last.get(lang)
        if last is not None and last.key == key:
            cited = reuse(ast, last)
            write_text(
                json.dumps(cited, ensure_ascii=False, separators=(",", ":")), out / "cited.json"
            )
            self.citeproc_runs[lang] = "reused"
            return
        write_text(resolved + "\n", out / "paper.json")
        pandoc(
            self.pandoc,
            out / "paper.json",
            self.defaults()["citeproc"],
            out / "cited.json",
            self.bibliography(lang),
        )
        cited = json.loads((out / "cited.json").read_text("utf-8"))
        if reusable(ast, cited):
            self.citeproc_last[lang] = CiteprocRun.of(key, cited)
        else:
            self.citeproc_last.pop(lang, None)
        self.citeproc_runs[lang] = "run"

    def render_pdf(self, lang: str) -> None:
        out = self.folder / lang
        with timed(self.timings, f"typst writer {lang}"):
            pandoc(self.pandoc, out / "cited.json", self.defaults()["typst"], out / "paper.typ")
        if lang not in self.compilers:
            self.compilers[lang] = typst_compiler()
        with timed(self.timings, f"typst {lang}"):
            typst_pdf(out / "paper.typ", out / "paper.pdf", self.timestamp, self.compilers[lang])
        self.pdf_due.discard(lang)


def breakdown(timings: dict[str, float]) -> str:
    return ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in timings.items())


def linked_files(root: Path, lang: str, document: str) -> dict[str, Path]:
    """URL path → file, for the files a language's page links (its figures, the style
    sheet): a relative link from ``/<lang>/`` resolves below it, as the browser resolves
    it. Only these are served besides the pages."""
    found = {}
    for link in map(html.unescape, LINKED.findall(document)):
        link = unquote(link)
        target = link if os.path.isabs(link) else root / link
        if os.path.isfile(target):
            url = posixpath.normpath(link if link.startswith("/") else f"/{lang}/{link}")
            found[url] = Path(target).resolve()
    return found


def defaults_files(paper: Paper) -> dict[str, list[str]]:
    """Pandoc's defaults files by pass, as the build's render job reads them: citations
    first (citeproc, JSON to JSON), then each writer from that. (One Pandoc run with both
    is a process fewer but not the same text: Turkish page ranges lose their en dash in
    the Typst writer's output.)"""
    folder = paper.defaults_folder
    return {
        "citeproc": [os.path.join(folder, "citeproc.yaml")],
        **{
            kind: [os.path.join(folder, name) for name in ("common.yaml", f"{kind}.yaml")]
            for kind in ("html", "typst")
        },
    }


def joined(parts: list[dict]) -> dict:
    """One language's AST from the ASTs of its section files, each read alone by
    ``read_sources``: the same AST as reading them together (tests/test_preview.py
    checks it on the paper), the first file's metadata winning as in Pandoc, and the
    citations numbered across the files as Pandoc's reader numbers them."""
    meta: dict = {}
    for part in parts:
        for key, value in part["meta"].items():
            meta.setdefault(key, value)
    # Not copied: the numbers are set afresh on every join (resolve works on a copy).
    blocks = [block for part in parts for block in part["blocks"]]
    renumber_citations(blocks, meta)
    return {"pandoc-api-version": parts[0]["pandoc-api-version"], "meta": meta, "blocks": blocks}


def made_by_records(paper: Paper, manifest: Path) -> dict[str, str]:
    """Figure name (or ``tbl:<name>``) → 'rule|script|input,…' for the HTML's line under a
    figure or table, from the build's provenance manifest (the batch path takes it from
    the rules; here the data inputs are in the manifest's order)."""
    if not manifest.is_file():
        return {}
    manifest_entries = json.loads(manifest.read_text("utf-8"))["outputs"]
    entries = {entry["output"]: entry for entry in manifest_entries}
    first = paper.codes[0]

    def made_by(path: str) -> str | None:
        entry = entries.get(path)
        if not entry or not entry.get("rule"):
            return None
        inputs = [p for p in entry["inputs"] if not p.endswith((".py", ".otf", ".ttf"))]
        return "|".join([entry["rule"], entry.get("script", ""), ",".join(inputs)])

    found = {
        **{name: made_by(f"results/figures/{first}/{name}.svg") for name in paper.registry.figures},
        **{
            f"tbl:{name}": made_by(f"results/tables/{first}/{name}.md")
            for name in paper.registry.tables
        },
    }
    return {name: value for name, value in found.items() if value}


# --------------------------------------------------------------------------- the pages

PAGE_STYLE = """
#paperkit-preview{position:sticky;top:0;z-index:1000;font:14px/1.4 system-ui,sans-serif;
padding:.4em .8em;margin:0 0 1em;border-bottom:2px solid}
#paperkit-preview[data-state=current]{background:#e8f5e9;border-color:#2e7d32;color:#1b5e20}
#paperkit-preview[data-state=updating],#paperkit-preview[data-state=starting],
#paperkit-preview[data-state=rebuilding]{background:#fff8e1;border-color:#f9a825;color:#5d4037}
#paperkit-preview[data-state=failed]{background:#ffebee;border-color:#c62828;color:#b71c1c;
font-weight:600}
#paperkit-preview ul{margin:.3em 0 0;padding-left:1.2em;font-weight:normal;
font-family:ui-monospace,monospace;white-space:pre-wrap}
#paperkit-preview a{color:inherit;margin-left:1em}
"""

# Reloads when the server's fingerprint of this page differs from the one it was served
# with; keeps the reader's place across the reload.
PAGE_SCRIPT = """
(function(){
  var bar=document.getElementById('paperkit-preview');
  var lang=bar.dataset.lang, kind=bar.dataset.kind, mine=bar.dataset.fingerprint;
  var y=sessionStorage.getItem('paperkit-y-'+location.pathname);
  if(y!==null){window.scrollTo(0,+y);sessionStorage.removeItem('paperkit-y-'+location.pathname);}
  var events=new EventSource('/events');
  events.onmessage=function(message){
    var status=JSON.parse(message.data);
    if(status.fingerprints[kind][lang]!==mine){
      sessionStorage.setItem('paperkit-y-'+location.pathname,String(window.scrollY));
      events.close();location.reload();return;
    }
    bar.dataset.state=status.state;
    document.getElementById('paperkit-preview-words').textContent=status.words;
  };
})();
"""


def banner(status: Status, lang: str, kind: str, languages: list[str]) -> str:
    """The bar at the top of every page: the state, its problems, the other pages."""
    links = "".join(
        f'<a href="/{code}/">{code} HTML</a><a href="/{code}/pdf">{code} PDF</a>'
        for code in languages
    )
    problems = "".join(f"<li>{html.escape(line)}</li>" for line in status.problems)
    revision = (status.html if kind == "html" else status.pdf).get(lang, 0)
    return (
        f"<style>{PAGE_STYLE}</style>"
        f'<div id="paperkit-preview" role="status" data-state="{status.state}" '
        f'data-lang="{lang}" data-kind="{kind}" data-revision="{revision}" '
        f'data-fingerprint="{status.fingerprint(lang, kind)}">'
        f'<span id="paperkit-preview-words">{html.escape(STATE_WORDS[status.state])}</span>'
        f" · preview of {lang.upper()} {kind.upper()}, revision {revision}"
        f"{' · saved ' + status.saved_at if status.saved_at else ''}{links}"
        f"{'<ul>' + problems + '</ul>' if problems else ''}</div>"
        f"<script>{PAGE_SCRIPT}</script>"
    )


BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
TITLE = re.compile(r"<title>", re.IGNORECASE)


def page(document: str, bar: str, failed: bool) -> str:
    """``document`` (Pandoc's HTML) with the bar at the top of its body; a failed state
    also marks the window's title."""
    if failed:
        document = TITLE.sub("<title>[NOT CURRENT] ", document, count=1)
    match = BODY.search(document)
    at = match.end() if match else 0
    return document[:at] + bar + document[at:]


def pdf_page(bar: str, lang: str, revision: int) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{lang.upper()} PDF preview</title></head>"
        f'<body style="margin:0">{bar}<iframe title="PDF" src="/{lang}/paper.pdf?r={revision}" '
        f'style="width:100%;height:calc(100vh - 4em);border:0"></iframe></body></html>'
    )


class Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass the server uses

    def log_message(self, *args) -> None:  # a quiet console: saves and failures only
        pass

    def send(self, body: bytes, kind: str, code: int = 200) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def send_file(self, path: Path) -> None:
        """A figure or style sheet a page links; the browser keeps it between reloads and
        asks whether it changed (its time and size)."""
        try:
            status = path.stat()
        except FileNotFoundError:
            return self.send(b"not found", "text/plain", 404)
        tag = f'"{status.st_mtime_ns:x}-{status.st_size:x}"'
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return None
        body = path.read_bytes()
        self.send_response(200)
        self.send_header(
            "Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("ETag", tag)
        self.end_headers()
        self.wfile.write(body)
        return None

    def do_GET(self) -> None:
        preview = self.preview
        path = self.path.split("?", 1)[0]
        languages = preview.languages
        parts = [part for part in path.split("/") if part]
        status = preview.status
        if path == "/events":
            return self.events()
        if path == "/status":
            with status.changed:
                body = json.dumps(status.event(), ensure_ascii=False).encode()
            return self.send(body, "application/json")
        if path == "/":
            links = "".join(
                f'<li><a href="/{c}/">{c} HTML</a> · <a href="/{c}/pdf">{c} PDF</a></li>'
                for c in languages
            )
            return self.send(
                f"<!DOCTYPE html><title>Preview</title><ul>{links}</ul>".encode(),
                "text/html; charset=utf-8",
            )
        linked = preview.linked.get(posixpath.normpath(unquote(path)))
        if linked is not None:
            return self.send_file(linked)
        if not parts or parts[0] not in languages:
            return self.send(b"not found", "text/plain", 404)
        lang, rest = parts[0], "/".join(parts[1:])
        if rest == "" and not path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", f"/{lang}/")
            self.end_headers()
            return None
        files = preview.folder / lang
        with status.changed:  # the page, its bar and the document of one moment
            kind = "pdf" if rest == "pdf" else "html"
            bar = banner(status, lang, kind, languages)
            failed = status.state == "failed"
            revision = status.pdf.get(lang, 0)
            if rest == "":
                document = (
                    (files / "paper.html").read_text("utf-8")
                    if (files / "paper.html").is_file()
                    else "<body><p>No page yet.</p></body>"
                )
            elif rest == "paper.pdf" and (files / "paper.pdf").is_file():
                return self.send((files / "paper.pdf").read_bytes(), "application/pdf")
        if rest == "":
            body = page(document, bar, failed)
        elif rest == "pdf":
            body = pdf_page(bar, lang, revision)
        else:
            return self.send(b"not found", "text/plain", 404)
        return self.send(body.encode("utf-8"), "text/html; charset=utf-8")

    def events(self) -> None:
        """Server-sent events: the status whenever it changes (a comment every 15 s keeps
        the connection open)."""
        status = self.preview.status
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not self.preview.stopping.is_set():
                with status.changed:
                    status.changed.wait_for(
                        lambda seen=seen: status.sequence != seen or self.preview.stopping.is_set(),
                        15,
                    )
                    if self.preview.stopping.is_set():
                        return
                    message = (
                        f"data: {json.dumps(status.event(), ensure_ascii=False)}\n\n"
                        if status.sequence != seen
                        else ": still here\n\n"
                    )
                    seen = status.sequence
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


# --------------------------------------------------------------------------- the loop


class Preview:
    def __init__(self, root: Path, config_path: Path, cores: int):
        self.root, self.cores = root, cores
        self.stopping = threading.Event()
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        paper = Paper.load(config, root)
        self.languages = paper.codes
        self.status = Status(self.languages)
        self.folder = root / paper.build / PREVIEW_FOLDER
        self.config_path = config_path
        self.snakemake: subprocess.Popen | None = None
        self.linked: dict[str, Path] = {}  # the warm state's: what the pages link

    def snakemake_results(self, warm: Warm) -> str | None:
        """Ask Snakemake for the results the text is resolved against; its error, if any."""
        self.status.update(state="rebuilding", problems=[])
        print("results: handing the change to Snakemake …", flush=True)
        targets = result_files(warm.paper)
        self.snakemake = start_snakemake(
            self.root,
            *targets,
            # the mirror as this shell gives it (the paper's own build, not a copy)
            mirror=os.environ.get(MIRROR_VARIABLE),
            cores=self.cores,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # Ctrl-C reaches it through us, once
        )
        output, _ = self.snakemake.communicate()
        code, self.snakemake = self.snakemake.returncode, None
        if self.stopping.is_set():
            return None
        if code:
            tail = [line for line in output.splitlines() if line.strip()][-12:]
            return "Snakemake failed to rebuild the results:\n" + "\n".join(tail)
        return None

    def files(self, warm: Warm) -> dict[str, str]:
        return {
            path: (self.root / path).read_text(encoding="utf-8")
            for lang in warm.paper.codes
            for path in warm.paper.sources(lang)
        }

    def save(self, warm: Warm, pending) -> None:
        """Check, resolve and render what a save changed; PDFs last, unless ``pending``
        says another save is waiting."""
        started = time.perf_counter()
        self.status.update(state="updating")
        warm.timings.clear()
        try:
            files = self.files(warm)
            with timed(warm.timings, "parse"):
                asts = warm.parse(files)
            with timed(warm.timings, "checks"):
                outcomes = warm.check(asts, files)
            # Each language rendered as soon as it is resolved: the next one is resolved
            # (Python) while Pandoc writes the first (a process of its own).
            with ThreadPoolExecutor(max_workers=2) as pool:
                renders = {}
                for lang in warm.paper.codes:
                    with timed(warm.timings, "resolve"):
                        resolved = warm.resolved(lang, asts[lang], files, outcomes)
                    renders[lang] = pool.submit(warm.render_html, lang, resolved)
                changed = {lang: render.result() for lang, render in renders.items()}
        except Exception as error:  # every failure is shown on the page, with its place
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            self.status.update(state="failed", problems=lines, saved_at=time.strftime("%H:%M:%S"))
            print(
                f"failed ({time.perf_counter() - started:.2f} s):\n  " + "\n  ".join(lines),
                flush=True,
            )
            return
        html = {**self.status.html}
        for lang, did in changed.items():
            if did or lang not in html:
                html[lang] = html.get(lang, 0) + 1
        self.status.update(
            state="current", problems=[], html=html, saved_at=time.strftime("%H:%M:%S")
        )
        rendered = [lang for lang, did in changed.items() if did]
        print(
            f"html {' '.join(rendered) or '(unchanged)'}: {time.perf_counter() - started:.2f} s"
            + "".join(f", citeproc {lang} {warm.citeproc_runs.get(lang)}" for lang in rendered)
            + f" ({breakdown(warm.timings)})",
            flush=True,
        )
        if pending():
            return
        if warm.pdf_due:
            due = sorted(warm.pdf_due)
            try:
                with ThreadPoolExecutor(max_workers=2) as pool:
                    list(pool.map(warm.render_pdf, due))
            except Exception as error:
                lines = [line.strip() for line in str(error).splitlines() if line.strip()]
                self.status.update(state="failed", problems=lines)
                return
            pdf = {**self.status.pdf, **{lang: self.status.html[lang] for lang in due}}
            self.status.update(pdf=pdf)
            print(
                f"pdf {' '.join(due)}: {time.perf_counter() - started:.2f} s"
                f" ({breakdown(warm.timings)})",
                flush=True,
            )

    def run(self) -> None:
        warm = Warm(self.root, self.config_path, self.folder)
        warm.linked = self.linked
        kinds = watched_files(self.root, warm.paper)
        seen = stamps(self.root, kinds)
        error = self.snakemake_results(warm)
        due_results = True
        while not self.stopping.is_set():
            if error:
                self.status.update(state="failed", problems=error.splitlines())
            elif due_results:
                try:
                    warm.load_paper()
                    warm.load_results()
                except (OSError, ValueError, KeyError) as problem:
                    self.status.update(
                        state="failed", problems=[f"the results cannot be read: {problem}"]
                    )
                else:
                    self.save(warm, lambda kinds=kinds, seen=seen: stamps(self.root, kinds) != seen)
            due_results = False
            # Wait for the next save (the list of files read again now and then: a new
            # section file, a new module).
            polls = 0
            while not self.stopping.wait(POLL_SECONDS):
                polls += 1
                if polls % 20 == 0:
                    kinds = watched_files(self.root, warm.paper)
                now = stamps(self.root, kinds)
                if now != seen or (warm.pdf_due and self.status.state == "current"):
                    break
            if self.stopping.is_set():
                return
            while not self.stopping.wait(SETTLE_SECONDS):  # until the writes settle
                later = stamps(self.root, kinds)
                if later == now:
                    break
                now = later
            changed = {path for path in set(now) | set(seen) if now.get(path) != seen.get(path)}
            seen = now
            what = {kinds.get(path, "text") for path in changed}
            if changed:
                print(
                    f"saved: {', '.join(sorted(changed)[:4])}{' …' if len(changed) > 4 else ''}",
                    flush=True,
                )
            if "snakemake" in what:
                error = self.snakemake_results(warm)
                seen = stamps(self.root, watched_files(self.root, warm.paper))
                due_results = True
                continue
            error = None
            if "results" in what:
                due_results = True
                continue
            if "manuscript" in what:
                warm.version += 1  # bibliography, defaults, templates: every language
            self.save(warm, lambda kinds=kinds, seen=seen: stamps(self.root, kinds) != seen)

    def stop(self) -> None:
        self.stopping.set()
        with self.status.changed:
            self.status.changed.notify_all()
        if self.snakemake is not None and self.snakemake.poll() is None:
            self.snakemake.send_signal(signal.SIGINT)  # Snakemake stops its jobs
            try:
                self.snakemake.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.snakemake.pid, signal.SIGKILL)


def serve(preview: Preview, port: int) -> ThreadingHTTPServer:
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def interrupted(*_) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="0: any free port")
    parser.add_argument("--config", type=Path, default=Path("config/config.yaml"))
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    root = Path.cwd()
    preview = Preview(root, args.config, args.cores)
    try:
        lock = hold_folder(preview.folder)
    except PreviewRefused as refused:
        print(refused.code, file=sys.stderr)
        return 2
    try:
        server = serve(preview, args.port)
    except OSError as error:
        lock.close()
        shutil.rmtree(preview.folder, ignore_errors=True)
        print(
            f"port {args.port} on 127.0.0.1 cannot be used ({error.strerror}); "
            f"give another with --port (0: any free one)",
            file=sys.stderr,
        )
        return 2
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(url, flush=True)
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid {os.getpid()}, {url}")
    lock.flush()
    server_thread = threading.Thread(target=server.serve_forever, name="server", daemon=True)
    server_thread.start()
    # Stopped by Ctrl-C or a kill alike (also when started where SIGINT is ignored).
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        preview.run()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
        server.shutdown()
        server.server_close()
        # Nothing of the preview stays: its folder (the lock file with it) goes.
        shutil.rmtree(preview.folder, ignore_errors=True)
        lock.close()
        print("preview stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

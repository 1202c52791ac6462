"""The live preview (paperkit.preview, `make preview`), started in a built copy of the paper
on a free port: a save appears in both languages' pages and PDFs, announced to the pages
by a server-sent event; a claim broken by a save shows the banner with file and line and
the page does not claim to be current; Ctrl-C (SIGINT) leaves no process and no file
behind; a second preview on the same folder is refused in one line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from paperkit.manuscript import read_sources
from paperkit.paper import Paper
from paperkit.preview import joined
from tests.conftest import EPOCH, ROOT

# Generous: the machine running the tests may be busy, and the preview's first step is
# Snakemake's check that the results are current.
STARTUP_SECONDS = 300
SAVE_SECONDS = 240


def start(folder: Path, *args: str) -> subprocess.Popen:
    """The preview in ``folder`` on a free port, with the copy's own code."""
    environment = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONPATH": os.pathsep.join([str(folder / "paperkit" / "src"), str(folder / "src")]),
        # no byte-compiled files in the copy: the test compares its files before and after
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "paperkit.preview", "--port", "0", "--cores", "2", *args],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(process: subprocess.Popen) -> str:
    line = process.stdout.readline().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", line), (line, process.stderr.read())
    return line


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def status(url: str) -> dict:
    return json.loads(get(url + "status"))


def wait_for(condition, seconds: float, what: str):
    """Poll ``condition`` (the test polls; the page does not) until it returns a truthy value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def current(url: str, pdf: bool = False):
    now = status(url)
    ready = now["state"] == "current" and all(now["html"].get(lang) for lang in ("en", "tr"))
    if pdf:
        ready = ready and all(now["pdf"].get(lang) == now["html"][lang] for lang in ("en", "tr"))
    return now if ready else None


def type_word(folder: Path, lang: str, word: str) -> None:
    """Type ``word`` at the end of the introduction's first paragraph."""
    path = folder / "manuscript" / lang / "10-introduction.md"
    text = path.read_text(encoding="utf-8")
    end = text.index("\n\n", text.index("\n\n") + 2)
    path.write_text(text[:end] + f" {word}" + text[end:], encoding="utf-8")


def stop(process: subprocess.Popen) -> int:
    """Ctrl-C; what the preview said goes to the test's output (shown if it fails)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    print(out, err, sep="\n")
    return process.returncode


def descendants(pid: int) -> set[int]:
    """Every process under ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return False


def tree(folder: Path) -> set[str]:
    """Every file under ``folder``, but Snakemake's own records (.snakemake/)."""
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if not path.is_dir() and path.relative_to(folder).parts[0] != ".snakemake"
    }


def test_sections_read_alone_join_into_the_ast_read_together():
    """The warm state re-reads only a saved file: the joined AST must be the one Pandoc
    makes of all the files at once (citation numbers included), in every language."""
    import pypandoc

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    paper = Paper.load(config, ROOT)
    executable = pypandoc.get_pandoc_path()
    for lang in paper.codes:
        files = [(path, (ROOT / path).read_text(encoding="utf-8")) for path in paper.sources(lang)]
        together = read_sources(executable, files)
        alone = joined([read_sources(executable, [file]) for file in files])
        assert alone == together, lang


def test_a_save_appears_in_both_languages(scratch):
    preview = start(scratch)
    try:
        url = first_line(preview)
        wait_for(lambda: current(url, pdf=True), STARTUP_SECONDS, "the first render")
        before = status(url)
        events: list[dict] = []

        def listen() -> None:  # what an open page hears
            with urllib.request.urlopen(url + "events", timeout=SAVE_SECONDS) as stream:
                for line in stream:
                    if line.startswith(b"data: "):
                        events.append(json.loads(line[6:]))
                        if all(
                            events[-1]["html"].get(lang, 0) > before["html"][lang]
                            for lang in ("en", "tr")
                        ):
                            return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        time.sleep(0.5)
        type_word(scratch, "en", "Quokkaland")
        type_word(scratch, "tr", "Kokkaülkesi")
        for lang, word in (("en", "Quokkaland"), ("tr", "Kokkaülkesi")):
            # current once the save is rendered (while it renders, the page says "updating")
            wait_for(
                lambda lang=lang, word=word: (
                    word in (text := get(f"{url}{lang}/")) and 'data-state="current"' in text
                ),
                SAVE_SECONDS,
                f"the word in the {lang} page",
            )
        listener.join(SAVE_SECONDS)
        assert (
            events
            and events[-1]["fingerprints"]["html"]["en"] != (before["fingerprints"]["html"]["en"])
        ), "no server-sent event told the open pages to reload"
        # The PDFs follow.
        wait_for(lambda: current(url, pdf=True), SAVE_SECONDS, "the PDFs")
        for lang, word in (("en", "Quokkaland"), ("tr", "Kokkaülkesi")):
            with urllib.request.urlopen(f"{url}{lang}/paper.pdf", timeout=30) as response:
                pdf = response.read()
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
            ).stdout.decode("utf-8")
            assert word in text, lang
    finally:
        stop(preview)


def test_a_broken_claim_shows_the_banner(scratch):
    claims = scratch / "manuscript" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    good = "check: syria_last < syria_peak_count and"
    # a claim's place is the line of its key
    line = text[: text.index("syrians_declined_from_peak:")].count("\n") + 1
    preview = start(scratch)
    try:
        url = first_line(preview)
        wait_for(lambda: current(url), STARTUP_SECONDS, "the first render")
        claims.write_text(text.replace(good, good.replace("<", ">", 1)), encoding="utf-8")
        failed = wait_for(
            lambda: (now := status(url))["state"] == "failed" and now, SAVE_SECONDS, "the failure"
        )
        assert any(f"manuscript/claims.yaml:{line}" in problem for problem in failed["problems"])
        for lang in ("en", "tr"):
            for page in (get(f"{url}{lang}/"), get(f"{url}{lang}/pdf")):
                assert 'data-state="failed"' in page
                assert "NOT CURRENT" in page
                assert 'data-state="current"' not in page
                assert f"manuscript/claims.yaml:{line}" in page
        # Fixed, the page is current again.
        claims.write_text(text, encoding="utf-8")
        wait_for(lambda: current(url), SAVE_SECONDS, "the page current again")
        assert 'data-state="current"' in get(f"{url}en/")
    finally:
        stop(preview)


def test_ctrl_c_leaves_no_process_and_no_file(scratch):
    before = tree(scratch)
    preview = start(scratch)
    url = first_line(preview)
    wait_for(lambda: current(url), STARTUP_SECONDS, "the first render")
    # Interrupted while a save renders (Pandoc running under it).
    type_word(scratch, "en", "Wombat")
    type_word(scratch, "tr", "Vombat")
    under = wait_for(lambda: descendants(preview.pid), SAVE_SECONDS, "the save's Pandoc")
    assert stop(preview) == 0
    assert not [pid for pid in under | {preview.pid} if alive(pid)]
    assert tree(scratch) == before, tree(scratch) ^ before
    assert not (scratch / "manuscript" / "build" / "preview").exists()
    with pytest.raises(OSError):
        get(url + "status")


def test_a_second_preview_on_the_same_folder_is_refused(scratch):
    first = start(scratch)
    try:
        url = first_line(first)
        second = start(scratch)
        try:
            out, err = second.communicate(timeout=120)
        except subprocess.TimeoutExpired:  # it did not refuse: stop it too
            stop(second)
            raise
        assert second.returncode == 2
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "A preview already serves" in lines[0], err
        assert url in lines[0]  # it says which one
        wait_for(lambda: current(url), STARTUP_SECONDS, "the first preview still serving")
    finally:
        stop(first)

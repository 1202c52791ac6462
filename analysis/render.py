"""Render a resolved manuscript with Pandoc (HTML, DOCX, Typst) and Typst (PDF).

Pandoc runs from the repository root, so the figure paths the resolver wrote
(relative to the root) work for every format. The three Pandoc conversions run
concurrently: they are separate processes, and a text edit should cost the
time of the slowest, not the sum.
"""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import typst

from analysis.atomic import atomic_path

# Pandoc's Typst writer turns the apostrophe of "2’de" or "%42’si" into a
# straight quote, which Typst's smart quotes then set as a prime (2′de).
# A literal U+2019 after a digit keeps the Turkish apostrophe.
APOSTROPHE_AFTER_DIGIT = re.compile(r"(?<=[0-9])'")


class RenderError(RuntimeError):
    """Pandoc or Typst rejected the document."""


def pandoc(executable: str, source: Path, defaults: list[str], target: Path) -> None:
    """Convert ``source`` with the given defaults files into ``target`` (atomically)."""
    with atomic_path(target) as temp:
        command = [
            executable,
            str(source),
            *(f"--defaults={d}" for d in defaults),
            f"--output={temp}",
        ]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode:
            raise RenderError(f"pandoc failed on {source} → {target.name}:\n{run.stderr}")


def typst_pdf(typ: Path, target: Path, timestamp: int) -> None:
    """Compile a Typst file to PDF with the repository as root and a fixed date."""
    source = APOSTROPHE_AFTER_DIGIT.sub("’", typ.read_text(encoding="utf-8"))
    try:
        # Compiled from bytes so that relative paths resolve from the root, as for Pandoc.
        pdf = typst.compile(source.encode("utf-8"), root=".", timestamp=timestamp)
    except typst.TypstError as error:  # the diagnostic names the line of the .typ file
        raise RenderError(f"{typ}: {error.diagnostic or error}") from None
    with atomic_path(target) as temp:
        temp.write_bytes(pdf)


def render_all(
    executable: str,
    source: Path,
    defaults: dict[str, list[str]],
    outputs: dict[str, Path],
    timestamp: int,
) -> None:
    """Write HTML, DOCX and PDF (through Typst) of ``source``.

    ``defaults`` and ``outputs`` are keyed by ``html``, ``docx`` and ``typst``;
    ``outputs`` also names the ``pdf``.
    """
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [
            pool.submit(pandoc, executable, source, defaults[kind], outputs[kind])
            for kind in ("typst", "html", "docx")
        ]
        jobs[0].result()
        typst_pdf(outputs["typst"], outputs["pdf"], timestamp)
        for job in jobs[1:]:
            job.result()

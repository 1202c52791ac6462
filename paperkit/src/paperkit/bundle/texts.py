"""The two texts of the bundle: README.md (how to rebuild and check the documents)
and RECEIPT.md (commit, environment, what was verified, how long it took)."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

# The packages whose versions the receipt names, as the build's provenance record
# (results/provenance.json) lists them.
NAMED_PACKAGES = ("snakemake", "pandas", "numpy")


def typst_version(pdf: Path) -> str:
    """The Typst version a PDF records as its creator (``Typst 0.15.1`` → ``0.15.1``):
    the compiler that wrote it, which the typst Python package's version is not."""
    from pypdf import PdfReader

    creator = str((PdfReader(pdf).metadata or {}).get("/Creator", ""))
    return creator.removeprefix("Typst ").strip() if creator.startswith("Typst ") else "?"


def recorded_versions(tree: Path, pdf: Path | None) -> dict[str, str]:
    """The tool versions the build recorded: Pandoc and the packages from its
    provenance record, Typst from the PDF it wrote, Python and the platform of this
    run (the build ran on it)."""
    record = tree / "results" / "provenance.json"
    packages = {}
    if record.is_file():
        packages = json.loads(record.read_text(encoding="utf-8"))["packages"]
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pandoc": packages.get("pandoc", "?"),
        "typst": typst_version(pdf) if pdf and pdf.is_file() else "?",
        **{name: packages.get(name, "?") for name in NAMED_PACKAGES},
    }


def install_line(wheels: int) -> str:
    """How the bundle's environment installs: from its wheels when it carries them."""
    if wheels:
        return (
            f"from the {wheels} wheels in `wheels/` (no index: `NO_INDEX=1`, built for "
            f"{platform.system()} {platform.machine()}, Python 3.11), every file hash-checked "
            "against the lock"
        )
    return (
        "from PyPI, every file hash-checked against the lock (no wheels in this bundle: "
        "`make bundle WHEELS=1` adds them)"
    )


def readme(commit: str, epoch: int, base: str | None, wheels: int, sources: list[dict]) -> str:
    offline = ' FIND_LINKS="$PWD/wheels" NO_INDEX=1' if wheels else ""
    by_url = [s for s in sources if not s["included"]]
    lines = [
        f"# Reviewer bundle of commit {commit[:12]}",
        "",
        "Rebuild the paper and check that every document has the same bytes as ours",
        "(Python 3.11 and `make`; run both from this folder):",
        "",
        "```sh",
        f'SOURCE_DATE_EPOCH={epoch} PAPER_DATA_MIRROR="$PWD/mirror" \\',
        f"    make -C source paper journal{offline}",
        "sha256sum -c checksums/documents.sha256",
        "```",
        "",
        "The first command installs the locked environment (`source/requirements/runtime.txt`,",
        "every package hash-checked) into `source/.venv`, then builds the paper, the journal's",
        "DOCX and its figures from the pinned sources in `mirror/`. "
        + (
            "The wheels of the lock (and of uv, the installer) are in `wheels/`: nothing is "
            "downloaded."
            if wheels
            else "The packages come from PyPI (or from a folder of the lock's wheels: "
            '`FIND_LINKS="$DIR" NO_INDEX=1`); the build itself needs no network.'
        ),
        "`SOURCE_DATE_EPOCH` is the date written into the documents: the time of the",
        "commit, which the build would otherwise read from git (`source/` is not a git",
        "repository; `git clone history.bundle paper` gives one with the full history).",
        "`sha256sum -c checksums/outputs.sha256` checks every other output as well.",
        "",
        "What is here: `documents/` (the built paper in every language, the journal's DOCX,",
        "every figure as PDF and 600 dpi PNG), "
        + (f"`diff/{base}/` (tracked changes against {base}), " if base else "")
        + "`RECEIPT.md` (what was verified and how long it took), `sources.json` (every pinned",
        "source with its URL, checksum and licence), `provenance.json` (for every output the",
        "rule, script and inputs that made it), `ro-crate-metadata.json` (RO-Crate metadata,",
        "Workflow Run Crate profile).",
    ]
    if by_url:
        lines += [
            "",
            "Not in `mirror/` (their licence does not allow passing them on); the build fetches",
            "them from their pinned URLs and checks their SHA-256:",
            "",
            *(f"- `{s['path']}`: {s['url']} (sha256 {s['sha256']}; {s['reason']})" for s in by_url),
        ]
    return "\n".join(lines) + "\n"


def receipt(
    commit: str,
    subject: str,
    base: str | None,
    epoch: int,
    env: dict,
    checks: dict,
    timings: dict,
    documents: int,
    lock_digest: str,
    wheels: int = 0,
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    differing = checks["manifest_differing"] + checks["manifest_missing"]
    shown = ", ".join(f"`{n}`" for n in differing[:4]) + (" …" if len(differing) > 4 else "")
    by_url = checks["sources_by_url"]
    lines = [
        f"# Receipt: reviewer bundle of {commit[:12]}",
        "",
        f"- **Commit** `{commit}`: {subject}",
        f"- **Document date** (SOURCE_DATE_EPOCH) {epoch} "
        f"({datetime.fromtimestamp(epoch, UTC):%Y-%m-%d %H:%M:%S} UTC)",
        f"- **Built** {when}, in a clean clone of the commit",
        f"- **Environment** Python {env['python']} on {env['platform']}; as the documents "
        f"record them: Snakemake {env.get('snakemake', '?')}, Pandoc {env['pandoc']}, "
        f"Typst {env['typst']} (the PDFs' creator); lock `requirements/runtime.txt` sha256 "
        f"`{lock_digest[:16]}…`",
        f"- **Installs** {install_line(wheels)}",
        "",
        "## What was verified",
        "",
        f"- Pinned sources: {checks['sources_checked']} files, each SHA-256 checked against "
        f"its pin before use (obtained from: {', '.join(checks['sources_origin'])}); "
        f"{checks['sources_included']} copied into `mirror/`"
        + (f", {len(by_url)} by URL and checksum only" if by_url else ", none left out"),
        f"- Claims: {checks['claims_hold']} of {checks['claims']} hold (the documents are "
        "rendered only when all do)",
        f"- Languages ({', '.join(checks['languages'])}) carry the same sections, figures, "
        f"tables, numbers, claims and citations: {'yes' if checks['parity'] else 'NO'}",
        f"- Bytes: {checks['manifest_identical']} of {checks['manifest_compared']} outputs "
        "identical to the committed manifest (`reproducibility/manifest.sha256`)"
        + (f"; differing or missing: {shown}" if differing else ""),
        f"- The build left the tracked files untouched: "
        f"{'yes' if checks['sources_untouched'] else 'NO'}",
        f"- Documents in the bundle: {documents} files, checksums in `checksums/`",
        "",
        "## How long it took",
        "",
        f"- Clean build of the commit (paper, journal, diff): {timings['build']:.0f} s"
        + (
            f", of which the build of the base {base} {timings['base']:.0f} s"
            if base and "base" in timings
            else ""
        ),
        f"- Packing the bundle: {timings['pack']:.0f} s",
        "",
        "## Offline",
        "",
        "The rebuild (README.md) reads the sources from `mirror/` and needs no network; "
        + (
            "the environment installs from `wheels/`, so nothing needs the network."
            if wheels
            else "installing the environment from the lock needs PyPI (this bundle has no wheels)."
        ),
    ]
    return "\n".join(lines) + "\n"

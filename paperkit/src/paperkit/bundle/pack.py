"""Pack a built clean clone into the reviewer bundle: its files, the pinned sources
that may be passed on, the documents, the diff, checksums, the texts and the RO-Crate
metadata, in one deterministic archive."""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path

import yaml

from paperkit.acquire import sha256_of
from paperkit.bundle.archive import write_archive
from paperkit.bundle.crate import crate_metadata
from paperkit.bundle.git import git, history_bundle, tracked_files
from paperkit.bundle.sources import gather_sources, pinned_sources
from paperkit.bundle.texts import readme, receipt, recorded_versions
from paperkit.reproducibility import format_manifest, output_hashes, parse_manifest
from paperkit.snakefile import last_commit_time

DIFF_FOLDER = "manuscript/build/diff"


def verification(tree: Path, outputs: dict[str, str], sources: list[dict]) -> dict:
    """What the clean build showed: sources checked against their pins, claims,
    parity, bytes against the committed manifest, the sources left untouched."""
    records = sorted((tree / "data" / "raw" / "sources").glob("*.provenance.json"))
    checked = [json.loads(path.read_text(encoding="utf-8")) for path in records]
    claims = json.loads((tree / "results/checks/claims.json").read_text("utf-8"))["claims"]
    parity = json.loads((tree / "results/checks/parity.json").read_text("utf-8"))
    manifest_path = tree / "reproducibility" / "manifest.sha256"
    expected = parse_manifest(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    compared = sorted(expected.keys() & outputs.keys())
    differing = [name for name in compared if expected[name] != outputs[name]]
    missing = sorted(expected.keys() - outputs.keys())
    status = git(tree, "status", "--porcelain", "--untracked-files=no")
    return {
        "sources_checked": len(checked),
        "sources_origin": sorted({record["obtained_from"].split(":")[0] for record in checked}),
        "sources_included": sum(s["included"] for s in sources),
        "sources_by_url": [s["path"] for s in sources if not s["included"]],
        "claims": len(claims),
        "claims_hold": sum(claim["holds"] is True for claim in claims),
        "parity": parity.get("identical_skeletons", False),
        "languages": parity.get("languages", []),
        "manifest_compared": len(compared),
        "manifest_identical": len(compared) - len(differing),
        "manifest_differing": differing,
        "manifest_missing": missing,
        "sources_untouched": not status,
    }


def write_bundle(
    tree: Path,
    output: Path,
    *,
    base: str | None,
    timings: dict[str, float],
    started: float,
    epoch: int | None = None,
    wheels: Path | None = None,
    mirror: Path | None = None,
) -> Path:
    """Pack the built git working tree ``tree`` (at its HEAD, clean) into
    ``output``/bundle-<commit>.tar.gz; return its path.

    ``base`` names the diff's base revision (its outputs under the diff folder);
    ``epoch`` the SOURCE_DATE_EPOCH the build used (default: the time of the last
    commit that changed the paper, as the build reads it); ``mirror`` where sources
    missing from the build's store are fetched (default: the URLs); ``wheels`` a
    folder of wheels to include.
    """
    packing = time.perf_counter()
    commit = git(tree, "rev-parse", "HEAD")
    epoch = int(epoch if epoch is not None else last_commit_time(tree))
    top = f"paper-{commit[:12]}"
    config = yaml.safe_load((tree / "config" / "config.yaml").read_text(encoding="utf-8"))
    languages = list(config["languages"])
    build = f"{config['manuscript']['folder']}/build"
    entries: dict[str, tuple[bytes | Path, int]] = {}

    for name, mode in tracked_files(tree).items():
        entries[f"source/{name}"] = (tree / name, mode)
    with tempfile.TemporaryDirectory(prefix="bundle-") as scratch:
        scratch = Path(scratch)
        history = scratch / "history.bundle"
        history_bundle(tree, history)
        entries["history.bundle"] = (history.read_bytes(), 0o644)
        sources = pinned_sources(tree, base)
        gather_sources(tree, sources, scratch / "mirror", mirror)
        for entry in sources:
            if entry["included"]:
                entries[f"mirror/{entry['path']}"] = (
                    (scratch / "mirror" / entry["path"]).read_bytes(),
                    0o644,
                )
        wheel_files = sorted(wheels.glob("*.whl")) if wheels is not None else []
        for wheel in wheel_files:
            entries[f"wheels/{wheel.name}"] = (wheel.read_bytes(), 0o644)

    mirrored = "".join(
        f"{entry['sha256']}  {entry['path']}\n" for entry in sources if entry["included"]
    )
    entries["mirror/SHA256SUMS"] = (mirrored.encode(), 0o644)
    entries["sources.json"] = (
        (json.dumps(sources, indent=2, ensure_ascii=False) + "\n").encode(),
        0o644,
    )

    # The documents: the paper's, the journal's DOCX and figures (rebuilt by the README's
    # command and checked), and the diff (not rebuilt by it: it needs the history).
    documents = []
    for lang in languages:
        folder = tree / build / lang
        names = [f"paper.{ext}" for ext in ("pdf", "html", "docx")] + ["paper-journal.docx"]
        names += [
            f"figures/{p.name}"
            for p in sorted((folder / "figures").glob("*"))
            if not p.name.startswith(".")  # Snakemake's marker of a folder output
        ]
        for name in names:
            if (folder / name).is_file():
                documents.append(f"{build}/{lang}/{name}")
    outputs = output_hashes(tree)
    built = {name: digest for name, digest in outputs.items() if not name.startswith(DIFF_FOLDER)}
    for path in documents:
        entries[f"documents/{path.removeprefix(build + '/')}"] = (tree / path, 0o644)
    diff = []
    if base:
        folder = tree / DIFF_FOLDER / base
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and not relative.startswith("base/"):
                diff.append(f"diff/{base}/{relative}")
                entries[diff[-1]] = (path, 0o644)
    checksums = {f"source/{path}": outputs[path] for path in documents}
    entries["checksums/documents.sha256"] = (format_manifest(checksums).encode(), 0o644)
    every = {f"source/{name}": digest for name, digest in built.items()}
    entries["checksums/outputs.sha256"] = (format_manifest(every).encode(), 0o644)
    entries["provenance.json"] = (tree / "results" / "provenance.json", 0o644)

    checks = verification(tree, built, sources)
    entries["README.md"] = (
        readme(commit, epoch, base, len(wheel_files), sources).encode(),
        0o644,
    )
    timings = {**timings, "pack": time.perf_counter() - packing}
    record = tree / DIFF_FOLDER / str(base) / "base" / "build.json"
    if base and record.is_file():
        timings["base"] = json.loads(record.read_text(encoding="utf-8"))["seconds"]
    text = receipt(
        commit,
        git(tree, "log", "-1", "--format=%s").split(":")[0][:160],
        base,
        epoch,
        recorded_versions(tree, tree / build / languages[0] / "paper.pdf"),
        checks,
        timings,
        len(documents),
        sha256_of(tree / "requirements" / "runtime.txt"),
        wheels=len(wheel_files),
    )
    entries["RECEIPT.md"] = (text.encode(), 0o644)
    digests = {
        name: hashlib.sha256(
            content if isinstance(content, bytes) else content.read_bytes()
        ).hexdigest()
        for name, (content, _) in entries.items()
    }
    title = _title(tree, build, languages[0])
    entries["ro-crate-metadata.json"] = (
        crate_metadata(
            commit,
            epoch,
            digests,
            sources,
            [f"documents/{p.removeprefix(build + '/')}" for p in documents],
            diff,
            started,
            time.time(),
            title,
        ).encode(),
        0o644,
    )
    archive = output / f"bundle-{commit[:12]}.tar.gz"
    write_archive(archive, {f"{top}/{name}": value for name, value in entries.items()}, epoch)
    return archive


def _title(tree: Path, build: str, lang: str) -> str:
    """The paper's title in its first language (from the resolved AST)."""
    from paperkit.pandoc_ast import stringify

    ast = json.loads((tree / build / lang / "paper.json").read_text(encoding="utf-8"))
    title = ast["meta"].get("title")
    return stringify(title["c"]) if title and title["t"] == "MetaInlines" else "The paper"

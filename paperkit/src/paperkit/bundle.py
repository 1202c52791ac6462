"""The reviewer bundle: one archive from which a reviewer rebuilds the paper offline.

    python -m paperkit.bundle [--base REF] [--cores N] [--output DIR] [--wheels]

clones the committed state (HEAD) into a scratch folder, builds it there (the paper,
the journal's DOCX and figures, the tracked-changes diff against ``--base``, by
default the previous revision) and packs ``<output>/bundle-<commit>.tar.gz``::

    paper-<commit>/README.md                 the two commands that rebuild and check it
    paper-<commit>/RECEIPT.md                commit, environment, what was verified, timings
    paper-<commit>/ro-crate-metadata.json    RO-Crate (Workflow Run Crate profile)
    paper-<commit>/source/                   the tracked files of the commit
    paper-<commit>/history.bundle            the git history (git clone history.bundle)
    paper-<commit>/mirror/                   the pinned sources whose licence allows it
    paper-<commit>/sources.json              every pin: URL, SHA-256, licence, included or not
    paper-<commit>/documents/<lang>/         the built documents, journal DOCX and figures
    paper-<commit>/diff/<base>/              the diff against the base revision
    paper-<commit>/checksums/                SHA-256 of the documents and of every output
    paper-<commit>/provenance.json           the build's provenance manifest
    paper-<commit>/wheels/                   with --wheels: the locked wheels (offline install)

The archive is deterministic in form: entries sorted, dated SOURCE_DATE_EPOCH,
owned by 0:0, modes 644/755, gzip header without name or time. (Its bytes still
differ between runs: the receipt records when the build ran and how long it took.)

Whether a pinned source may be copied into the bundle is decided from its
``licence`` in the config (``redistribution``); a source that may not is listed
with its URL and checksum only, and the rebuild then fetches it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import platform
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from paperkit.acquire import AcquireError, Source, acquire, sha256_of
from paperkit.reproducibility import (
    clone_and_build,
    configured_mirror,
    format_manifest,
    output_hashes,
    parse_manifest,
)
from paperkit.snakefile import last_commit_time

DIFF_FOLDER = "manuscript/build/diff"

# A licence that allows copies to be passed on (with attribution where it asks for it)…
REDISTRIBUTABLE = re.compile(
    r"\bCC[ -]?BY\b|\bCC0\b|\bMIT\b|\bBSD\b|\bApache\b|\bODbL\b|public domain|"
    r"open government licence|reuse (is authori[sz]ed )?with attribution|"
    r"reproduction is authori[sz]ed",
    re.IGNORECASE,
)
# …unless the text also restricts it (a restriction on any part wins).
RESTRICTED = re.compile(
    r"no redistribution|not (be )?redistribut|all rights reserved|non-?commercial|"
    r"\bCC[ -]?BY[ -]?(NC|ND)|no derivatives|proprietary|by permission|restricted|"
    r"registered users|terms of use",
    re.IGNORECASE,
)


def redistribution(licence: str) -> tuple[bool, str]:
    """Whether a source under ``licence`` (the config's text) may be copied into the
    bundle, and why. Conservative: only a licence text that names a licence known to
    allow redistribution, and names no restriction, is copied."""
    if restriction := RESTRICTED.search(licence):
        return False, f"the licence restricts redistribution ({restriction.group(0)!r})"
    if allowed := REDISTRIBUTABLE.search(licence):
        return True, f"redistributable with attribution ({allowed.group(0)})"
    return False, "the licence names no licence known to allow redistribution"


# --------------------------------------------------------------------------- git


def git(tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=tree, capture_output=True, text=True, check=True
    ).stdout.strip()


def tracked_files(tree: Path) -> dict[str, int]:
    """The files of the commit checked out in ``tree``: path → mode (0o755 or 0o644)."""
    files = {}
    for line in git(tree, "ls-files", "--stage", "-z").split("\0"):
        if not line:
            continue
        meta, name = line.split("\t", 1)
        files[name] = 0o755 if meta.split()[0] == "100755" else 0o644
    return dict(sorted(files.items()))


# --------------------------------------------------------------------------- sources


def pinned_sources(tree: Path, base: str | None) -> list[dict]:
    """Every file pinned by the commit's config and by the base revision's (whose
    build the diff reads), with the decision whether it may be copied."""
    configs = [("commit", (tree / "config" / "config.yaml").read_text(encoding="utf-8"))]
    if base:
        configs.append(("base", git(tree, "show", f"{base}:config/config.yaml")))
    by_path: dict[str, dict] = {}
    for side, text in configs:
        for name, entry in yaml.safe_load(text)["sources"].items():
            known = by_path.get(entry["path"])
            if known and known["sha256"] == entry["sha256"].lower():
                known["pinned_by"].append(side)
                continue
            if known:  # the same mirror path pinned to two files: only the commit's fits
                continue
            included, reason = redistribution(entry["licence"])
            by_path[entry["path"]] = {
                "name": name,
                "path": entry["path"],
                "url": entry["url"],
                "sha256": entry["sha256"].lower(),
                "licence": entry["licence"],
                "release": entry.get("release", ""),
                "pinned_by": [side],
                "included": included,
                "reason": reason,
            }
    return sorted(by_path.values(), key=lambda s: s["path"])


def gather_sources(tree: Path, sources: list[dict], folder: Path, mirror: Path | None) -> None:
    """Copy every source that may be redistributed to ``folder`` at its mirror path,
    checksum-verified: from the build's local store, else the mirror, else its URL."""
    store = tree / "data" / "raw" / "sources" / ".store"
    for entry in sources:
        if not entry["included"]:
            continue
        source = Source.from_config(entry["name"], entry)
        target = folder / entry["path"]
        built = tree / "data" / "raw" / "sources" / f"{entry['name']}.rda"
        if built.is_file() and sha256_of(built) == source.sha256:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(built.read_bytes())
            continue
        try:
            acquire(source, target, mirror, store=store)
        except AcquireError as error:
            raise RuntimeError(f"cannot put {entry['path']} into the bundle: {error}") from None


# --------------------------------------------------------------------------- checks


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


# --------------------------------------------------------------------------- texts


def environment() -> dict:
    import pypandoc

    from paperkit.provenance import package_versions

    versions = package_versions(["snakemake", "typst", "pypandoc-binary", "pandas", "numpy"])
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pandoc": pypandoc.get_pandoc_version(),
        **versions,
    }


def readme(commit: str, epoch: int, base: str | None, wheels: bool, sources: list[dict]) -> str:
    pip = 'PIP_NO_INDEX=1 PIP_FIND_LINKS="$PWD/wheels" ' if wheels else ""
    by_url = [s for s in sources if not s["included"]]
    lines = [
        f"# Reviewer bundle of commit {commit[:12]}",
        "",
        "Rebuild the paper and check that every document has the same bytes as ours",
        "(Python 3.11 and `make`; run both from this folder):",
        "",
        "```sh",
        f'{pip}SOURCE_DATE_EPOCH={epoch} PAPER_DATA_MIRROR="$PWD/mirror" \\',
        "    make -C source paper journal",
        "sha256sum -c checksums/documents.sha256",
        "```",
        "",
        "The first command installs the locked environment (`source/requirements/runtime.txt`,",
        "every package hash-checked) into `source/.venv`, then builds the paper, the journal's",
        "DOCX and its figures from the pinned sources in `mirror/`. "
        + (
            "The wheels of the lock are in `wheels/`: nothing is downloaded."
            if wheels
            else "The packages come from PyPI (or a wheel folder named by `PIP_FIND_LINKS` with "
            "`PIP_NO_INDEX=1`); the build itself needs no network."
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
        f"- **Environment** Python {env['python']} on {env['platform']}; Snakemake "
        f"{env.get('snakemake', '?')}, Pandoc {env['pandoc']}, Typst {env.get('typst', '?')} "
        f"(typst-py); lock `requirements/runtime.txt` sha256 `{lock_digest[:16]}…`, "
        "installed hash-checked",
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
        "installing the environment from the lock needs PyPI unless a wheel folder is given "
        "(`make bundle WHEELS=1` puts one in the bundle).",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- RO-Crate

PROFILES = {
    "https://w3id.org/ro/wfrun/process/0.5": ("Process Run Crate", "0.5"),
    "https://w3id.org/ro/wfrun/workflow/0.5": ("Workflow Run Crate", "0.5"),
    "https://w3id.org/workflowhub/workflow-ro-crate/1.0": ("Workflow RO-Crate", "1.0"),
}
WORKFLOW_RUN_CONTEXT = "https://w3id.org/ro/terms/workflow-run/context"
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "MIT": "https://spdx.org/licenses/MIT",
}


def crate_metadata(
    commit: str,
    epoch: int,
    files: dict[str, str],
    sources: list[dict],
    documents: list[str],
    diff: list[str],
    started: float,
    ended: float,
    title: str,
) -> str:
    """ro-crate-metadata.json of the bundle (``files``: every file's path → sha256),
    written by the ``rocrate`` library: a Workflow Run Crate whose main entity is the
    Snakefile, and one CreateAction (its build) from the sources to the documents."""
    from rocrate.model.contextentity import ContextEntity
    from rocrate.rocrate import ROCrate

    def iso(seconds: float) -> str:
        return datetime.fromtimestamp(int(seconds), UTC).isoformat()

    crate = ROCrate(version="1.1")
    crate.metadata.extra_contexts.append(WORKFLOW_RUN_CONTEXT)
    root = crate.root_dataset
    root["name"] = f"{title} (reviewer bundle of {commit[:12]})"
    root["description"] = (
        "Sources, pinned data, built documents, the diff against the previous revision and "
        "a receipt of the build, from which the documents can be rebuilt offline (README.md)."
    )
    root["datePublished"] = iso(epoch)
    root["version"] = commit
    root["license"] = [{"@id": url} for url in LICENCE_URLS.values()]
    for url, (name, version) in PROFILES.items():
        crate.add(
            ContextEntity(crate, url, {"@type": "CreativeWork", "name": name, "version": version})
        )
    root["conformsTo"] = [{"@id": url} for url in PROFILES]
    for name, url in LICENCE_URLS.items():
        crate.add(ContextEntity(crate, url, {"@type": "CreativeWork", "name": name}))

    def add_file(path: str, **properties):
        properties = {"sha256": files[path], **properties} if path in files else properties
        return crate.add_file(None, path, properties=properties)

    workflow = crate.add_workflow(
        None,
        "source/Snakefile",
        main=True,
        lang="snakemake",
        properties={"name": title, "sha256": files["source/Snakefile"]},
    )
    source = crate.add_dataset(
        None, "source/", properties={"name": f"The sources of commit {commit}"}
    )
    lock = add_file(
        "source/requirements/runtime.txt",
        name="The locked environment (pip, every package hash-checked)",
        encodingFormat="text/plain",
    )
    config = add_file("source/config/config.yaml", name="The build's configuration")
    inputs = [config, lock]
    for entry in sources:
        properties = {
            "name": f"Pinned source {entry['name']} ({entry['release']})",
            "sha256": entry["sha256"],
            "contentUrl": entry["url"],
            "license": entry["licence"],
            "description": entry["reason"],
        }
        if entry["included"]:
            inputs.append(add_file(f"mirror/{entry['path']}", **properties))
        else:  # a web-based data entity: not in the bundle
            inputs.append(crate.add_file(entry["url"], properties=properties))
    results = [add_file(path) for path in documents]
    results += [add_file(path) for path in diff]
    for path, name in (
        ("README.md", "How to rebuild and check the documents"),
        ("RECEIPT.md", "Receipt: commit, environment, what was verified, timings"),
        ("sources.json", "Every pinned source: URL, checksum, licence, in the bundle or not"),
        ("provenance.json", "For every output: the rule, script and inputs that made it"),
        ("checksums/documents.sha256", "SHA-256 of the documents (sha256sum -c)"),
        ("checksums/outputs.sha256", "SHA-256 of every output of the build"),
        ("history.bundle", "The git history of the sources (git clone history.bundle)"),
    ):
        if path in files:
            add_file(path, name=name)
    action = crate.add_action(
        workflow,
        identifier=f"#build-{commit[:12]}",
        object=[source, *inputs],
        result=results,
        properties={
            "name": f"Clean build of commit {commit[:12]}",
            "startTime": iso(started),
            "endTime": iso(ended),
            "actionStatus": {"@id": "http://schema.org/CompletedActionStatus"},
        },
    )
    variable = crate.add(
        ContextEntity(
            crate,
            "#SOURCE_DATE_EPOCH",
            {"@type": "PropertyValue", "name": "SOURCE_DATE_EPOCH", "value": str(epoch)},
        )
    )
    action["environment"] = [variable]
    root["mentions"] = [action]
    with tempfile.TemporaryDirectory(prefix="crate-") as scratch:
        crate.metadata.write(Path(scratch))
        return (Path(scratch) / "ro-crate-metadata.json").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- archive


def write_archive(target: Path, entries: dict[str, tuple[bytes | Path, int]], epoch: int) -> None:
    """A .tar.gz of ``entries`` (archive name → (bytes or file, mode)), deterministic in
    form: sorted, with their folders, dated ``epoch``, owner 0:0, no names in the gzip
    header."""
    folders = {str(Path(name).parent) for name in entries} - {"."}
    for folder in list(folders):
        parts = Path(folder).parts
        folders |= {str(Path(*parts[:k])) for k in range(1, len(parts))}
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.tmp")
    with (
        open(temp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=epoch, compresslevel=6) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for name in sorted(folders | entries.keys()):
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = epoch, 0, 0, "", ""
            if name in folders:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
                continue
            content, mode = entries[name]
            data = content if isinstance(content, bytes) else content.read_bytes()
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    temp.replace(target)


def wheelhouse(tree: Path, folder: Path) -> None:
    """The wheels of the runtime lock, hash-checked (pip download; needs PyPI or a cache).
    A package published only as a source distribution comes as the wheel the repository
    keeps for it (``requirements/wheels``, its hash in the lock)."""
    local = tree / "requirements" / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--require-hashes",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version=3.11",
            *(["--find-links", str(local)] if local.is_dir() else []),
            "-r",
            str(tree / "requirements" / "runtime.txt"),
            "-d",
            str(folder),
        ],
        check=True,
    )


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
        subprocess.run(
            ["git", "-c", "pack.threads=1", "bundle", "create", "--quiet", str(history), "HEAD"],
            cwd=tree,
            check=True,
            capture_output=True,
        )
        entries["history.bundle"] = (history.read_bytes(), 0o644)
        sources = pinned_sources(tree, base)
        gather_sources(tree, sources, scratch / "mirror", mirror)
        for entry in sources:
            if entry["included"]:
                entries[f"mirror/{entry['path']}"] = (
                    (scratch / "mirror" / entry["path"]).read_bytes(),
                    0o644,
                )
        if wheels is not None:
            for wheel in sorted(wheels.glob("*.whl")):
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
        readme(commit, epoch, base, wheels is not None, sources).encode(),
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
        environment(),
        checks,
        timings,
        len(documents),
        sha256_of(tree / "requirements" / "runtime.txt"),
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


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD~1", help="revision the diff compares with")
    parser.add_argument("--no-diff", action="store_true", help="leave the diff out")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--output", type=Path, default=Path("manuscript/build"))
    parser.add_argument("--wheels", action="store_true", help="include the locked wheels")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if not (root / "Snakefile").is_file():
        sys.exit("run from the repository root")
    if git(root, "status", "--porcelain", "--untracked-files=no"):
        print(
            "note: uncommitted changes are not part of the bundle (it is of HEAD)", file=sys.stderr
        )
    base = None if args.no_diff else git(root, "rev-parse", "--short=12", f"{args.base}^{{commit}}")
    targets = ["all", "journal"] + ([f"{DIFF_FOLDER}/{base}/summary.md"] if base else [])
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="paper-bundle-") as scratch:
        clock = time.perf_counter()
        try:
            clone = clone_and_build(root, Path(scratch), targets, cores=args.cores)
        except RuntimeError as error:
            sys.exit(str(error))
        timings = {"build": time.perf_counter() - clock}
        print(f"clean build in {clone}: {timings['build']:.1f} s", file=sys.stderr)
        wheels = None
        if args.wheels:
            wheels = Path(scratch) / "wheels"
            wheelhouse(clone, wheels)
        archive = write_bundle(
            clone,
            (root / args.output).resolve(),
            base=base,
            timings=timings,
            started=started,
            wheels=wheels,
            mirror=configured_mirror(root),
        )
    size = archive.stat().st_size
    print(
        f"wrote {archive.relative_to(root) if archive.is_relative_to(root) else archive} "
        f"({size / 2**20:.1f} MiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

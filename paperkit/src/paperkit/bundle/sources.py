"""The pinned sources of the bundle: which files the commit's and the base revision's
configs pin, which of them may be copied (their licence, ``licences``), and the
copies themselves, checksum-verified."""

from __future__ import annotations

from pathlib import Path

import yaml

from paperkit.acquire import AcquireError, Source, acquire, sha256_of
from paperkit.bundle.git import git
from paperkit.bundle.licences import LicenceError, check_refs, licence_lines, redistribution

CONFIG = "config/config.yaml"


def decided(entry: dict, refs: dict, where: str, strict: bool) -> tuple[bool, str]:
    """Whether the source ``entry`` may be copied, and why. ``strict``: an invalid
    licence is an error (the commit's config, which the author can fix); otherwise
    (an earlier revision's, written before licences were SPDX expressions) the source
    is left to its URL, with the reason."""
    try:
        return redistribution(entry["licence"], refs, where)
    except LicenceError as error:
        if strict:
            raise
        return False, f"its licence is not an SPDX expression ({error})"


def pinned_sources(tree: Path, base: str | None) -> list[dict]:
    """Every file pinned by the commit's config and by the base revision's (whose
    build the diff reads), with the decision whether it may be copied. A licence of
    the commit's config that is not a valid SPDX expression is a LicenceError naming
    the file, the line, the source and the value."""
    configs = [("commit", (tree / CONFIG).read_text(encoding="utf-8"), CONFIG)]
    if base:
        configs.append(("base", git(tree, "show", f"{base}:{CONFIG}"), f"{base}:{CONFIG}"))
    by_path: dict[str, dict] = {}
    for side, text, origin in configs:
        config = yaml.safe_load(text)
        strict = side == "commit"
        try:
            refs = check_refs(config.get("licence_refs"), origin)
        except LicenceError:
            if strict:
                raise
            refs = {}
        lines = licence_lines(text)
        for name, entry in config["sources"].items():
            known = by_path.get(entry["path"])
            if known and known["sha256"] == entry["sha256"].lower():
                known["pinned_by"].append(side)
                continue
            if known:  # the same mirror path pinned to two files: only the commit's fits
                continue
            where = f"{origin}, line {lines.get(name, '?')} (sources.{name}.licence)"
            included, reason = decided(entry, refs, where, strict)
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

"""Acquire the pinned statistical sources: download or copy, verify, write atomically.

Standard library only, so that the acquire jobs start fast. A source is read by
nothing else until its SHA-256 matches the pin; a failure leaves no file behind
(the bytes go to a temporary file in the target folder and are renamed into
place only after verification).

Two guards keep a stored source honest:

- every build hashes each stored copy against its pin when it builds its DAG
  (``unpinned_digest``, read only, also in a dry run); a copy that differs
  (corrupted, truncated, or left from an earlier pin) is moved to ``rejected/``
  beside it by a job of that build (``set_aside``), never deleted, and the build
  acquires the pinned file;
- every verified file is also kept in a local store named by its checksum
  (``.store/<sha256>.rda``), so that re-acquiring a pin seen before (a moved pin
  moved back, a corrupted copy) needs neither the network nor the mirror, and a
  failed run never loses raw data.

Why not pooch: ``pooch.retrieve`` downloads, hashes and caches, but it has no
mirror-folder fallback (offline builds copy from ``$PAPER_DATA_MIRROR``), it
replaces a cached file whose hash differs instead of keeping it (here a damaged or
superseded copy is set aside, never lost), and it would bring requests and
platformdirs into a job that starts on the standard library alone. What Snakemake
offers is used beside this module: the rule declares each pin on its output with
``ensure(sha256=)``, so that Snakemake checks every acquired file once more after
the job (tests/test_acquire_contract.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, count
from pathlib import Path, PurePosixPath

from paperkit.atomic import atomic_path

MIRROR_ENV = "PAPER_DATA_MIRROR"
CHUNK = 1 << 20


class AcquireError(RuntimeError):
    """A source could not be obtained or did not match its pin."""


@dataclass(frozen=True)
class Source:
    """One pinned source file, as declared in config['sources']."""

    name: str
    path: str  # relative path, shared by the target folder and the mirror
    url: str
    sha256: str
    licence: str

    def __post_init__(self) -> None:
        # The path is joined to the mirror and to the target folder: one that is absolute
        # or climbs out with '..' would read or write outside them.
        path = PurePosixPath(self.path)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise AcquireError(
                f"config sources.{self.name}.path: {self.path!r} leaves the mirror's folder; "
                f"give a relative path without '..' (e.g. 'iom-gdidata/frontex.rda')"
            )

    @classmethod
    def from_config(cls, name: str, entry: dict) -> Source:
        return cls(name, entry["path"], entry["url"], entry["sha256"].lower(), entry["licence"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_mirror(configured: str | None) -> Path | None:
    """The mirror folder: the environment variable wins over the config key."""
    chosen = os.environ.get(MIRROR_ENV) or configured
    return Path(chosen).expanduser() if chosen else None


def _copy_from_mirror(source: Source, mirror: Path, temp: Path) -> str:
    origin = mirror / source.path
    if not origin.is_file():
        raise AcquireError(
            f"{source.name}: {origin} is not in the mirror {mirror}. "
            f"Fix the mirror (config 'mirror_dir' or ${MIRROR_ENV}) or unset it to download "
            f"from {source.url}."
        )
    shutil.copyfile(origin, temp)
    return f"mirror:{origin.resolve()}"


def _download(source: Source, temp: Path, timeout: float) -> str:
    try:
        with (
            urllib.request.urlopen(source.url, timeout=timeout) as response,
            open(temp, "wb") as out,
        ):
            shutil.copyfileobj(response, out, CHUNK)
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        raise AcquireError(
            f"{source.name}: could not download {source.url}: {error}. "
            f"Check the network, or point ${MIRROR_ENV} (or config 'mirror_dir') at a folder "
            f"that holds {source.path}."
        ) from error
    return source.url


def store_path(store: Path, sha256: str) -> Path:
    """Where the local store (a folder) keeps the verified file with this checksum."""
    return store / f"{sha256}.rda"


def unpinned_digest(source: Source, folder: Path) -> str | None:
    """The SHA-256 of the stored copy ``folder/<name>.rda`` when it differs from its pin;
    None when it matches or is absent. Only reads: the workflow asks it of every stored
    source whenever it builds its DAG (also in a dry run)."""
    stored = folder / f"{source.name}.rda"
    if not stored.is_file():
        return None
    actual = sha256_of(stored)
    return None if actual == source.sha256 else actual


def rejected_path(source: Source, folder: Path, actual: str) -> Path:
    """Where a stored copy with SHA-256 ``actual`` that is not its pin's is set aside:
    ``folder/rejected/<name>.<first 12 hex digits>.rda``, or with ``-2``, ``-3``, ... when
    a copy with those bytes was set aside before (nothing set aside is overwritten)."""
    first = folder / "rejected" / f"{source.name}.{actual[:12]}.rda"
    candidates = (first.with_name(f"{source.name}.{actual[:12]}-{n}.rda") for n in count(2))
    return next(path for path in chain([first], candidates) if not path.exists())


def last_set_aside(record: Path) -> list[str]:
    """The copy set aside before the pinned file was last acquired, as the provenance
    record ``record`` names it (``set_aside``), while it is still in the rejected
    folder; else nothing. Only reads."""
    try:
        named = json.loads(record.read_text(encoding="utf-8")).get("set_aside")
    except (OSError, ValueError, AttributeError):
        return []
    return [named] if named and Path(named).is_file() else []


def set_aside(source: Source, folder: Path, target: Path) -> str | None:
    """Move the stored copy of ``source`` (and its provenance record) to ``target`` in the
    rejected folder when it does not match its pin, so that the build acquires the pinned
    file instead of trusting it. Returns the message naming the file, both hashes and what
    happens next; None, moving nothing, when the copy matches its pin or is absent (a
    verified copy is never set aside, and nothing already set aside is overwritten)."""
    stored = folder / f"{source.name}.rda"
    if (actual := unpinned_digest(source, folder)) is None or target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(stored, target)
    record = folder / f"{source.name}.provenance.json"
    if record.is_file():
        os.replace(record, target.with_suffix(".provenance.json"))
    return (
        f"{stored} does not match its pin (expected sha256 {source.sha256}, actual "
        f"{actual}): moved to {target}; the pinned file is acquired again."
    )


def acquire(
    source: Source,
    target: Path,
    mirror: Path | None,
    timeout: float = 60.0,
    store: Path | None = None,
) -> dict:
    """Fetch ``source`` to ``target``; return its provenance.

    The file comes from the local store (``store``, see ``store_path``) when it
    holds the pinned checksum, else from the mirror if given, else from its URL;
    a verified file fetched from the mirror or URL is added to the store.
    Raises AcquireError on a network failure, a missing mirror file or a checksum
    mismatch; in every case ``target`` is left untouched.
    """
    kept = store_path(store, source.sha256) if store else None
    if kept is not None and kept.is_file() and sha256_of(kept) == source.sha256:
        with atomic_path(target) as temp:
            shutil.copyfile(kept, temp)
        return {**_provenance(source, f"store:{kept}"), **_stored_record(kept)}
    with atomic_path(target) as temp:
        origin = (
            _copy_from_mirror(source, mirror, temp) if mirror else _download(source, temp, timeout)
        )
        actual = sha256_of(temp)
        if actual != source.sha256:
            raise AcquireError(
                f"{source.name}: checksum mismatch for {source.path} (from {origin}).\n"
                f"  expected sha256 {source.sha256}\n  actual   sha256 {actual}\n"
                "The file is not the pinned release. If the source really published a new "
                "release, update 'url' and 'sha256' in config/config.yaml deliberately; "
                "otherwise restore the mirror copy or re-download."
            )
    provenance = _provenance(source, origin)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(kept) as temp:
            shutil.copyfile(target, temp)
        with atomic_path(kept.with_suffix(".json")) as temp:
            temp.write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    return provenance


def _provenance(source: Source, origin: str) -> dict:
    return {
        "source": source.name,
        "path": source.path,
        "url": source.url,
        "sha256": source.sha256,
        "licence": source.licence,
        "obtained_from": origin,
        "retrieved_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def _stored_record(kept: Path) -> dict:
    """Where and when the stored copy was first obtained (its record in the store)."""
    record = kept.with_suffix(".json")
    if not record.is_file():
        return {}
    first = json.loads(record.read_text(encoding="utf-8"))
    return {
        "first_obtained_from": first["obtained_from"],
        "first_retrieved_at": first["retrieved_at"],
    }

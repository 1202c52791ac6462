"""Acquire the pinned statistical sources: download or copy, verify, write atomically.

Standard library only, so that the acquire jobs start fast. A source is read by
nothing else until its SHA-256 matches the pin; a failure leaves no file behind
(the bytes go to a temporary file in the target folder and are renamed into
place only after verification).

Two guards keep a stored source honest:

- every build starts by hashing each stored copy against its pin
  (``set_aside_unpinned``, called when the workflow is parsed); a copy that
  differs (corrupted, truncated, or left from an earlier pin) is moved to
  ``rejected/`` beside it, never deleted, and the build acquires the pinned file;
- every verified file is also kept in a local store named by its checksum
  (``.store/<sha256>.rda``), so that re-acquiring a pin seen before (a moved pin
  moved back, a corrupted copy) needs neither the network nor the mirror, and a
  failed run never loses raw data.
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
from pathlib import Path

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


def set_aside_unpinned(sources: list[Source], folder: Path) -> list[str]:
    """Hash every stored source against its pin; move each copy that differs aside.

    A copy at ``folder/<name>.rda`` whose SHA-256 is not its pin's is moved to
    ``folder/rejected/<name>.<first 12 hex digits of its hash>.rda`` (with its
    provenance record), so that the build acquires the pinned file instead of
    trusting it. Returns one message per copy moved, naming the file, both hashes
    and what happens next.
    """
    messages = []
    for source in sources:
        stored = folder / f"{source.name}.rda"
        if not stored.is_file():
            continue
        actual = sha256_of(stored)
        if actual == source.sha256:
            continue
        rejected = folder / "rejected" / f"{source.name}.{actual[:12]}.rda"
        rejected.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stored, rejected)
        record = folder / f"{source.name}.provenance.json"
        if record.is_file():
            os.replace(record, rejected.with_suffix(".provenance.json"))
        messages.append(
            f"{stored} does not match its pin (expected sha256 {source.sha256}, actual "
            f"{actual}): moved to {rejected}; the pinned file is acquired again."
        )
    return messages


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

"""Acquire the pinned statistical sources: download or copy, verify, write atomically.

Standard library only, so that the acquire jobs start fast. A source is read by
nothing else until its SHA-256 matches the pin; a failure leaves no file behind
(the bytes go to a temporary file in the target folder and are renamed into
place only after verification).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis.atomic import atomic_path

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


def acquire(source: Source, target: Path, mirror: Path | None, timeout: float = 60.0) -> dict:
    """Fetch ``source`` to ``target`` (mirror if given, else its URL); return its provenance.

    Raises AcquireError on a network failure, a missing mirror file or a checksum
    mismatch; in every case ``target`` is left untouched.
    """
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
    return {
        "source": source.name,
        "path": source.path,
        "url": source.url,
        "sha256": source.sha256,
        "licence": source.licence,
        "obtained_from": origin,
        "retrieved_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }

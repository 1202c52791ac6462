"""A .tar.gz whose form does not depend on when or where it was written."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path


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

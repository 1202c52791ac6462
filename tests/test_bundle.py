"""The reviewer bundle (`make bundle`, paperkit.bundle).

Fast: the archive's deterministic form (the licences: tests/test_licences.py). End
to end: the revised repository of test_trackdiff (two commits, built, with the diff
between them) is bundled; its RO-Crate metadata reads back with the `rocrate`
library; unpacked in a temporary folder, the README's two commands rebuild the
documents without network (the environment is this test's own: installing it from
the lock is the one step that needs PyPI or a wheel folder) and every document has
the bytes recorded in the bundle.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from paperkit.bundle.archive import write_archive
from paperkit.bundle.pack import write_bundle
from tests.conftest import EPOCH
from tests.test_trackdiff import build_revised

# --------------------------------------------------------------------------- fast


def test_archive_is_deterministic(tmp_path):
    entries = {
        "top/b.txt": (b"bee\n", 0o644),
        "top/a/run.sh": (b"#!/bin/sh\n", 0o755),
        "top/ü.txt": ("ü\n".encode(), 0o644),
    }
    first, second = tmp_path / "one.tar.gz", tmp_path / "two.tar.gz"
    write_archive(first, entries, 1700000000)
    time.sleep(1.1)
    write_archive(second, dict(reversed(entries.items())), 1700000000)
    assert first.read_bytes() == second.read_bytes()
    header = first.read_bytes()[:10]  # gzip: magic, method, flags, mtime (no file name)
    assert header[:2] == b"\x1f\x8b" and header[3] == 0
    assert int.from_bytes(header[4:8], "little") == 1700000000
    with tarfile.open(first) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == ["top", "top/a", "top/a/run.sh", "top/b.txt", "top/ü.txt"]
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {
        (1700000000, 0, 0, "", "")
    }
    assert {m.name: m.mode for m in members}["top/a/run.sh"] == 0o755


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="session")
def revised(tmp_path_factory, built, mirror) -> dict:
    return build_revised(tmp_path_factory, built, mirror)


@pytest.fixture(scope="session")
def bundle(revised, tmp_path_factory, mirror) -> dict:
    out = tmp_path_factory.mktemp("bundle")
    started = time.perf_counter()
    archive = write_bundle(
        revised["repo"],
        out,
        base=revised["base"],
        timings={"build": 0.0},
        started=time.time(),
        epoch=int(EPOCH),
        mirror=mirror,
    )
    seconds = time.perf_counter() - started
    with tarfile.open(archive) as tar:
        tar.extractall(out / "unpacked", filter="data")
    (folder,) = (out / "unpacked").iterdir()
    return {"archive": archive, "folder": folder, "seconds": seconds}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.e2e
def test_bundle_holds_what_a_reviewer_needs(bundle, revised):
    folder = bundle["folder"]
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=revised["repo"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert folder.name == f"paper-{head[:12]}"
    assert bundle["archive"].name == f"bundle-{head[:12]}.tar.gz"
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=revised["repo"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(
        p.relative_to(folder / "source").as_posix()
        for p in (folder / "source").rglob("*")
        if p.is_file()
    ) == sorted(tracked)
    assert (folder / "source/requirements/runtime.txt").is_file()  # the lock
    for lang in ("en", "tr"):
        for name in ("paper.pdf", "paper.html", "paper.docx", "paper-journal.docx"):
            assert (folder / "documents" / lang / name).is_file()
        assert list((folder / "documents" / lang / "figures").glob("figure-01-*.png"))
        for ext in ("docx", "html", "pdf"):
            assert (folder / "diff" / revised["base"] / lang / f"paper-diff.{ext}").is_file()
    sources = json.loads((folder / "sources.json").read_text(encoding="utf-8"))
    assert all(s["included"] for s in sources)
    # the moved pin and the base's: both releases of asylum_applications are in the mirror
    paths = {s["path"] for s in sources}
    assert {
        "unhcr-refugees/asylum_applications.rda",
        "unhcr-refugees-2024/asylum_applications.rda",
    } <= paths
    for line in (folder / "mirror/SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert sha256(folder / "mirror" / name) == digest
    receipt = (folder / "RECEIPT.md").read_text(encoding="utf-8")
    assert (
        head in receipt and "## What was verified" in receipt and "## How long it took" in receipt
    )
    assert len(receipt.splitlines()) < 45  # one page
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert (
        f"SOURCE_DATE_EPOCH={EPOCH}" in readme
        and "sha256sum -c checksums/documents.sha256" in readme
    )
    # the history clones back to the same commit (`git bundle verify` needs a repository
    # before git 2.40, so the test clones it instead)
    clone = folder.parent / "history-clone"
    subprocess.run(
        ["git", "clone", "--quiet", str(folder / "history.bundle"), str(clone)],
        capture_output=True,
        check=True,
    )
    cloned = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert cloned == head


@pytest.mark.e2e
def test_crate_metadata_reads_back_with_rocrate(bundle):
    from rocrate.rocrate import ROCrate

    folder = bundle["folder"]
    crate = ROCrate(folder)
    assert crate.mainEntity.id == "source/Snakefile"
    assert "ComputationalWorkflow" in crate.mainEntity.type
    profiles = {p.id for p in crate.root_dataset["conformsTo"]}
    assert "https://w3id.org/ro/wfrun/workflow/0.5" in profiles
    (action,) = crate.root_dataset["mentions"]
    assert action.type == "CreateAction" and action["instrument"].id == "source/Snakefile"
    results = [entity.id for entity in action["result"]]
    assert "documents/en/paper.pdf" in results and "documents/tr/paper-journal.docx" in results
    assert any(r.startswith("diff/") for r in results)
    objects = [entity.id for entity in action["object"]]
    assert "source/requirements/runtime.txt" in objects
    assert any(o.startswith("mirror/") for o in objects)
    checked = 0
    for entity in crate.get_entities():
        if "File" in entity.type and not entity.id.startswith("http") and entity.get("sha256"):
            assert sha256(folder / entity.id) == entity["sha256"], entity.id
            checked += 1
    assert checked > 20
    metadata = json.loads((folder / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    assert "https://w3id.org/ro/terms/workflow-run/context" in metadata["@context"]


def offline() -> list[str]:
    """A prefix that runs a command without network: a new network namespace when the
    system allows it (else the build still reads only the mirror, which the sources'
    provenance records show)."""
    # The namespace's loopback is brought up: the layout check's browser talks to its
    # driver on 127.0.0.1 (nothing leaves the machine).
    loopback = ["sh", "-c", 'ip link set lo up 2>/dev/null || true; exec "$@"', "sh"]
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        if (
            shutil.which(prefix[0])
            and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0
        ):
            return [*prefix, *loopback]
    return []


@pytest.mark.e2e
def test_unpacked_bundle_rebuilds_the_same_documents_offline(bundle, revised, tmp_path):
    folder = bundle["folder"]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    epoch = re.search(r"SOURCE_DATE_EPOCH=(\d+)", readme).group(1)
    # The environment: this test's own, standing in for the one `make` installs from
    # the lock (a venv whose marker is newer than the lock, so make installs nothing).
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / "bin").symlink_to(Path(sys.executable).parent)
    (venv / ".installed").touch()
    source = folder / "source"
    own_code = os.pathsep.join([str(source / "paperkit" / "src"), str(source / "src")])
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PAPER_DATA_MIRROR": str(folder / "mirror")}
    env |= {"PYTHONPATH": own_code, "CI": "true"}
    env |= {
        key: "http://127.0.0.1:9"
        for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")
    }
    env |= {key: "127.0.0.1,localhost" for key in ("no_proxy", "NO_PROXY")}
    prefix = offline()
    started = time.perf_counter()
    run = subprocess.run(
        [*prefix, "make", "-C", "source", "paper", "journal", f"VENV={venv}", "CORES=2"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    check = subprocess.run(
        ["sha256sum", "-c", "checksums/documents.sha256"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    compared = [line for line in check.stdout.splitlines() if line.endswith(": OK")]
    assert len(compared) > 20
    # the same bytes as the documents of the revised repository itself
    for line in (folder / "checksums/documents.sha256").read_text().splitlines():
        digest, name = line.split("  ")
        assert sha256(revised["repo"] / name.removeprefix("source/")) == digest
    for record in (source / "data/raw/sources").glob("*.provenance.json"):
        origin = json.loads(record.read_text(encoding="utf-8"))["obtained_from"]
        assert origin.startswith("mirror:"), origin
    print(f"\nrebuilt {len(compared)} documents in {seconds:.0f} s (offline: {prefix or 'proxy'})")

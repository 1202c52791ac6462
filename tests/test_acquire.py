"""Acquisition: mirror copy, real HTTP download, checksum mismatch, unreachable source."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from pathlib import Path

import pytest

from paperkit.acquire import (
    AcquireError,
    Source,
    acquire,
    last_set_aside,
    rejected_path,
    resolve_mirror,
    set_aside,
    sha256_of,
    unpinned_digest,
)
from tests.conftest import pinned_sources


@pytest.fixture
def frontex(config) -> Source:
    return Source.from_config("frontex", config["sources"]["frontex"])


@pytest.fixture
def http_mirror(mirror):
    """A real HTTP server on 127.0.0.1 serving the mirror folder."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(mirror))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_every_pinned_source_is_in_the_mirror_with_its_checksum(mirror):
    """The mirror's files themselves hash to their pins (the config's and every release
    overlay's; those of conftest.UNMIRRORED_RELEASES where the mirror holds them), not
    only a checksum list written beside them."""
    required = pinned_sources(mirrored_only=True)
    for path, entry in sorted(pinned_sources().items()):
        if path not in required and not (mirror / path).is_file():
            continue
        assert sha256_of(mirror / path) == entry["sha256"], f"{entry['name']}: {path}"


def test_copy_from_mirror_verifies_and_records_provenance(frontex, mirror, tmp_path):
    target = tmp_path / "frontex.rda"
    provenance = acquire(frontex, target, mirror)
    assert sha256_of(target) == frontex.sha256
    assert provenance["obtained_from"].startswith("mirror:")
    assert provenance["sha256"] == frontex.sha256
    assert provenance["licence"] == frontex.licence
    assert provenance["retrieved_at"].endswith("+00:00")


def test_download_over_http(frontex, http_mirror, tmp_path):
    source = Source(
        frontex.name, frontex.path, f"{http_mirror}/{frontex.path}", frontex.sha256, frontex.licence
    )
    target = tmp_path / "frontex.rda"
    provenance = acquire(source, target, mirror=None, timeout=10)
    assert sha256_of(target) == frontex.sha256
    assert provenance["obtained_from"] == source.url


def test_mismatch_stops_and_keeps_the_good_file(frontex, mirror, tmp_path):
    corrupted = tmp_path / "mirror"
    (corrupted / Path(frontex.path).parent).mkdir(parents=True)
    data = bytearray((mirror / frontex.path).read_bytes())
    data[100] ^= 0xFF
    (corrupted / frontex.path).write_bytes(bytes(data))
    target = tmp_path / "out" / "frontex.rda"
    target.parent.mkdir()
    target.write_bytes(b"earlier good copy")
    with pytest.raises(AcquireError) as error:
        acquire(frontex, target, corrupted)
    message = str(error.value)
    assert "checksum mismatch" in message and frontex.sha256 in message
    assert sha256_of(corrupted / frontex.path) in message
    assert "config/config.yaml" in message  # the remedy
    assert target.read_bytes() == b"earlier good copy"
    assert list(target.parent.iterdir()) == [target]  # no temporary file left behind


def test_download_mismatch_leaves_nothing(frontex, http_mirror, tmp_path):
    other = "iom-gdidata/eu_asyapp.rda"  # a real file, but not the pinned one
    source = Source(
        frontex.name, frontex.path, f"{http_mirror}/{other}", frontex.sha256, frontex.licence
    )
    with pytest.raises(AcquireError, match="expected sha256"):
        acquire(source, tmp_path / "frontex.rda", mirror=None, timeout=10)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_source_names_file_and_remedy(frontex, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = Source(
        frontex.name,
        frontex.path,
        f"http://127.0.0.1:{port}/frontex.rda",
        frontex.sha256,
        frontex.licence,
    )
    with pytest.raises(AcquireError) as error:
        acquire(source, tmp_path / "frontex.rda", mirror=None, timeout=5)
    assert "could not download" in str(error.value)
    assert "PAPER_DATA_MIRROR" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_mirror_file_is_reported(frontex, tmp_path):
    with pytest.raises(AcquireError, match="is not in the mirror"):
        acquire(frontex, tmp_path / "frontex.rda", tmp_path)


def test_environment_variable_overrides_config(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPER_DATA_MIRROR", str(tmp_path))
    assert resolve_mirror("/elsewhere") == tmp_path
    monkeypatch.delenv("PAPER_DATA_MIRROR")
    assert resolve_mirror("/elsewhere") == Path("/elsewhere")
    assert resolve_mirror("") is None


def test_http_download_of_the_whole_mirror_matches(config, http_mirror, tmp_path):
    for name, entry in config["sources"].items():
        source = Source.from_config(name, {**entry, "url": f"{http_mirror}/{entry['path']}"})
        acquire(source, tmp_path / f"{name}.rda", mirror=None, timeout=10)
    assert len(list(tmp_path.glob("*.rda"))) == len(config["sources"])


def test_the_store_restores_a_pin_without_mirror_or_network(frontex, mirror, tmp_path):
    store = tmp_path / ".store"
    first = acquire(frontex, tmp_path / "a.rda", mirror, store=store)
    # no mirror, and a URL nobody answers: the store has the pinned bytes
    offline = Source(frontex.name, frontex.path, "http://127.0.0.1:9/x", frontex.sha256, "")
    again = acquire(offline, tmp_path / "b.rda", mirror=None, timeout=1, store=store)
    assert sha256_of(tmp_path / "b.rda") == frontex.sha256
    assert again["obtained_from"].startswith("store:")
    assert again["first_obtained_from"] == first["obtained_from"]


def test_a_stored_copy_that_differs_from_its_pin_is_set_aside(frontex, mirror, tmp_path):
    folder = tmp_path / "sources"
    acquire(frontex, folder / "frontex.rda", mirror)
    (folder / "frontex.provenance.json").write_text("{}", encoding="utf-8")
    assert unpinned_digest(frontex, folder) is None  # a matching copy stays
    target = folder / "rejected" / "frontex.000000000000.rda"
    assert set_aside(frontex, folder, target) is None and (folder / "frontex.rda").is_file()
    with open(folder / "frontex.rda", "ab") as handle:
        handle.write(b"\0")
    actual = sha256_of(folder / "frontex.rda")
    assert unpinned_digest(frontex, folder) == actual
    target = rejected_path(frontex, folder, actual)
    assert target == folder / "rejected" / f"frontex.{actual[:12]}.rda"
    message = set_aside(frontex, folder, target)
    assert str(folder / "frontex.rda") in message
    assert f"expected sha256 {frontex.sha256}, actual {actual}" in message
    assert not (folder / "frontex.rda").exists()
    assert target.is_file()
    assert (folder / "rejected" / f"frontex.{actual[:12]}.provenance.json").is_file()
    # the same bytes set aside again go beside the first copy, never over it
    (folder / "frontex.rda").write_bytes(target.read_bytes())
    second = rejected_path(frontex, folder, actual)
    assert second == folder / "rejected" / f"frontex.{actual[:12]}-2.rda"
    assert set_aside(frontex, folder, second) and second.is_file() and target.is_file()


def test_the_copy_set_aside_is_named_by_the_provenance_while_it_is_kept(tmp_path):
    record = tmp_path / "frontex.provenance.json"
    kept = tmp_path / "rejected" / "frontex.0123456789ab.rda"
    record.write_text(f'{{"set_aside": "{kept}"}}', encoding="utf-8")
    assert last_set_aside(record) == []  # not (or no longer) in the rejected folder
    kept.parent.mkdir()
    kept.write_bytes(b"x")
    assert last_set_aside(record) == [str(kept)]
    record.write_text("{}", encoding="utf-8")
    assert last_set_aside(record) == []
    assert last_set_aside(tmp_path / "missing.json") == []


@pytest.mark.parametrize(
    "path", ["../outside.rda", "iom-gdidata/../../outside.rda", "/etc/outside.rda", ""]
)
def test_a_source_path_that_leaves_the_mirrors_folder_is_refused(frontex, path):
    with pytest.raises(AcquireError, match=r"sources\.frontex\.path: .* leaves the mirror"):
        Source(frontex.name, path, frontex.url, frontex.sha256, frontex.licence)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("iom-gdidata/frontex.rda", True),
        ("a..b/x.rda", True),
        ("../outside.rda", False),
        ("iom-gdidata/../../outside.rda", False),
        ("/etc/outside.rda", False),
    ],
)
def test_the_config_schema_confines_source_paths(config, path, allowed):
    import jsonschema
    import yaml

    from tests.conftest import ROOT

    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    entry = {**config["sources"]["frontex"], "path": path}
    errors = list(
        jsonschema.Draft202012Validator(schema).iter_errors(
            {**config, "sources": {"frontex": entry}}
        )
    )
    assert (not any("path" in list(error.absolute_path) for error in errors)) == allowed

"""The bundle's RO-Crate metadata (Workflow Run Crate profile), written by the
``rocrate`` library."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

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

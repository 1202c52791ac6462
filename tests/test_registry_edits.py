"""An edit of workflow/registry.yaml rebuilds exactly what it affects, and a registry
entry that names a wrong function says so: the file, the entry, the key, the value and
the fix.

The registry entries of a drawing job (its prepare function and inputs, the draw or
build function of each of its figures and tables, the figure style) are its rule's
params, so that Snakemake reruns that job, and what depends on it, when one changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from paperkit.registry import EntryData, Registry, RegistryError
from tests.conftest import ROOT, snakemake

REGISTRY = ROOT / "workflow" / "registry.yaml"
NAME = "workflow/registry.yaml"


def edited_registry(tmp_path: Path, edit) -> Path:
    """A copy of the paper's registry with ``edit`` (a function of its parsed YAML) done."""
    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def planned_rules(text: str) -> dict[str, int]:
    """Rule → number of jobs, from the job table of `snakemake --dry-run --quiet rules`."""
    return {
        match.group(1): int(match.group(2))
        for line in text.splitlines()
        if (match := re.match(r"^(\w+)\s+(\d+)$", line)) and match.group(1) != "total"
    }


def test_an_edited_draw_function_changes_only_its_jobs_entries():
    registry = Registry.load(REGISTRY, name=NAME)
    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    data["figures"]["unhcr_hosted"]["draw"] = "asylum_regime.figures:indices_figure"
    data["tables"]["its"]["caption"] = "Another caption: the report's, not the drawing's."
    edited = Registry(**data)
    changed = [job for job in registry.jobs if registry.job_entries(job) != edited.job_entries(job)]
    assert changed == ["figure_hosted"]


def test_a_function_the_module_does_not_define_is_named_with_the_fix(tmp_path):
    def misspell(data):
        data["figures"]["unhcr_hosted"]["draw"] = "asylum_regime.figures:hosted_figur"

    with pytest.raises(RegistryError) as error:
        Registry.load(edited_registry(tmp_path, misspell), name=NAME)
    message = str(error.value)
    assert message.startswith(
        "workflow/registry.yaml: figures.unhcr_hosted.draw is "
        "'asylum_regime.figures:hosted_figur', but asylum_regime.figures defines no "
        "'hosted_figur' (did you mean asylum_regime.figures:hosted_figure?)"
    ), message
    assert "name a function of the module as module:function" in message
    assert len(message.splitlines()) == 1


def test_a_module_that_does_not_exist_is_named(tmp_path):
    def no_module(data):
        data["jobs"]["model_tables"]["prepare"] = "asylum_regime.no_such_module:model_results"

    with pytest.raises(
        RegistryError,
        match=r"jobs\.model_tables\.prepare is "
        r"'asylum_regime\.no_such_module:model_results', but there is no "
        r"module asylum_regime\.no_such_module",
    ):
        Registry.load(edited_registry(tmp_path, no_module), name=NAME)


def test_a_draw_function_reading_another_jobs_data_names_the_entry_and_the_fix():
    data = EntryData(
        {"table": None, "countries": None, "release": "2025"},
        registry=NAME,
        where="figures.unhcr_hosted.draw",
        reference="asylum_regime.figures:indices_figure",
        job="figure_hosted",
        prepare="asylum_regime.drawing:hosted_data",
    )
    assert data["release"] == "2025"
    with pytest.raises(RegistryError) as error:
        data["marked"]
    assert str(error.value) == (
        "workflow/registry.yaml: figures.unhcr_hosted.draw is "
        "'asylum_regime.figures:indices_figure', which reads 'marked' from its job's data, "
        "but the job figure_hosted (asylum_regime.drawing:hosted_data) makes only countries, "
        "release, table: name a function written for this job's data, or set "
        "figures.unhcr_hosted.job to the job whose data it draws"
    )


@pytest.mark.e2e
def test_a_registry_edit_reruns_exactly_the_affected_jobs(scratch, mirror):
    """A new draw function of one figure reruns its drawing job and the documents, and
    nothing else; a caption edit (the report's) reruns nothing; the wrong function fails
    with the registry's message, not a bare KeyError."""
    registry = scratch / "workflow/registry.yaml"
    original = registry.read_text(encoding="utf-8")
    registry.write_text(
        original.replace("Refugees and asylum-seekers hosted", "Refugees and asylum seekers"),
        encoding="utf-8",
    )
    run = snakemake(scratch, "--dry-run", mirror=mirror)
    assert "Nothing to be done" in run.stdout + run.stderr, run.stdout[-3000:]

    registry.write_text(
        original.replace(
            "draw: asylum_regime.figures:hosted_figure",
            "draw: asylum_regime.figures:indices_figure",
        ),
        encoding="utf-8",
    )
    run = snakemake(scratch, "--dry-run", "--quiet", "rules", mirror=mirror)
    assert run.returncode == 0, run.stderr[-3000:]
    # the figure's colours are checked again, and what a reader sees of the documents
    assert planned_rules(run.stdout + run.stderr) == {
        "all": 1,
        "figure_hosted": 1,
        "check_figure_colours": 1,
        "render_paper": 2,
        "check_layout": 2,
    }

    failed = snakemake(scratch, "results/figures/en/unhcr_hosted.svg", mirror=mirror)
    assert failed.returncode != 0
    assert (
        "ERROR: workflow/registry.yaml: figures.unhcr_hosted.draw is "
        "'asylum_regime.figures:indices_figure', which reads 'marked' from its job's data"
    ) in failed.stderr, failed.stderr[-3000:]

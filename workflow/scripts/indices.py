"""Validate the coded legal and policy inputs and compute the harmonisation indices."""

from pathlib import Path

from asylum_regime.coding import read_table
from asylum_regime.harmonisation import (
    agreed_only_numbers,
    amendment_numbers,
    harmonisation_indices,
    load_coded_inputs,
    unknown_ids,
)
from asylum_regime.indices import implementation_numbers
from asylum_regime.io import read_processed
from asylum_regime.numbers import (
    benchmark_numbers,
    coding_numbers,
    event_numbers,
    index_numbers,
    specification_numbers,
)
from asylum_regime.series import monthly_detections
from asylum_regime.specifications import main_specification
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.tabular import write_csv
from paperkit.validate import effective_as_of

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    spec = snakemake.params.indices
    schemas = {Path(path).stem: Path(path) for path in snakemake.input.schemas}
    as_of = effective_as_of(snakemake.params.as_of)
    tables = load_coded_inputs(
        {name: Path(snakemake.input[name]) for name in snakemake.params.tables},
        [Path(path) for path in snakemake.input.alignment],
        schemas,
        as_of,
    )
    tables["second_coding"] = read_table(
        snakemake.input.second_coding, schemas["second_coding"], as_of
    )
    if problems := unknown_ids(tables, spec):
        raise ValueError("ids named in the configuration do not exist:\n  " + "\n  ".join(problems))
    frontex = read_processed(snakemake.input.frontex, "frontex")
    arrivals = spec["practice"]["arrivals"]
    monthly = monthly_detections(frontex, arrivals["route"], arrivals["type"])
    multiverse = snakemake.params.multiverse
    main_spec = main_specification("indices", multiverse["dimensions"], multiverse["main"])
    results = harmonisation_indices(
        tables, monthly, spec, main_spec.choices, multiverse["dimensions"]
    )
    for name, frame in results.items():
        write_csv(frame, snakemake.output[name])
    numbers = (
        index_numbers(results, spec["key_years"])
        | coding_numbers(tables["alignment"])
        | specification_numbers(spec, multiverse["dimensions"], main_spec.choices)
        | benchmark_numbers(tables["visa_benchmarks"])
        | event_numbers(tables["events"])
        | implementation_numbers(tables["statement_implementation"])
        | agreed_only_numbers(tables, spec, main_spec.choices)
    )
    for prefix, instrument_id in spec.get("amendments", {}).items():
        numbers |= amendment_numbers(tables, spec, main_spec.choices, instrument_id, prefix)
    write_json(numbers, snakemake.output.numbers)


run_job(snakemake, main)

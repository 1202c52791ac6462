"""Fit one batch of a model family's specification multiverse (one row per specification)."""

from pathlib import Path

from asylum_regime.multiverse import family_batches
from paperkit.jobs import run_job
from paperkit.tabular import write_csv

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def its_rows(specifications, config):
    from asylum_regime.io import read_processed
    from asylum_regime.its import ItsSetting, fit_specifications
    from asylum_regime.series import monthly_detections

    its = config["models"]["its"]
    frontex = read_processed(snakemake.input.frontex, "frontex")
    monthly = monthly_detections(frontex, its["route"], its["type"])
    return fit_specifications(monthly, ItsSetting.checked(its, monthly), specifications)


def did_rows(specifications, config):
    from asylum_regime.did import DidData, DidSetting, fit_specifications
    from asylum_regime.io import read_processed

    countries = read_processed(snakemake.input.countries, "countrynames")
    data = DidData.load(
        read_processed(snakemake.input.frontex, "frontex"),
        read_processed(snakemake.input.eu_asyapp, "eu_asyapp"),
        countries,
    )
    return fit_specifications(data, DidSetting.from_config(config["models"]["did"]), specifications)


def indices_rows(specifications, config):
    import pandas as pd

    from asylum_regime.coding import read_table
    from asylum_regime.harmonisation import IndexParts, index_specification_row, load_coded_inputs
    from asylum_regime.io import read_processed
    from asylum_regime.series import monthly_detections
    from paperkit.validate import effective_as_of

    spec = config["indices"]
    schemas = {Path(path).stem: Path(path) for path in snakemake.input.schemas}
    as_of = effective_as_of(config["coded_inputs_as_of"])
    tables = load_coded_inputs(
        {name: Path(snakemake.input[name]) for name in snakemake.params.coded_tables},
        [Path(path) for path in snakemake.input.alignment],
        schemas,
        as_of,
    )
    # the agreed-units coding (dimension `coding`) leaves out the disputed units
    tables["second_coding"] = read_table(
        snakemake.input.second_coding, schemas["second_coding"], as_of
    )
    arrivals = spec["practice"]["arrivals"]
    frontex = read_processed(snakemake.input.frontex, "frontex")
    monthly = monthly_detections(frontex, arrivals["route"], arrivals["type"])
    parts = IndexParts(tables, monthly, spec)
    rows = [index_specification_row(parts, s) for s in specifications]
    return pd.DataFrame(rows).sort_values("specification", ignore_index=True)


FAMILIES = {"its": its_rows, "did": did_rows, "indices": indices_rows}


def main() -> None:
    family, batch = snakemake.wildcards.family, int(snakemake.wildcards.batch)
    specifications = family_batches(snakemake.config, family)[batch]
    rows = FAMILIES[family](specifications, snakemake.config)
    write_csv(rows, snakemake.output.table)


run_job(snakemake, main)

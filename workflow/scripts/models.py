"""Fit the interrupted time series and the difference-in-differences on the real data."""

from asylum_regime.did import fit_did
from asylum_regime.io import read_processed
from asylum_regime.its import fit_its
from asylum_regime.numbers import convention_numbers, did_numbers, its_numbers
from asylum_regime.results import check_results
from asylum_regime.series import eu_applicants_panel, monthly_detections
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.tabular import write_csv

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    spec = snakemake.params.models
    frontex = read_processed(snakemake.input.frontex, "frontex")
    countries = read_processed(snakemake.input.countries, "countrynames")
    applicants = read_processed(snakemake.input.eu_asyapp, "eu_asyapp")
    its, paths = fit_its(
        monthly_detections(frontex, spec["its"]["route"], spec["its"]["type"]), spec["its"]
    )
    panel = eu_applicants_panel(applicants, sorted(countries.loc[countries["eu"], "iso3"]))
    with_iso2 = countries.dropna(subset=["iso2"])
    did = fit_did(frontex, panel, set(with_iso2["iso3"]), spec["did"])
    write_json(check_results(its, "its"), snakemake.output.its)
    write_json(check_results(did, "did"), snakemake.output.did)
    write_csv(paths, snakemake.output.its_paths)
    iso2 = dict(zip(with_iso2["iso3"], with_iso2["iso2"], strict=True))
    numbers = its_numbers(its) | did_numbers(did, iso2) | convention_numbers()
    write_json(numbers, snakemake.output.numbers)


run_job(snakemake, main)

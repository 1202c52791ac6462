"""Fit the main interrupted time series and difference-in-differences on the real data."""

from asylum_regime.did import DidData, fit_did
from asylum_regime.did import rule_numbers as did_rule_numbers
from asylum_regime.io import read_processed
from asylum_regime.its import fit_its
from asylum_regime.its import rule_numbers as its_rule_numbers
from asylum_regime.multiverse import family_main
from asylum_regime.numbers import convention_numbers, did_numbers, its_numbers
from asylum_regime.results import check_results
from asylum_regime.series import monthly_detections
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.tabular import write_csv

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    config = snakemake.config
    models = config["models"]
    frontex = read_processed(snakemake.input.frontex, "frontex")
    countries = read_processed(snakemake.input.countries, "countrynames")
    applicants = read_processed(snakemake.input.eu_asyapp, "eu_asyapp")
    monthly = monthly_detections(frontex, models["its"]["route"], models["its"]["type"])
    its, paths = fit_its(monthly, models["its"], family_main(config, "its"))
    did = fit_did(
        DidData.load(frontex, applicants, countries), models["did"], family_main(config, "did")
    )
    write_json(check_results(its, "its"), snakemake.output.its)
    write_json(check_results(did, "did"), snakemake.output.did)
    write_csv(paths, snakemake.output.its_paths)
    with_iso2 = countries.dropna(subset=["iso2"])
    iso2 = dict(zip(with_iso2["iso3"], with_iso2["iso2"], strict=True))
    numbers = (
        its_numbers(its)
        | did_numbers(did, iso2)
        | convention_numbers()
        | its_rule_numbers(models["its"])
        | did_rule_numbers(models["did"])
    )
    write_json(numbers, snakemake.output.numbers)


run_job(snakemake, main)

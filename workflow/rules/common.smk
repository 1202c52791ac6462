# Definitions the paper's rule files share (the machinery's are in paperkit's
# common.smk).
from asylum_regime.multiverse import FAMILIES, family_batches, family_main
from paperkit.acquire import Source, last_set_aside, rejected_path, unpinned_digest

# The specification multiverse (config `multiverse`): each family's batches of
# specifications, and its main specification, checked here when the workflow starts
# to be one of its combinations.
MULTIVERSE_BATCHES = {family: family_batches(config, family) for family in FAMILIES}
MULTIVERSE_MAIN = {family: family_main(config, family) for family in FAMILIES}


def multiverse_inputs(wildcards):
    """The data a family's specifications are fitted from."""
    if wildcards.family == "its":
        return {"frontex": "data/processed/frontex.csv"}
    if wildcards.family == "did":
        return {
            "frontex": "data/processed/frontex.csv",
            "eu_asyapp": "data/processed/eu_asyapp.csv",
            "countries": "data/processed/countrynames.csv",
        }
    return {
        **CODED_TABLES,
        "alignment": sorted(glob("data/raw/legal/alignment/*.csv")),
        # the agreed-units coding leaves out the units the two coders disagreed on
        "second_coding": "data/raw/legal/second_coding.csv",
        "schemas": expand(
            "workflow/schemas/tables/{name}.yaml",
            name=[*CODED_TABLES, "alignment", "second_coding"],
        ),
        "frontex": "data/processed/frontex.csv",
    }


def unpinned_copy(name):
    """Where the stored copy of the source ``name`` is set aside when it does not match its
    pin (none when it matches or is absent), as an input of every job that reads the
    source and of the default target.

    Every build re-verifies every stored source against its pin: Snakemake calls this
    whenever it builds the DAG, and hashing only reads. A copy that differs (damaged,
    or left from an earlier pin) becomes an input that set_aside_source makes: the
    build sets the copy aside and acquires the pinned file before anything reads it,
    whenever a job that reads it runs or the default target is built (also without
    Snakemake's records, after `make clean`); a dry run shows the jobs and moves
    nothing."""
    source = Source.from_config(name, config["sources"][name])
    folder = Path("data/raw/sources")
    if (actual := unpinned_digest(source, folder)) is not None:
        return [str(rejected_path(source, folder, actual))]
    # A verified copy: the input is the copy set aside before it was acquired (its
    # provenance record names it), the same input as the run that set it aside recorded,
    # so that the run after a repair reruns nothing.
    return last_set_aside(folder / f"{source.name}.provenance.json")

# Definitions the paper's rule files share (the machinery's are in paperkit's
# common.smk).
from asylum_regime.multiverse import FAMILIES, family_batches, family_main

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
        "schemas": expand("workflow/schemas/tables/{name}.yaml", name=[*CODED_TABLES, "alignment"]),
        "frontex": "data/processed/frontex.csv",
    }

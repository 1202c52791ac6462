"""Write the provenance manifest of every output of the paper (results/provenance.json)."""

from pathlib import Path

from analysis.atomic import write_json
from analysis.jobs import run_logged
from analysis.provenance import git_state, manifest, package_versions

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    params = snakemake.params
    write_json(
        {
            "git": git_state(Path(".")),
            "packages": package_versions(params.packages) | {"pandoc": params.pandoc_version},
            "outputs": manifest(
                list(snakemake.input.products), params.scripts, Path(".snakemake/metadata")
            ),
        },
        snakemake.output.manifest,
    )


run_logged(snakemake.log[0], main)

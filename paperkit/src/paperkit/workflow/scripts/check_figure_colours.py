"""Check that every figure's categories can be told apart by colour, with normal vision
and under simulated deuteranopia and protanopia (paperkit.colours); fail naming the
figure, the two categories and their distance, else write the closest pairs."""

from paperkit.atomic import read_json, write_json
from paperkit.colours import colour_problems, colour_report
from paperkit.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    figures = {}
    for path in snakemake.input.colours:
        figures.update(read_json(path))
    minimum = snakemake.params.minimum
    report = colour_report(figures)
    if problems := colour_problems(report, minimum):
        raise ValueError(
            "the figures' colours fail the colour-vision check:\n  " + "\n  ".join(problems)
        )
    write_json({"minimum": minimum, "closest": report}, snakemake.output.report)


run_job(snakemake, main)

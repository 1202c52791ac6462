"""The figure-colour check (paperkit.colours): every two categories of a figure are far
enough apart in CAM02-UCS with normal vision and under simulated deuteranopia and
protanopia, and a build whose figures fail it renders no document."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from paperkit.colours import MIN_DISTANCE, closest_pair, colour_problems, colour_report
from tests.conftest import ROOT, snakemake


def _registered_minimum() -> float:
    registry = yaml.safe_load((ROOT / "workflow" / "registry.yaml").read_text(encoding="utf-8"))
    return registry["figure_colours"]["min_distance"]


def test_two_near_identical_colours_fail_naming_figure_categories_and_distance():
    figures = {"indices": {"en": {"Policy": "#0173b2", "Practice": "#0274b3", "Law": "#de8f05"}}}
    problems = colour_problems(colour_report(figures), MIN_DISTANCE)
    assert problems, "two almost equal blues passed the check"
    assert all("figure indices (en)" in line for line in problems)
    assert all("'Policy' and 'Practice'" in line for line in problems)
    # one line per vision, each with its distance (well under one just-noticeable step)
    visions = {re.search(r"(normal|deuteranopia|protanopia)", line).group(1) for line in problems}
    assert visions == {"normal", "deuteranopia", "protanopia"}
    assert all(float(re.search(r"are ([\d.]+) apart", line).group(1)) < 1 for line in problems)


@pytest.mark.parametrize(
    ("first", "second", "vision"),
    [
        ("#d62728", "#2ca02c", "deuteranopia"),  # matplotlib's red and green
        ("#029e73", "#ca9161", "protanopia"),  # seaborn colorblind's green and brown
    ],
)
def test_colours_apart_for_most_readers_fail_for_the_deficiency_that_merges_them(
    first, second, vision
):
    report = colour_report({"curve": {"en": {"Treated": first, "Control": second}}})
    problems = colour_problems(report, MIN_DISTANCE)
    assert report["curve"]["en"]["normal"]["distance"] >= 3 * MIN_DISTANCE
    assert len(problems) == 1
    assert f"under simulated {vision}" in problems[0]
    assert "figure curve (en): 'Treated' and 'Control'" in problems[0]


def test_translucent_legend_entries_are_compared_as_shown_on_the_page():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paperkit.colours import legend_colours

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], color="#0173b2", label="estimate")
    ax.fill_between([0, 1], 0, 1, color="#0173b2", alpha=0.25, linewidth=0, label="interval")
    ax.scatter([0], [0], facecolors="none", edgecolors="0.1", label="main")
    ax.legend()
    colours = legend_colours(fig)
    plt.close(fig)
    assert colours["estimate"] == "#0173b2"
    # a quarter of the blue over the white page, not the blue itself
    assert colours["interval"] == "#c0dcec"
    assert colours["main"] == "#1a1a1a"  # an unfilled marker shows its edge
    assert closest_pair(colours, "normal")[2] > MIN_DISTANCE


@pytest.mark.parametrize("count", range(2, 8))
def test_the_figures_first_colours_pass_the_registered_minimum(count):
    """Any figure with up to seven categories that takes its colours in order
    (asylum_regime.figures.colours) passes the build's check."""
    from asylum_regime.figures import colours

    palette = {f"category {i}": colour for i, colour in enumerate(colours(count))}
    report = colour_report({"any": {"en": palette}})
    assert colour_problems(report, _registered_minimum()) == []


def test_the_built_paper_passes_with_every_figure_checked(built):
    report = json.loads((built / "results" / "checks" / "figure_colours.json").read_text("utf-8"))
    assert report["minimum"] == _registered_minimum()
    registry = yaml.safe_load((built / "workflow" / "registry.yaml").read_text(encoding="utf-8"))
    # every figure with two or more categories in its legends; the event study has none
    assert set(report["closest"]) == set(registry["figures"]) - {"event_study"}
    for name, languages in report["closest"].items():
        assert set(languages) == {"en", "tr"}, name
        for visions in languages.values():
            assert set(visions) == {"normal", "deuteranopia", "protanopia"}
            assert min(pair["distance"] for pair in visions.values()) >= report["minimum"]


def test_two_indistinguishable_colours_stop_the_documents(scratch, mirror):
    """The palette's order made to give a figure's first two categories one colour: the
    build fails naming the figure and the categories, and the documents, no longer
    current, are taken away."""
    figures = scratch / "src" / "asylum_regime" / "figures.py"
    text = figures.read_text(encoding="utf-8")
    order = "PALETTE_ORDER = (0, 1, 9, 3, 4, 5, 7, 2, 6, 8)"
    assert order in text
    figures.write_text(text.replace(order, "PALETTE_ORDER = (0, 0, 9, 3, 4, 5, 7, 2, 6, 8)"))
    assert (scratch / "manuscript" / "build" / "en" / "paper.pdf").exists()
    run = snakemake(scratch, mirror=mirror)
    assert run.returncode != 0
    message = run.stderr
    assert "the figures' colours fail the colour-vision check" in message
    # Figure 2: its first two series, legislation and policy, now share the blue
    assert "figure indices (en): 'Legislation (de jure)' and 'Policy' are 0.0 apart" in message
    assert "figure indices (tr): 'Mevzuat (de jure)' and 'Politika' are 0.0 apart" in message
    for lang in ("en", "tr"):
        assert not (scratch / "manuscript" / "build" / lang / "paper.pdf").exists()
    assert not (scratch / "results" / "checks" / "figure_colours.json").exists()


def test_a_figure_word_the_glossary_avoids_fails_the_parity_check(scratch, mirror):
    """Figure 4's dimension named as the text does not ("Unverified facts" beside the
    text's "unverified rows", the glossary's term): the parity check fails naming the
    label's key, in each language."""
    labels = scratch / "manuscript" / "labels.yaml"
    text = labels.read_text(encoding="utf-8")
    for current, old in (
        ("unverified: Unverified rows", "unverified: Unverified facts"),
        ("unverified: Doğrulanmamış satırlar", "unverified: Doğrulanmamış olgular"),
    ):
        assert current in text
        text = text.replace(current, old)
    labels.write_text(text, encoding="utf-8")
    run = snakemake(scratch, "results/checks/parity.json", mirror=mirror)
    assert run.returncode != 0
    assert (
        "manuscript/labels.yaml en.multiverse.dimensions.unverified: 'unverified facts' → "
        "use 'unverified rows'" in run.stderr
    )
    assert (
        "manuscript/labels.yaml tr.multiverse.dimensions.unverified: 'doğrulanmamış olgu' → "
        "use 'doğrulanmamış satır'" in run.stderr
    )

"""The figures as a referee reads them: as wide as the PDF's text, in the body's face, no
text under 7 pt, nothing overlapping, every abbreviation defined; on small made-up data."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from asylum_regime import figures
from paperkit.paper import PANDOC_DEFAULTS
from tests.conftest import ROOT, languages

LABELS = yaml.safe_load((ROOT / "manuscript" / "labels.yaml").read_text(encoding="utf-8"))
# What a reader could take for an abbreviation: two or more capitals (and digits).
ABBREVIATION = re.compile(r"(?<!\w)[A-ZÇĞİÖŞÜ][A-ZÇĞİÖŞÜ0-9]+(?!\w)")
NOT_IN_FIGURES = {"tables", "references", "provenance", "scope", "abbreviations"}


def _strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


def _hosted(code: str, words: dict, lang):
    years = range(2012, 2020)
    grouped = pd.DataFrame(
        [(y, o, (y - 2011) * n) for y in years for o, n in (("SYR", 3e5), ("AFG", 2e4))],
        columns=["year", "origin", "hosted"],
    )
    names = {"SYR": "Suriye" if code == "tr" else "Syria", "AFG": words["other_origins"]}
    note = words["source_unhcr"].format(release="test 1.0")
    return figures.plot_hosted_by_origin(grouped, names, words, lang, note)


def _indices(code: str, words: dict, lang):
    years = np.arange(2000, 2026)
    annual = pd.DataFrame(
        {
            "year": years,
            "legislative": np.where(years < 2014, 0.05, 0.68),
            "policy": np.where(years < 2016, 0.3, 0.9),
            "practice": np.where((years >= 2016) & (years <= 2020), 0.4, np.nan),
        }
    )
    events = pd.read_csv(ROOT / "data" / "raw" / "policy" / "events.csv", parse_dates=["date"])
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    marked = events[events["event_id"].isin(config["indices"]["events_marked"])]
    return figures.plot_indices(annual, marked.assign(label=marked[f"label_{code}"]), words, lang)


def _areas(code: str, words: dict, lang):
    by_group = pd.DataFrame(
        [(g, y, 0.1 if y < 2014 else 0.7) for g in words["groups"] for y in range(2000, 2026)],
        columns=["group", "year", "index"],
    )
    return figures.plot_alignment_by_area(by_group, words["groups"], words, lang)


def _its(code: str, words: dict, lang):
    months = pd.date_range("2009-01-01", "2025-04-01", freq="MS")
    level = np.exp(np.linspace(6, 11, len(months)))
    paths = pd.DataFrame({"month": months, "observed": level, "fitted": level * 1.1})
    after = (months >= "2016-04-01") & (months < "2017-04-01")
    paths["counterfactual"] = np.where(after, level * 5, np.nan)
    paths["counterfactual_low"] = paths["counterfactual"] / 2
    paths["counterfactual_high"] = paths["counterfactual"] * 2
    note = words["source_frontex"].format(release="test 1.0")
    return figures.plot_its_counterfactual(paths, pd.Timestamp("2016-04-01"), words, lang, note)


def _event_study(code: str, words: dict, lang):
    years = [y for y in range(2011, 2025) if y != 2015]
    ratios = np.linspace(0.2, 0.6, len(years))
    frame = pd.DataFrame(
        {"year": years, "ratio": ratios, "ratio_low": ratios / 2, "ratio_high": ratios * 1.5}
    )
    note = words["source_eurostat"].format(release="test 1.0")
    return figures.plot_event_study(frame, 2015, words, lang, note)


def _curve(code: str, words: dict, lang):
    dimensions = {"estimator": ["negative_binomial", "poisson", "log_ols"], "hac_lags": [6, 12]}
    rows = [(e, h) for e in dimensions["estimator"] for h in dimensions["hac_lags"]] * 20
    table = pd.DataFrame(rows, columns=["estimator", "hac_lags"])
    table["specification"] = [f"s{i:03d}" for i in range(len(table))]
    table["statement_ratio"] = np.geomspace(0.001, 0.5, len(table))
    table["statement_ratio_low"] = table["statement_ratio"] / 3
    table["statement_ratio_high"] = table["statement_ratio"] * 3
    return figures.plot_specification_curve(
        table,
        "statement_ratio",
        dimensions,
        words["multiverse"],
        lang,
        main="s010",
        interval=("statement_ratio_low", "statement_ratio_high"),
        figure_labels=words,
    )


DRAWINGS = [_hosted, _indices, _areas, _its, _event_study, _curve]


@pytest.fixture(scope="module", params=[(d, c) for d in DRAWINGS for c in ("en", "tr")])
def drawn(request):
    drawing, code = request.param
    fig = drawing(code, LABELS[code], languages()[code])
    fig.canvas.draw()
    yield code, fig
    figures._pyplot().close(fig)


def _texts(fig):
    """The texts the figure shows: tick labels only of ticks within the axes' limits
    (matplotlib keeps, undrawn, the labels of ticks beyond them)."""
    from matplotlib.text import Text

    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = high - low
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - 1e-9 * span <= tick.get_loc() <= high + 1e-9 * span:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def test_the_text_width_is_that_of_the_pdf():
    typst = yaml.safe_load((PANDOC_DEFAULTS / "typst.yaml").read_text(encoding="utf-8"))
    assert typst["variables"]["papersize"] == "a4"
    # Pandoc's Typst template sets 1.25 in side margins unless the defaults set others.
    assert "margin" not in typst["variables"]
    assert pytest.approx(5.7677, abs=1e-4) == figures.TEXT_WIDTH


def test_a_figure_is_as_wide_as_the_text_and_saved_at_that_size(drawn, tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from paperkit.figures import save_figure

    _code, fig = drawn
    assert fig.get_figwidth() == pytest.approx(figures.TEXT_WIDTH)
    save_figure(fig, tmp_path / "f.svg", tmp_path / "f.png", figures.STYLE, 100)
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)pt"', svg).group(1))
    assert width == pytest.approx(figures.TEXT_WIDTH * 72, abs=0.01)
    FigureCanvasAgg(fig).draw()  # saving closed it; the other tests read it again


def test_every_text_is_at_least_7_pt_in_libertinus_serif(drawn):
    from matplotlib.font_manager import findfont

    _code, fig = drawn
    for text in _texts(fig):
        assert text.get_fontsize() >= 7, (text.get_text(), text.get_fontsize())
        assert Path(findfont(text.get_fontproperties())).name.startswith("LibertinusSerif-")


def test_nothing_overlaps_and_everything_is_inside_the_figure(drawn):
    from matplotlib.legend import Legend

    _code, fig = drawn
    renderer = fig.canvas.get_renderer()
    legends = fig.findobj(Legend)
    in_legends = {id(t) for legend in legends for t in [*legend.get_texts(), legend.get_title()]}
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in _texts(fig)
        if id(t) not in in_legends
    ]
    boxes += [("legend", legend.get_window_extent(renderer)) for legend in legends]
    whole = fig.bbox
    for name, box in boxes:
        assert whole.x0 - 0.5 <= box.x0 and box.x1 <= whole.x1 + 0.5, name
        assert whole.y0 - 0.5 <= box.y0 and box.y1 <= whole.y1 + 0.5, name
    shrunk = [(name, box.expanded(1, 1).padded(-0.5)) for name, box in boxes]
    for i, (first, a) in enumerate(shrunk):
        for second, b in shrunk[i + 1 :]:
            assert not a.overlaps(b), f"{first!r} overlaps {second!r}"


def test_the_turkish_letters_and_signs_are_in_the_face():
    from matplotlib.ft2font import FT2Font

    from paperkit.figures import FONTS

    words = "".join(_strings({k: v for k, v in LABELS["tr"].items() if k not in NOT_IN_FIGURES}))
    needed = set("ıİşŞğĞçÇöÖüÜ\u2212×–≥") | set(words)
    for path in FONTS.glob("LibertinusSerif-*.otf"):
        covered = set(map(chr, FT2Font(str(path)).get_charmap()))
        assert not needed - covered - {"\n"}, (path.name, needed - covered)
    assert (FONTS / "OFL.txt").is_file()


@pytest.mark.parametrize("code", ["en", "tr"])
def test_every_abbreviation_a_figure_can_show_is_defined(code):
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    events = pd.read_csv(ROOT / "data" / "raw" / "policy" / "events.csv")
    marked = events[events["event_id"].isin(config["indices"]["events_marked"])]
    words = {k: v for k, v in LABELS[code].items() if k not in NOT_IN_FIGURES}
    shown = [*_strings(words), *marked[f"label_{code}"]]
    used = {term for text in shown for term in ABBREVIATION.findall(text)}
    defined = {entry.partition(":")[0] for entry in LABELS[code]["abbreviations"]}
    assert used <= defined, sorted(used - defined)


def test_the_key_of_a_figure_defines_what_it_shows(drawn):
    code, fig = drawn
    footer = " ".join(t.get_text() for t in fig.texts)
    shown = " ".join(t.get_text() for t in _texts(fig) if t not in fig.texts)
    for entry in LABELS[code]["abbreviations"]:
        term = entry.partition(":")[0]
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", shown):
            assert " ".join(entry.split()) in " ".join(footer.split()), term


def test_abbreviations_are_matched_as_whole_words():
    entries = ["EU: European Union", "EU27: the 27 member states"]
    assert figures.abbreviations_used(["EU27 without Greece"], entries) == [entries[1]]
    assert figures.abbreviations_used(["EU–Turkey Statement"], entries) == [entries[0]]
    assert figures.abbreviations_used(["AB'nin"], ["AB: Avrupa Birliği"]) == ["AB: Avrupa Birliği"]


def test_event_keys_bracket_their_numbers(drawn):
    code, fig = drawn
    footer = "\n".join(t.get_text() for t in fig.texts)
    if LABELS[code]["events_key"] in footer:
        assert re.search(r"\[3\]\s676", footer) or re.search(r"\[3\]\sDecree-Law No\. 676", footer)
        assert not re.search(r"(?<!\[)\b3 676\b", footer)


def test_wrapping_keeps_lines_within_the_width():
    pieces = ["[1] Law 6458 in force", "[2] EU–Turkey Statement"] * 6
    width = 200.0
    lines = figures.wrap(pieces, width, 8, separator="   ")
    assert len(lines) > 1
    assert all(figures.text_width(line, 8) <= width for line in lines)
    assert "   ".join(lines).split("   ") == pieces


def test_importing_the_figures_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, asylum_regime.figures; print('matplotlib' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_matplotlib_ids_are_renamed_in_document_order():
    from paperkit.figures import stable_ids

    def svg(clip: str) -> str:
        return (
            f'<defs><clipPath id="{clip}"><rect/></clipPath><path id="m0123456789"/></defs>'
            f'<g clip-path="url(#{clip})"><use xlink:href="#m0123456789"/></g>'
        )

    # the same drawing whose clip path hashed differently gives the same bytes
    assert stable_ids(svg("pdad2647339"), "f") == stable_ids(svg("p93bfa819d0"), "f")
    out = stable_ids(svg("pdad2647339"), "f")
    assert 'id="f-1"' in out and "url(#f-1)" in out and 'href="#f-2"' in out
    assert "pdad2647339" not in out and "m0123456789" not in out


def test_a_drawing_job_draws_every_figure_without_importing_scipy_stats():
    """seaborn would import scipy.stats (about 0.9 CPU s in each drawing job) for a kernel
    density no figure draws; the drawing functions hold it back, and scipy.stats still
    imports afterwards."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from tests import test_figures as t\n"
        "for drawing in t.DRAWINGS:\n"
        "    for code in ('en', 'tr'):\n"
        "        drawing(code, t.LABELS[code], t.languages()[code]).canvas.draw()\n"
        "assert 'scipy.stats' not in sys.modules, 'seaborn imported scipy.stats'\n"
        "import scipy.stats\n"
        "print(scipy.stats.norm.cdf(0))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0.5"

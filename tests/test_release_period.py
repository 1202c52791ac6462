"""When the latest figures stand: a mid-year release is written "mid-2025", never "the end
of 2025" (issue 22, failure 8).

What CI runs without the mid-year data: the pins' declared period against their
release's version (every pin of config/ and its overlays), the period words of the
real labels, the hosted numbers, and the real section of the text resolved with
mid-year and end-year numbers in both languages; the workflow refusing, when it
starts, a pin whose period disagrees with its release. The build with the mid-year
release (config/releases/unhcr-2025.6.0.yaml) needs its files, which the offline
mirror does not hold: it downloads them, or finds them in a configured mirror, and
is skipped, saying why, when neither can be had (tests/conftest.py
``UNMIRRORED_RELEASES``).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pypandoc
import pytest
import yaml

from asylum_regime.descriptives import hosted_by_origin
from asylum_regime.numbers import hosted_numbers
from asylum_regime.releases import latest_period, source_periods, unhcr_release_period
from paperkit.languages import Language, LanguageError
from paperkit.manuscript import Context, read_sources, resolve
from paperkit.numbers import merge_numbers, number_entry
from paperkit.periods import PERIODS, PeriodError, ReferencePeriod
from tests.conftest import ROOT, copy_project, snakemake

PANDOC = pypandoc.get_pandoc_path()
LABELS = yaml.safe_load((ROOT / "manuscript" / "labels.yaml").read_text(encoding="utf-8"))
WORDS = {code: words["periods"] for code, words in LABELS.items()}
MID_YEAR = "config/releases/unhcr-2025.6.0.yaml"
MID_2025 = ReferencePeriod("mid-year", dt.date(2025, 6, 30))
END_2025 = ReferencePeriod("end-year", dt.date(2025, 12, 31))


def read_yaml(path) -> dict:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def merged_sources(*overlays: str) -> dict[str, dict]:
    """config's sources with overlays merged over them, key by key as `--configfile` does."""
    sources = read_yaml("config/config.yaml")["sources"]
    for overlay in overlays:
        for name, entry in read_yaml(overlay)["sources"].items():
            sources[name] = {**sources.get(name, {}), **entry}
    return sources


# --------------------------------------------------------------------------- release metadata


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        ("refugees 2025.6.0", MID_2025),
        ("refugees 2025.06.0", MID_2025),  # as its DESCRIPTION writes it
        ("refugees 2025.6.1", MID_2025),
        ("refugees 2025.12.1", END_2025),
        ("refugees 2024.12.0", ReferencePeriod("end-year", dt.date(2024, 12, 31))),
        ("gdidata 0.3.21", None),
    ],
)
def test_a_unhcr_version_gives_the_period_of_its_figures(release, expected):
    assert unhcr_release_period(release) == expected


def test_a_unhcr_version_of_another_month_is_refused():
    with pytest.raises(PeriodError, match=r"'refugees 2026\.3\.0'.*UNHCR_MONTHS"):
        unhcr_release_period("refugees 2026.3.0")


def test_every_pin_agrees_with_its_release():
    """The config's pins, and each overlay merged over them as the workflow merges it."""
    overlays = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "config/releases").glob("*"))
    assert MID_YEAR in overlays
    for overlay in [None, *overlays]:
        periods = source_periods(merged_sources(*filter(None, [overlay])))
        assert latest_period(periods, "unhcr_population") is not None
    assert source_periods(merged_sources())["unhcr_population"] == END_2025
    assert source_periods(merged_sources(MID_YEAR))["unhcr_population"] == MID_2025


def test_the_mid_year_overlay_pins_every_unhcr_file_of_the_mid_year_release():
    config, overlay = read_yaml("config/config.yaml"), read_yaml(MID_YEAR)
    unhcr = {name for name, entry in config["sources"].items() if "refugees" in entry["release"]}
    assert set(overlay["sources"]) == unhcr
    for entry in overlay["sources"].values():
        assert entry["release"] == "refugees 2025.6.0"
        assert "/8d68e4e2a5ab5af6fe0213da6310debe3debfd03/data/" in entry["url"]
        assert entry["path"].startswith("unhcr-refugees-2025.6/")
        assert (entry["period"], entry["as_of"]) == ("mid-year", "2025-06-30")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # the mid-year release pinned with the current pin's period left in place
        (
            {"period": "end-year", "as_of": "2025-12-31"},
            r"sources\.unhcr_population: release 'refugees 2025\.6\.0' carries mid-year "
            r"figures as of 2025-06-30, but the pin declares period 'end-year', as_of "
            r"'2025-12-31'; set period: mid-year and as_of: \"2025-06-30\"",
        ),
        (
            {"period": None, "as_of": None},
            r"sources\.unhcr_population: .* but the pin declares none; set period: mid-year",
        ),
        (
            {"period": "mid-year", "as_of": "2025-12-31"},
            r"sources\.unhcr_population: period 'mid-year' stands at 06-30 of its year, but "
            r"as_of is '2025-12-31'; set as_of: \"2025-06-30\"",
        ),
        ({"as_of": None}, r"sources\.unhcr_population: 'period' is set but 'as_of' is not"),
    ],
)
def test_a_pin_whose_period_disagrees_with_its_release_is_refused(change, message):
    sources = merged_sources(MID_YEAR)
    entry = sources["unhcr_population"]
    for key, value in change.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    with pytest.raises(PeriodError, match=message):
        source_periods(sources)


def schema_problems_of(sources: dict[str, dict]) -> list[str]:
    import jsonschema

    config = {**read_yaml("config/config.yaml"), "sources": sources}
    schema = read_yaml("workflow/schemas/config.schema.yaml")
    return [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(config)]


def test_the_config_schema_takes_the_period_keys_together_and_only_the_two_dates():
    assert schema_problems_of(merged_sources(MID_YEAR)) == []
    sources = merged_sources(MID_YEAR)
    del sources["unhcr_population"]["as_of"]
    assert schema_problems_of(sources) == ["'as_of' is a dependency of 'period'"]
    sources = merged_sources(MID_YEAR)
    sources["unhcr_population"]["as_of"] = "2025-07-01"
    [problem] = schema_problems_of(sources)
    assert "'2025-07-01' does not match" in problem
    sources["unhcr_population"].update(as_of="2025-06-30", period="mid-2025")
    [problem] = schema_problems_of(sources)
    assert "'mid-2025' is not one of ['end-year', 'mid-year']" in problem


# --------------------------------------------------------------------------- words


def test_the_labels_give_words_for_every_period():
    assert {code: set(words) for code, words in WORDS.items()} == {
        code: set(PERIODS) for code in LABELS
    }


def test_the_latest_year_of_a_mid_year_release_is_mid_year_and_earlier_years_end_year():
    assert MID_2025.words(2025, WORDS) == {"en": "mid-2025", "tr": "2025 yılı ortasında"}
    assert MID_2025.words(2024, WORDS) == {"en": "the end of 2024", "tr": "2024 yılı sonunda"}
    assert END_2025.words(2025, WORDS) == {"en": "the end of 2025", "tr": "2025 yılı sonunda"}
    with pytest.raises(PeriodError, match="2026 lie after the release's latest"):
        MID_2025.words(2026, WORDS)


def test_data_that_end_in_another_year_than_the_pin_says_are_refused():
    MID_2025.check_latest_year(2025, "data/processed/unhcr_population.csv", "unhcr_population")
    with pytest.raises(
        PeriodError,
        match=r"unhcr_population\.csv ends in 2024, but config sources\.unhcr_population\.as_of "
        r"says its latest figures stand at 2025-06-30",
    ):
        MID_2025.check_latest_year(2024, "data/processed/unhcr_population.csv", "unhcr_population")


def test_a_text_value_takes_each_language_its_words():
    words = {"en": "mid-2025", "tr": "2025 yılı ortasında"}
    assert Language("en", "en_GB").format(words, "text") == "mid-2025"
    assert Language("tr", "tr_TR", "turkish").format(words, "text") == "2025 yılı ortasında"
    assert Language("en", "en_GB").format("refugees 2025.6.0", "text") == "refugees 2025.6.0"
    with pytest.raises(LanguageError, match="no words for 'de'"):
        Language("de", "de_DE").format(words, "text")


# --------------------------------------------------------------------------- the text


def hosted_population() -> pd.DataFrame:
    """Syrians in Türkiye rising to a peak and falling to the mid-2025 count, and a few
    hosted elsewhere, so that Türkiye is the largest host every year."""
    syrians = {2010: 20, 2015: 2_500_000, 2021: 3_700_000, 2024: 2_900_000, 2025: 2_646_142}
    rows = [(year, "SYR", "TUR", count, 0) for year, count in syrians.items()]
    rows += [(year, "AFG", "TUR", 100_000, 50_000) for year in syrians]
    rows += [(year, "SYR", "LBN", 10_000, 0) for year in syrians]
    frame = pd.DataFrame(rows, columns=["year", "coo_iso", "coa_iso", "refugees", "asylum_seekers"])
    return frame.astype({"refugees": "Int64", "asylum_seekers": "Int64"})


def resolved_hosted_section(latest: ReferencePeriod, code: str, release: str) -> str:
    """The real section on hosted refugees in language ``code``, resolved with the numbers
    the pipeline computes when the pin says ``latest`` and names ``release`` (the text names
    the release its last figures come from)."""
    population = hosted_population()
    hosted = hosted_by_origin(population, "TUR", 2010, latest.year)
    numbers = hosted_numbers(hosted, population, "TUR", last_as_of=latest.words(2025, WORDS))
    path = f"manuscript/{code}/35-hosted.md"
    files = [(path, (ROOT / path).read_text(encoding="utf-8"))]
    config = read_yaml("config/config.yaml")
    language = Language.from_config(code, config["languages"][code])
    claims = set(read_yaml("manuscript/claims.yaml"))
    context = Context(
        merge_numbers(
            {
                "hosted.json": numbers,
                "sources.json": {
                    "release_unhcr_population": number_entry(release, "text", "Release.")
                },
            }
        ),
        language,
        LABELS[code],
        "f",
        claims=claims,
    )
    ast = resolve(read_sources(PANDOC, files), context, dict(files))
    text = pypandoc.convert_text(
        json.dumps(ast), "plain", format="json", extra_args=["--wrap=none"]
    )
    return re.sub(r"\s+", " ", text)


def test_the_text_writes_mid_year_figures_as_mid_year_in_both_languages():
    en = resolved_hosted_section(MID_2025, "en", "refugees 2025.6.0")
    assert (
        "By mid-2025 (release refugees 2025.6.0), the Syrian population had fallen to 2,646,142"
        in en
    )
    tr = resolved_hosted_section(MID_2025, "tr", "refugees 2025.6.0")
    assert (
        "2025 yılı ortasında (refugees 2025.6.0 sürümü) Suriyeli nüfus, en yüksek düzeyine göre"
        in tr
    )
    assert "2.646.142 kişiye geriledi" in tr
    for text in (en, tr):
        assert "end of 2025" not in text and "2025 yılı sonunda" not in text


def test_the_text_writes_end_year_figures_as_end_of_year_in_both_languages():
    en = resolved_hosted_section(END_2025, "en", "refugees 2025.12.1")
    assert (
        "By the end of 2025 (release refugees 2025.12.1), the Syrian population had fallen to "
        "2,646,142" in en
    )
    tr = resolved_hosted_section(END_2025, "tr", "refugees 2025.12.1")
    assert (
        "2025 yılı sonunda (refugees 2025.12.1 sürümü) Suriyeli nüfus, en yüksek düzeyine göre"
        in tr
    )


def hosted_figure_notes(latest: ReferencePeriod, code: str) -> str:
    """The words under the hosted figure in language ``code``, drawn from the real draw
    function with the period ``latest``."""
    from asylum_regime import figures

    table = pd.DataFrame(
        [(year, "SYR", 1000 * (year - 2009)) for year in range(2010, 2026)],
        columns=["year", "origin", "hosted"],
    )
    countries = pd.DataFrame({"iso2": ["SY"], "name": ["Syria"]}, index=["SYR"])
    config = read_yaml("config/config.yaml")
    language = Language.from_config(code, config["languages"][code])
    data = {"table": table, "countries": countries, "release": "r", "latest": latest}
    figure = figures.hosted_figure(data, LABELS[code], language)
    return re.sub(r"\s+", " ", " ".join(text.get_text() for text in figure.texts))


def test_the_hosted_figure_notes_a_mid_year_release_s_last_year():
    """Its caption says "at the end of each year"; a mid-year release's last year is not."""
    assert "The figures for 2025 are as at 30 June 2025." in hosted_figure_notes(MID_2025, "en")
    tr = hosted_figure_notes(MID_2025, "tr")
    assert "2025 yılına ait rakamlar 30 Haziran 2025 itibarıyladır." in tr
    for code in ("en", "tr"):
        notes = hosted_figure_notes(END_2025, code)
        assert "30 June" not in notes and "30 Haziran" not in notes


# --------------------------------------------------------------------------- the workflow


def dry_run(tree, *args):
    run = snakemake(tree, "-n", "--quiet", "rules", *args, mirror=None, timeout=600)
    return run.returncode, run.stdout + run.stderr


@pytest.mark.slow  # two parses of the workflow (a minute on a busy machine)
def test_the_workflow_refuses_a_mid_year_pin_declared_end_year_when_it_starts(tmp_path):
    """Parsing needs no data: the mid-year overlay is accepted, and the same overlay with
    the end-year period of the pin it replaces stops the workflow naming key and fix."""
    tree = copy_project(tmp_path / "paper")
    code, output = dry_run(tree, "--configfile", MID_YEAR)
    assert code == 0, output[-3000:]
    wrong = tree / "wrong.yaml"
    overlay = read_yaml(MID_YEAR)
    overlay["sources"]["unhcr_population"].update(period="end-year", as_of="2025-12-31")
    wrong.write_text(yaml.safe_dump(overlay), encoding="utf-8")
    code, output = dry_run(tree, "--configfile", "wrong.yaml")
    assert code != 0
    assert (
        "config sources.unhcr_population: release 'refugees 2025.6.0' carries mid-year "
        "figures as of 2025-06-30, but the pin declares period 'end-year'"
    ) in output
    assert not (tree / "data" / "raw" / "sources").exists()  # parsing fetched nothing


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="session")
def mid_year_mirror(mirror, tmp_path_factory):
    """A mirror holding the mid-year release's files: the configured one when it has them,
    else one that links the configured mirror's folders and holds the files downloaded
    from their pinned URLs. The offline mirror (../shared/data) does not hold them by
    design, so without the network the test is skipped, saying so, also under CI
    (tests/conftest.py UNMIRRORED_RELEASES)."""
    from paperkit.acquire import AcquireError, Source, acquire

    pins = read_yaml(MID_YEAR)["sources"]
    if all((mirror / entry["path"]).is_file() for entry in pins.values()):
        return mirror
    folder = tmp_path_factory.mktemp("mid-year-mirror")
    for entry in mirror.iterdir():
        (folder / entry.name).symlink_to(entry.resolve())
    try:
        for name, entry in pins.items():
            acquire(Source.from_config(name, entry), folder / entry["path"], None, timeout=30)
    except AcquireError as error:
        pytest.skip(
            f"the mid-year release's files are not in the mirror {mirror} (the offline "
            f"mirror does not hold them) and could not be downloaded: {error}"
        )
    return folder


@pytest.mark.e2e
def test_a_build_on_the_mid_year_release_says_mid_2025_in_both_languages(mid_year_mirror, request):
    # The built copy only once the mid-year files are had: a skip does not wait for a build.
    scratch = request.getfixturevalue("scratch")
    run = snakemake(scratch, "--configfile", MID_YEAR, mirror=mid_year_mirror)
    assert run.returncode == 0, run.stderr[-4000:]
    hosted = json.loads((scratch / "results/numbers/hosted.json").read_text(encoding="utf-8"))
    assert hosted["hosted_last_as_of"]["value"] == {"en": "mid-2025", "tr": "2025 yılı ortasında"}
    assert hosted["syria_last"]["value"] == 2646142
    plain = {}
    for code in ("en", "tr"):
        ast = (scratch / f"manuscript/build/{code}/paper.json").read_text(encoding="utf-8")
        text = pypandoc.convert_text(ast, "plain", format="json", extra_args=["--wrap=none"])
        plain[code] = re.sub(r"\s+", " ", text)
    assert "By mid-2025, the Syrian population had fallen to 2,646,142" in plain["en"]
    assert "2025 yılı ortasında Suriyeli nüfus" in plain["tr"]
    assert "2.646.142 kişiye geriledi" in plain["tr"]
    # the reference list cites the release the numbers come from
    citations = (scratch / "results/bibliography/datasets.bib").read_text(encoding="utf-8")
    assert "release refugees 2025.6.0" in citations

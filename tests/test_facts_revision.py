"""The facts check after the second revision of the text (issue 24): what a rule can
catch of the errors a fact-checker found.

- a cumulative series (returns, resettlements, Facility funds) does not fall, unless a
  row says why (``SERIES BREAK:``);
- a row's status agrees with its note: a note that says the official page was not
  opened, or that a mirror or copy was read, caps the row at ``partial`` (one definition
  of a primary text for the legal and the policy codebook);
- a decision number an event states carries the status its instrument's record gives it;
- a citation placed on an event's date names one of the event's sources (``bib_keys``);
- the Turkish terms the glossary fixes, and the Turkish reference list without English
  notes.
"""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path

import pandas as pd
import pypandoc
import pytest
import yaml

from asylum_regime.coding import read_table
from asylum_regime.facts import (
    cumulative_findings,
    event_citation_findings,
    fact_findings,
)
from asylum_regime.harmonisation import CODED_TABLES, load_coded_inputs
from asylum_regime.paths import TABLE_SCHEMAS as SCHEMAS
from paperkit.bibliography import localise_bibtex, localised_fields
from paperkit.citations import datasets_bibtex
from paperkit.glossary import glossary_problems
from paperkit.paper import PANDOC_DEFAULTS
from paperkit.validate import ValidationError
from tests.conftest import ROOT

RAW = Path("data") / "raw"


@pytest.fixture(scope="module")
def committed() -> dict[str, pd.DataFrame]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        files = {
            name: RAW / ("legal" if name.endswith("instruments") else "policy") / f"{name}.csv"
            for name in CODED_TABLES
        }
        schemas = {name: SCHEMAS / f"{name}.yaml" for name in [*CODED_TABLES, "alignment"]}
        tables = load_coded_inputs(
            files, sorted((RAW / "legal" / "alignment").glob("*.csv")), schemas
        )
        tables["second_coding"] = read_table(
            RAW / "legal" / "second_coding.csv", SCHEMAS / "second_coding.yaml"
        )
    return tables


@pytest.fixture
def tables(committed) -> dict[str, pd.DataFrame]:
    return copy.deepcopy(committed)


def row_of(table: pd.DataFrame, **key) -> int:
    mask = pd.Series(True, index=table.index)
    for column, value in key.items():
        mask &= table[column].astype(str) == str(value)
    [index] = table.index[mask]
    return index


# --------------------------------------------------------------------------- cumulative series


def test_the_committed_cumulative_series_do_not_fall_unexplained(committed):
    assert cumulative_findings(committed["statement_implementation"]) == []


def test_a_cumulative_figure_below_an_earlier_one_is_a_finding(tables):
    """13 June 2017: 1,229 returns after 838 in January; made 700, it falls below 838."""
    statement = tables["statement_implementation"]
    index = row_of(statement, indicator="returns_greece_to_turkey", value=1229)
    statement.loc[index, "value"] = 700
    [finding] = cumulative_findings(statement)
    text = str(finding)
    assert "statement_implementation.csv" in text and "column 'value'" in text
    assert "falls below 838" in text and "SERIES BREAK:" in text


def test_a_fall_without_the_rows_reason_is_a_finding(tables):
    """The Turkish 30,219 of end-September 2021 lies below the Commission's 'almost
    31 000' of the day before; its note says why. Without that sentence it is a finding."""
    statement = tables["statement_implementation"]
    index = row_of(statement, indicator="syrians_resettled_1to1", value=30219)
    statement.loc[index, "note"] = statement.loc[index, "note"].replace("SERIES BREAK:", "")
    [finding] = fact_findings(tables)
    assert "30,219" in str(finding) and "31,000" in str(finding)


# --------------------------------------------------------------------------- status vs note


@pytest.mark.parametrize(
    ("table", "folder", "key", "note"),
    [
        (
            "eu_instruments",
            "legal",
            {"instrument_id": "EU_RCD_2013_33"},
            "Read in the OJ text. The EUR-Lex page itself was not opened.",
        ),
        (
            "events",
            "policy",
            {"event_id": "statement"},
            "Council press release read in a verbatim reproduction.",
        ),
        (
            "statement_implementation",
            "policy",
            {"indicator": "frit_disbursed_eur", "value": "677000000"},
            "Read on a mirror of the EUR-Lex page.",
        ),
    ],
)
def test_a_yes_row_whose_note_says_a_copy_was_read_breaks_the_schema(
    tmp_path, table, folder, key, note
):
    frame = pd.read_csv(ROOT / RAW / folder / f"{table}.csv", dtype=str, keep_default_na=False)
    mask = pd.Series(True, index=frame.index)
    for column, value in key.items():
        mask &= frame[column] == value
    [index] = frame.index[mask]
    assert frame.loc[index, "verified"] == "yes"
    frame.loc[index, "note"] = note
    target = tmp_path / f"{table}.csv"
    frame.to_csv(target, index=False)
    with pytest.raises(ValidationError) as error:
        read_table(target, SCHEMAS / f"{table}.yaml")
    assert f"row {index + 2}, column 'verified'" in str(error.value)
    assert "at most 'partial'" in str(error.value)


def test_a_decision_number_carries_the_status_of_its_record(tables):
    """The Temporary Protection Regulation's decision No. 2014/6883 was read only in a
    copy (TR_TPR_2014 leaves 'number' out of verified_fields): an event that states it
    in a description read in a primary text disagrees."""
    events = tables["events"]
    index = row_of(events, event_id="tpr_in_force")
    events.loc[index, "description_en"] = events.loc[index, "description_en"].replace(
        "The Temporary Protection Regulation,",
        "The Temporary Protection Regulation (Council of Ministers Decision No. 2014/6883),",
    )
    [finding] = fact_findings(tables)
    assert "decision No. 2014/6883 of TR_TPR_2014 (in description_en)" in str(finding)
    assert "'number'" in str(finding)


def test_a_decision_number_the_record_does_not_hold_is_a_finding(tables):
    events = tables["events"]
    index = row_of(events, event_id="tpr_in_force")
    events.loc[index, "description_tr"] += " (2014/6999 sayılı Bakanlar Kurulu Kararı)"
    [finding] = fact_findings(tables)
    assert "states decision No. 2014/6999" in str(finding) and "records 2014/6883" in str(finding)


# --------------------------------------------------------------------------- citations on events


def manuscript_texts() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "manuscript").glob("*/[0-9]*.md"))
    }


def test_the_committed_texts_cite_events_by_their_sources(committed):
    assert event_citation_findings(committed["events"], manuscript_texts()) == []


def test_the_2015_facility_decision_cannot_source_the_june_2018_step(committed):
    """The error the fact-checker found: the European Council's agreement of June 2018
    cited to the Commission's decision of 2015."""
    text = (
        "and the European Council agreed to launch it on\n"
        "{{event_frit_second_tranche_agreed}} [@frit2015]; the customs union"
    )
    [finding] = event_citation_findings(committed["events"], {"en/30.md": text})
    assert finding.startswith("en/30.md, line 2: [@frit2015]")
    assert "frit_second_tranche_agreed" in finding and "euco2018conclusions" in finding


def test_a_turkish_verb_between_date_and_citation_still_links_them(committed):
    text = (
        "AB Zirvesi {{event_frit_second_tranche_agreed}} tarihinde kararlaştırmıştır [@frit2015]."
    )
    assert event_citation_findings(committed["events"], {"tr/30.md": text})


def test_a_citation_after_a_clause_break_is_not_the_events(committed):
    text = "on {{event_frit_second_tranche_agreed}}, while others disagree [@frit2015]."
    assert event_citation_findings(committed["events"], {"en/30.md": text}) == []


# --------------------------------------------------------------------------- Turkish terms


@pytest.fixture(scope="module")
def glossary() -> dict:
    return yaml.safe_load((ROOT / "manuscript" / "glossary.yaml").read_text("utf-8"))


@pytest.mark.parametrize(
    "sentence",
    [
        "Mutabakatla birlikte azalmıştır (olay oranı 0,4).",
        "Sınırlama hipotezi ilk kısmında doğrulanmaktadır.",
        "İş birliği işlemsel bir düzenlemedir.",
        "Tsourapas'ın mülteci rantiyesi devlet kavramı.",
        "Kaya'nın bulduğu Avrupa'dan uzaklaşma.",
        "Üçüncüsü nedensel özdeşlemedir.",  # identification is tanımlama (referee, 8 Dec)
        "bir tavan dahilinde yeniden yerleştirme",
        "Göç ve İltica Bürosu hazırlamıştır.",
    ],
)
def test_the_glossary_forbids_the_terms_the_reader_objected_to(glossary, sentence):
    assert glossary_problems({"tr/x.md": sentence}, glossary["tr"], "tr")


def test_the_glossarys_turkish_words_are_the_texts(glossary):
    assert (
        glossary_problems(
            {"tr/x.md": "Çevreleme hipotezi; pazarlığa dayalı bir düzenleme; insidans hızı oranı."},
            glossary["tr"],
            "tr",
        )
        == []
    )


# --------------------------------------------------------------------------- reference list

# Notes that were printed in English in the Turkish reference list, and words of the
# kind: none may remain in a note field (titles keep the language they were published in).
ENGLISH_NOTES = re.compile(
    r"Official Journal|Official Gazette|\bsigned\b|Agreed ad referendum|\bactivated\b|"
    r"issued under|Press release|data package|\bcompiling\b|\brelease\b|\bChamber\b|"
    r"summary published|Communication from|Grand National Assembly|\bblog,|Faculty of|"
    r"\bpublication\b|\bReport\b|posted by|\bpoint\b|part of the|Database|\bPlenary\b"
)


def bibliography_text(config: dict) -> str:
    data = datasets_bibtex(config["datasets"], config["sources"])
    return (ROOT / "manuscript" / "references.bib").read_text(encoding="utf-8") + "\n" + data


def test_localising_swaps_the_language_field_and_drops_the_others():
    bib = (
        "@misc{a,\n  title = {T},\n  howpublished = {Press release, {EU}},\n"
        "  howpublished-tr = {Basın açıklaması, {AB}},\n  note-de = {Pressemitteilung},\n"
        "  year = {2016},\n}\n"
    )
    assert localise_bibtex(bib, "tr") == (
        "@misc{a,\n  title = {T},\n  howpublished = {Basın açıklaması, {AB}},\n"
        "  year = {2016},\n}\n"
    )
    assert "Press release" in localise_bibtex(bib, "en")
    assert "-tr" not in localise_bibtex(bib, "en") and "-de" not in localise_bibtex(bib, "en")


def test_the_turkish_notes_of_the_bibliography_are_turkish(config):
    found = {
        f"{key}.{field}: {value}"
        for key, fields in localised_fields(bibliography_text(config), "tr").items()
        for field, value in fields.items()
        if ENGLISH_NOTES.search(value)
    }
    assert not found, "English notes in the Turkish reference list:\n" + "\n".join(sorted(found))


def test_the_rendered_turkish_reference_list_holds_no_english_note(config, tmp_path):
    """The reference list as citeproc writes it for the Turkish text, every entry cited."""
    bib = tmp_path / "references.bib"
    bib.write_text(localise_bibtex(bibliography_text(config), "tr"), encoding="utf-8")
    source = tmp_path / "tr.md"
    source.write_text('---\nlang: tr-TR\nnocite: "@*"\n---\n\n::: {#refs}\n:::\n', "utf-8")
    pandoc = pypandoc.get_pandoc_path()
    run = {"cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([pandoc, str(source), "--to=json", f"--output={tmp_path / 's.json'}"], **run)
    subprocess.run(
        [
            pandoc,
            str(tmp_path / "s.json"),
            f"--defaults={PANDOC_DEFAULTS / 'citeproc.yaml'}",
            f"--bibliography={bib}",
            "--to=plain",
            f"--output={tmp_path / 'refs.txt'}",
        ],
        **run,
    )
    listed = " ".join((tmp_path / "refs.txt").read_text("utf-8").split())
    assert "Resmî Gazete" in listed and "Basın açıklaması" in listed
    notes = re.compile(
        r"Official Journal|Official Gazette|\(signed|Agreed ad referendum|issued under|"
        r"Press release|R data package|Temporary Protection Regulation\]"
    )
    assert not notes.findall(listed), notes.findall(listed)

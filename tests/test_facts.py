"""One fact, one record: the cross-file check of the coded inputs (asylum_regime.facts).

The committed inputs agree; each kind of disagreement, made in a copy, is reported
naming file, row and column, and the other place it disagrees with."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from asylum_regime.coding import read_table
from asylum_regime.facts import FactsError, fact_findings, facts_report, field_status
from asylum_regime.harmonisation import CODED_TABLES, load_coded_inputs
from asylum_regime.paths import TABLE_SCHEMAS as SCHEMAS
from tests.conftest import ROOT

RAW = Path("data") / "raw"  # relative to the repository root, as the build names the files
EVENTS = "data/raw/policy/events.csv"
TR = "data/raw/legal/tr_instruments.csv"


@pytest.fixture(scope="module")
def committed(monkeypatch_module) -> dict[str, pd.DataFrame]:
    files = {
        name: RAW / ("legal" if name.endswith("instruments") else "policy") / f"{name}.csv"
        for name in CODED_TABLES
    }
    schemas = {name: SCHEMAS / f"{name}.yaml" for name in [*CODED_TABLES, "alignment"]}
    tables = load_coded_inputs(files, sorted((RAW / "legal" / "alignment").glob("*.csv")), schemas)
    tables["second_coding"] = read_table(
        RAW / "legal" / "second_coding.csv", SCHEMAS / "second_coding.yaml"
    )
    return tables


@pytest.fixture(scope="module")
def monkeypatch_module():
    """The tables name their files relative to the repository root, as the build does."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        yield patch


@pytest.fixture
def tables(committed) -> dict[str, pd.DataFrame]:
    return copy.deepcopy(committed)


def where(table: pd.DataFrame, **key) -> int:
    mask = pd.Series(True, index=table.index)
    for column, value in key.items():
        if pd.api.types.is_datetime64_any_dtype(table[column]):
            mask &= table[column] == pd.Timestamp(value)
        else:
            mask &= table[column].astype(str) == str(value)
    [index] = table.index[mask]
    return index


def found(tables) -> str:
    return "\n".join(map(str, fact_findings(tables)))


def test_the_committed_inputs_agree(committed):
    report = facts_report(committed)
    assert report["disagreements"] == [], "\n".join(report["disagreements"])
    assert report["compared"]["events_linked_to_instruments"] >= 10
    assert (
        report["compared"]["second_coding_units"]
        == report["compared"]["alignment_intervals_with_instrument"]
    )


def test_an_event_date_that_differs_from_the_instrument_names_both_places(tables):
    events = tables["events"]
    events.loc[where(events, event_id="law6458_published"), "date"] = pd.Timestamp("2013-04-12")
    text = found(tables)
    assert f"{EVENTS}, row 7, column 'date': differs from {TR} row 4 column 'rg_date' " in text
    assert "(2013-04-11), the 'rg_date' of TR_LAW_6458 (value: '2013-04-12')" in text


def test_an_event_dating_a_stage_the_record_leaves_empty_is_a_disagreement(tables):
    events = tables["events"]
    row = where(events, event_id="law7196")
    events.loc[row, ["instrument_date", "date"]] = ["in_force", pd.Timestamp("2019-12-24")]
    assert "dates the 'in_force' of TR_LAW_7196, which " in found(tables)
    assert "leaves empty (not verified there)" in found(tables)


def test_the_same_date_must_carry_the_same_status(tables):
    events = tables["events"]
    events.loc[where(events, event_id="reg_1994"), "verified"] = "yes"
    text = found(tables)
    assert (
        f"{EVENTS}, row 2, column 'verified': the rg_date of TR_REG_1994: status 'yes' here" in text
    )
    assert f"'partial' in {TR} row 2 column 'rg_date'" in text


def test_verified_fields_give_a_partial_row_a_primary_field(tables):
    record = tables["tr_instruments"].loc[
        where(tables["tr_instruments"], instrument_id="TR_LAW_6458")
    ]
    assert field_status(record, "rg_number") == "yes"
    assert field_status(record, "in_force") == "partial"


def test_a_gazette_number_in_an_events_wording_is_the_records(tables):
    events = tables["events"]
    row = where(events, event_id="tp_work_regulation")
    events.loc[row, "description_en"] = events.loc[row, "description_en"].replace("29594", "29695")
    assert (
        f"{EVENTS}, row 18, column 'description_en': states Gazette No. 29695, but {TR} row 7 "
        "column 'rg_number' records No. 29594 for TR_TP_WORK_2016"
    ) in found(tables)


def test_an_interval_starts_on_the_entry_into_force_of_its_instrument(tables):
    coding = tables["alignment"]
    row = where(coding, requirement_id="R04", valid_from="2016-03-17")
    coding.loc[row, "valid_from"] = pd.Timestamp("2016-03-18")
    text = found(tables)
    assert "reception.csv, row 8, column 'valid_from': must be the entry into force of " in text
    assert "TR_IMPL_REG_2016, 2016-03-17" in text
    # and the interval before it no longer meets it
    assert "reception.csv, row 7, column 'valid_to': must be the day before the next" in text


def test_an_interval_on_an_unverified_entry_into_force_cannot_be_yes(tables):
    coding = tables["alignment"]
    coding.loc[where(coding, requirement_id="P02", valid_from="2019-12-24"), "verified"] = "yes"
    assert (
        "procedure.csv, row 6, column 'verified': the interval's start rests on it, and the "
        in (found(tables))
    )
    assert "entry into force of TR_LAW_7196 is not verified" in found(tables)


def test_citations_in_text_must_match_the_records(tables):
    coding = tables["alignment"]
    row = where(coding, requirement_id="R04", valid_from="2016-03-17")
    coding.loc[row, "source"] = (
        "EUR-Lex 32013L0033 (OJ L 180, 29.6.2013, p. 97) Art. 9; Law 6458 (RG 28615, 11.04.2012; "
        "in force 11.04.2015); Law 7196 (adopted 07.12.2019, in force 24.12.2019); RG 01.01.2016"
    )
    text = found(tables)
    assert 'cites "RG 28615, 11.04.2012; in force 11.04.2015", but' in text
    assert "dates Gazette No. 28615 (TR_LAW_6458) 2013-04-11" in text
    assert "records 2014-04-11" in text
    assert 'cites "in force 24.12.2019", an entry into force that no instrument' in text
    assert 'cites "adopted 07.12.2019", an adoption date that no instrument' in text
    assert 'cites "RG 01.01.2016", a Gazette date that no instrument' in text
    assert 'cites "OJ L 180, 29.6.2013, p. 97" for CELEX 32013L0033' in text


def test_a_gazette_number_unknown_to_the_records_on_a_recorded_date_is_flagged(tables):
    record = where(tables["tr_instruments"], instrument_id="TR_KHK_676")
    tables["tr_instruments"].loc[record, "note"] = "Published in RG 29872, 29.10.2016."
    assert 'cites "RG 29872, 29.10.2016", but the Gazette of 2016-10-29 is recorded for ' in found(
        tables
    )
    # a court judgment's Gazette is another publication, not a disagreement
    tables["tr_instruments"].loc[record, "note"] = "Judgment in RG 09.07.2019 No. 30826."
    assert found(tables) == ""


def test_the_second_coding_names_the_alignment_intervals_with_their_scores(tables):
    units = tables["second_coding"]
    units.loc[where(units, requirement_id="Q01", valid_from="1994-11-30"), "reconciled_score"] = 1.0
    tables["second_coding"] = units.drop(
        index=where(units, requirement_id="R02", valid_from="2014-04-11")
    )
    text = found(tables)
    assert "second_coding.csv, row " in text and "column 'reconciled_score': differs from " in text
    assert "reception.csv, row 4, column 'valid_from': this applicable interval has no unit" in text


def test_verified_fields_must_name_filled_columns_of_a_partial_row(tables):
    instruments = tables["tr_instruments"]
    instruments.loc[where(instruments, instrument_id="TR_LAW_6714"), "verified_fields"] = "adopted"
    instruments.loc[where(instruments, instrument_id="TR_LAW_7070"), "verified_fields"] = (
        "rg_date x"
    )
    text = found(tables)
    assert "lists fields on a row whose status is 'yes'" in text
    assert "'rg_date' is empty in this row, so it cannot have been read" in text
    assert "'x' is not a column of tr_instruments.csv" in text


def test_the_error_lists_every_disagreement():
    error = FactsError(["a.csv, row 2, column 'x': one", "b.csv, row 3, column 'y': two"])
    assert "2 disagreement(s)" in str(error) and "b.csv, row 3" in str(error)

"""Schema and cross-row checks of the project-authored legal coding."""

from __future__ import annotations

import pandas as pd
import pytest

from asylum_regime.coding import read_alignment
from asylum_regime.paths import TABLE_SCHEMAS as SCHEMAS
from paperkit.validate import ValidationError

HEADER = (
    "requirement_id,group,eu_instrument_id,eu_article,requirement_en,requirement_tr,"
    "applicable,tr_instrument_id,tr_article,valid_from,valid_to,score,justification_en,"
    "source,verified,note\n"
)
GOOD = [
    "A01,qualification,EU_QD_2011_95,Art. 21,Non-refoulement,Geri gönderme yasağı,true,"
    "TR_LAW_6458,Art. 4,2014-04-11,,1,Art. 4 prohibits refoulement,EUR-Lex; RG 28615,yes,",
    "A02,qualification,EU_QD_2011_95,Art. 2(d),Refugee definition,Mülteci tanımı,true,"
    "TR_LAW_6458,Art. 61,2014-04-11,,0.5,Geographical limitation kept,EUR-Lex; RG 28615,yes,",
    "A03,dublin_eurodac,EU_QD_2011_95,Art. 3,Dublin allocation,Dublin,false,,,,,,"
    "Cannot apply to a non-member,EUR-Lex,yes,",
]
EU = pd.DataFrame({"instrument_id": ["EU_QD_2011_95"]})
TR = pd.DataFrame({"instrument_id": ["TR_LAW_6458"]})


def write(tmp_path, rows, name="a.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def load(paths):
    return read_alignment(paths, SCHEMAS / "alignment.yaml", EU, TR)


def test_good_coding_loads_typed(tmp_path):
    coding = load([write(tmp_path, GOOD)])
    assert coding["applicable"].tolist() == [True, True, False]
    assert coding.loc[1, "score"] == 0.5
    assert coding.loc[0, "valid_from"] == pd.Timestamp("2014-04-11")
    assert coding["source_row"].tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda r: r.replace(",0.5,", ",0.7,"),
            "a.csv, row 3, column 'score': must be 0, 0.5 or 1",
        ),
        (
            lambda r: r.replace(",0.5,", ",,"),
            "a.csv, row 3, column 'score': a score is required when applicable is true",
        ),
        (
            lambda r: r.replace("2014-04-11", "11.04.2014"),
            "a.csv, row 3, column 'valid_from': must be of type date",
        ),
        (
            lambda r: r.replace("TR_LAW_6458", "TR_LAW_9999"),
            "a.csv, row 3, column 'tr_instrument_id': must name an instrument in tr_",
        ),
        (
            lambda r: r.replace(",true,", ",maybe,"),
            "a.csv, row 3, column 'applicable': must be of type boolean",
        ),
        (
            lambda r: r.replace("qualification", "qualifications"),
            "a.csv, row 3, column 'group': must be one of",
        ),
        (
            lambda r: r.replace(",,0.5", ",2013-01-01,0.5"),
            "a.csv, row 3, column 'valid_to': must not be before valid_from",
        ),
    ],
)
def test_a_malformed_row_names_file_row_column_and_rule(tmp_path, edit, message):
    rows = [GOOD[0], edit(GOOD[1]), GOOD[2]]
    with pytest.raises(ValidationError) as error:
        load([write(tmp_path, rows)])
    assert message in str(error.value)


def test_overlapping_intervals_are_rejected(tmp_path):
    later = GOOD[0].replace("2014-04-11,,1", "2016-01-01,,0.5")
    with pytest.raises(ValidationError, match=r"row 3, column 'valid_from': interval overlaps"):
        load([write(tmp_path, [GOOD[0], later])])


def test_a_requirement_coded_in_two_files_is_rejected(tmp_path):
    first = write(tmp_path, [GOOD[0]], "a.csv")
    second = write(tmp_path, [GOOD[0].replace("2014-04-11,,1", "1994-11-30,2014-04-10,0")], "b.csv")
    with pytest.raises(ValidationError, match="A01 is also coded in another file"):
        load([first, second])


def test_committed_inputs_validate():
    """Every committed legal and policy table passes its schema and the cross-file rules."""
    from asylum_regime.harmonisation import CODED_TABLES, load_coded_inputs
    from tests.conftest import ROOT

    raw = ROOT / "data" / "raw"
    files = {
        name: raw / ("legal" if name.endswith("instruments") else "policy") / f"{name}.csv"
        for name in CODED_TABLES
    }
    schemas = {name: SCHEMAS / f"{name}.yaml" for name in [*CODED_TABLES, "alignment"]}
    tables = load_coded_inputs(files, sorted((raw / "legal" / "alignment").glob("*.csv")), schemas)
    coding = tables["alignment"]
    assert coding["requirement_id"].nunique() >= 60
    assert coding.loc[coding["applicable"], "requirement_id"].nunique() >= 60

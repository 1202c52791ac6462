"""Coding reliability that supports the conclusions (issue 23, item 6): Krippendorff's alpha
before and after adjudication against the ``krippendorff`` library and a hand computation,
its bootstrap interval, the adjudication rule's check (every reconciliation names the
clauses of the codebook's rule it applied, and follows them), and the agreed-units coding of
the legislative index (``coding: agreed_only``), which leaves out exactly the disputed units."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from asylum_regime.coding import read_table
from asylum_regime.harmonisation import (
    CODED_TABLES,
    IndexParts,
    agreed_units_only,
    benchmark_coding,
    disputed_units,
    load_coded_inputs,
    verified_only,
)
from asylum_regime.indices import annual_scores, legislative_index
from asylum_regime.paths import TABLE_SCHEMAS as SCHEMAS
from asylum_regime.reliability import (
    CLAUSES,
    adjudication_violations,
    bootstrap_alpha_interval,
    check_adjudication,
    codebook_clauses,
    krippendorff_alpha,
    reliability,
)
from paperkit.validate import ValidationError
from tests.conftest import ROOT

CODEBOOK = ROOT / "data/raw/legal/README.md"
SECOND_CODING = ROOT / "data/raw/legal/second_coding.csv"


@pytest.fixture(scope="module")
def committed() -> dict[str, pd.DataFrame]:
    """The committed coded inputs with the second coding, as the indices' jobs read them."""
    raw = ROOT / "data" / "raw"
    files = {
        name: raw / ("legal" if name.endswith("instruments") else "policy") / f"{name}.csv"
        for name in CODED_TABLES
    }
    schemas = {name: ROOT / SCHEMAS / f"{name}.yaml" for name in [*CODED_TABLES, "alignment"]}
    tables = load_coded_inputs(files, sorted((raw / "legal" / "alignment").glob("*.csv")), schemas)
    tables["second_coding"] = read_table(SECOND_CODING, ROOT / SCHEMAS / "second_coding.yaml")
    return tables


# ------------------------------------------------------------------------ alpha, by hand


def ordinal_alpha_by_hand(first, second, domain=(0.0, 0.5, 1.0)) -> float:
    """Krippendorff's ordinal alpha of two coders without missing values, from the
    coincidence matrix (Krippendorff 2011, 'Computing Krippendorff's Alpha-Reliability',
    sections A and E): o_ck counts each unit's two ordered pairs; the ordinal distance of
    c and k is (sum of the marginals n_g from c to k - (n_c + n_k) / 2) squared."""
    index = {value: position for position, value in enumerate(domain)}
    size = len(domain)
    observed = np.zeros((size, size))
    for a, b in zip(first, second, strict=True):
        observed[index[a], index[b]] += 1
        observed[index[b], index[a]] += 1
    marginals, total = observed.sum(axis=1), observed.sum()

    def distance(c: int, k: int) -> float:
        low, high = min(c, k), max(c, k)
        return (marginals[low : high + 1].sum() - (marginals[c] + marginals[k]) / 2) ** 2

    pairs = [(c, k) for c in range(size) for k in range(size)]
    disagreement_observed = sum(observed[c, k] * distance(c, k) for c, k in pairs)
    disagreement_expected = sum(marginals[c] * marginals[k] * distance(c, k) for c, k in pairs)
    return 1 - (total - 1) * disagreement_observed / disagreement_expected


FIRST = [0.0, 0.0, 0.5, 0.5, 1.0, 1.0, 0.5, 1.0, 0.0, 0.5]
SECOND = [0.0, 0.5, 0.5, 1.0, 1.0, 1.0, 0.0, 0.5, 0.0, 0.5]


def test_ordinal_alpha_is_the_librarys_and_the_hand_computation():
    alpha = krippendorff_alpha(FIRST, SECOND, "ordinal")
    library = krippendorff.alpha(
        reliability_data=np.array([FIRST, SECOND]),
        level_of_measurement="ordinal",
        value_domain=[0.0, 0.5, 1.0],
    )
    assert alpha == pytest.approx(library)
    assert alpha == pytest.approx(ordinal_alpha_by_hand(FIRST, SECOND))
    # the level matters here: the interval and nominal alphas differ from the ordinal one
    assert krippendorff_alpha(FIRST, SECOND, "nominal") != pytest.approx(alpha, abs=1e-3)


def test_the_alphas_before_and_after_adjudication_are_the_librarys_on_the_committed_file():
    units = read_table(SECOND_CODING, ROOT / SCHEMAS / "second_coding.yaml")
    first, second, adjudicated = (
        units[column].astype(float).to_numpy()
        for column in ("first_score", "second_score", "reconciled_score")
    )
    result = reliability(units, draws=200, seed=1)

    def library(a, b) -> float:
        return krippendorff.alpha(
            reliability_data=np.array([a, b]),
            level_of_measurement="ordinal",
            value_domain=[0.0, 0.5, 1.0],
        )

    assert result.alpha["ordinal"] == pytest.approx(library(first, second))
    assert result.alpha["ordinal"] == pytest.approx(ordinal_alpha_by_hand(first, second))
    assert result.alpha_adjudicated == pytest.approx(
        {"first": library(first, adjudicated), "second": library(second, adjudicated)}
    )
    # each coder against the adjudicated scores agrees more than the coders did: the
    # adjudicated coding keeps every agreement and one reading of each disagreement
    assert min(result.alpha_adjudicated.values()) > result.alpha["ordinal"]
    assert round(result.alpha["ordinal"], 3) == 0.767


def test_the_bootstrap_interval_is_seeded_holds_the_estimate_and_narrows_with_more_units():
    alpha = krippendorff_alpha(FIRST, SECOND)
    low, high = bootstrap_alpha_interval(FIRST, SECOND, draws=500, seed=7)
    assert low < alpha < high
    assert bootstrap_alpha_interval(FIRST, SECOND, draws=500, seed=7) == (low, high)
    many_low, many_high = bootstrap_alpha_interval(FIRST * 8, SECOND * 8, draws=500, seed=7)
    assert many_high - many_low < high - low


# ------------------------------------------------------------------------ adjudication rule


def disagreements(rows: list[tuple]) -> pd.DataFrame:
    """Units of a second coding: (first, second, reconciled, reconciliation, rule_clauses)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "first_score",
            "second_score",
            "reconciled_score",
            "reconciliation",
            "rule_clauses",
        ],
    )
    return frame.assign(
        requirement_id="Q01", source_file="second_coding.csv", source_row=frame.index + 2
    )


def test_the_codebook_states_exactly_the_clauses_the_check_knows():
    assert sorted(codebook_clauses(CODEBOOK.read_text(encoding="utf-8"))) == sorted(CLAUSES)


def test_every_committed_reconciliation_names_and_follows_the_rule():
    units = read_table(SECOND_CODING, ROOT / SCHEMAS / "second_coding.yaml")
    check_adjudication(units, CODEBOOK.read_text(encoding="utf-8"), str(CODEBOOK))
    differ = units["first_score"] != units["second_score"]
    assert units.loc[differ, "rule_clauses"].notna().all()
    assert units.loc[~differ, "rule_clauses"].isna().all()
    named = Counter(c for value in units["rule_clauses"].dropna() for c in value.split())
    assert named["full"] + named["partial"] + named["none"] == int(differ.sum()) == 23


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            (0.0, 0.5, 0.0, "first reading (0) adopted: x", None),
            "row 2, column 'rule_clauses': a disagreement names the clauses of the "
            "adjudication rule that decided it",
        ),
        ((0.0, 0.5, 0.0, "first reading (0) adopted: x", "none hunch"), "'hunch'"),
        ((0.0, 0.5, 0.0, "first reading (0) adopted: x", "evidence"), "exactly one scale"),
        ((0.0, 0.5, 0.0, "first reading (0) adopted: x", "none partial"), "exactly one scale"),
        (
            (0.0, 0.5, 0.0, "first reading (0) adopted: x", "partial"),
            "the scale clause 'partial' gives 0.5, but the reconciled score is 0",
        ),
        (
            (0.0, 0.5, 0.0, "first reading (0) adopted: AIDA says so", "none evidence"),
            "column 'reconciliation': applies 'evidence': the reason must say",
        ),
        (
            (0.0, 0.5, 0.5, "second reading (0.5) adopted: x", "partial operative"),
            "column 'reconciled_score': applies 'operative': the lower reading (0) is adopted",
        ),
        ((0.5, 0.5, 0.5, "agree", "partial"), "an agreement names no clause"),
        ((0.0, 0.5, 0.0, "first reading (0) adopted: x", "none none"), "names a clause twice"),
    ],
)
def test_a_reconciliation_that_does_not_follow_the_rule_is_named(row, message):
    with pytest.raises(ValidationError) as error:
        check_adjudication(disagreements([row]), CODEBOOK.read_text(encoding="utf-8"), "cb")
    assert message in str(error.value)


def test_reconciliations_that_follow_the_rule_pass():
    rows = [
        (0.5, 0.5, 0.5, "agree", None),
        (
            0.0,
            0.5,
            0.0,
            "first reading (0) adopted: coder 2 relied on a recollection",
            "none evidence",
        ),
        (1.0, 0.5, 0.5, "second reading (0.5) adopted: only enabling", "partial operative"),
        (0.5, 1.0, 1.0, "second reading (1) adopted: as for P01", "full consistency placement"),
    ]
    stated = codebook_clauses(CODEBOOK.read_text(encoding="utf-8"))
    assert adjudication_violations(disagreements(rows), stated) == []


def test_a_codebook_without_a_clause_the_data_name_stops_the_check():
    text = CODEBOOK.read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if not line.startswith("| `placement`"))
    with pytest.raises(ValidationError) as error:
        check_adjudication(disagreements([]), without, "data/raw/legal/README.md")
    assert "data/raw/legal/README.md" in str(error.value)
    assert "must state the clauses" in str(error.value)


# ------------------------------------------------------------------------ agreed units only


def small_tables() -> dict[str, pd.DataFrame]:
    """Three requirements of one instrument: A scored 0.5 then 1 (the coders disagreed on
    the second interval), B scored 1 from 2014 (agreed; no provision before: scored 0), C
    scored 0 from 2010 (disagreed)."""
    alignment = pd.DataFrame(
        [
            ("A", "2010-01-01", "2013-12-31", 0.5),
            ("A", "2014-01-01", None, 1.0),
            ("B", "2014-01-01", None, 1.0),
            ("C", "2010-01-01", None, 0.0),
        ],
        columns=["requirement_id", "valid_from", "valid_to", "score"],
    ).assign(
        eu_instrument_id="EU_X",
        group="g",
        applicable=True,
        verified="partial",
        valid_from=lambda f: pd.to_datetime(f["valid_from"]),
        valid_to=lambda f: pd.to_datetime(f["valid_to"]),
    )
    second = pd.DataFrame(
        [
            ("A", "2010-01-01", 0.5, 0.5),
            ("A", "2014-01-01", 1.0, 0.5),
            ("B", "2014-01-01", 1.0, 1.0),
            ("C", "2010-01-01", 0.0, 0.5),
        ],
        columns=["requirement_id", "valid_from", "first_score", "second_score"],
    ).assign(valid_from=lambda f: pd.to_datetime(f["valid_from"]))
    return {"alignment": alignment, "second_coding": second}


def test_agreed_only_leaves_out_the_disputed_requirement_years_and_nothing_else():
    marked = agreed_units_only(small_tables())["alignment"]
    assert marked["left_out"].tolist() == [False, True, False, True]
    index = legislative_index(marked, 2012, 2015).set_index("year")["index"]
    # 2012, 2013: A 0.5 (agreed), B no provision yet (0, stays), C left out -> 0.25
    assert index[2012] == pytest.approx(0.25) and index[2013] == pytest.approx(0.25)
    # 2014, 2015: A's second interval and C left out; B 1 -> 1
    assert index[2014] == pytest.approx(1.0)
    every = legislative_index(small_tables()["alignment"], 2012, 2015).set_index("year")["index"]
    assert every[2013] == pytest.approx(0.5 / 3) and every[2014] == pytest.approx(2 / 3)


def test_agreed_only_on_the_committed_coding_leaves_out_exactly_the_disputed_units(committed):
    tables = committed
    disputed = disputed_units(tables["second_coding"])
    assert len(disputed) == 23
    spec = {"benchmark_instruments": sorted(tables["alignment"]["eu_instrument_id"].unique())}
    every = annual_scores(benchmark_coding(tables["alignment"], spec), 1990, 2025)
    agreed = annual_scores(
        benchmark_coding(agreed_units_only(tables)["alignment"], spec), 1990, 2025
    )
    left_out = every.merge(agreed, how="left", indicator=True, on=["requirement_id", "year"])
    left_out = left_out[left_out["_merge"] == "left_only"]
    # each left-out requirement-year lies in a disputed interval, and each disputed interval
    # is left out in every year-end it covers
    alignment = tables["alignment"].merge(disputed, on=["requirement_id", "valid_from"])
    expected = {
        (row.requirement_id, year)
        for row in alignment.itertuples()
        for year in range(1990, 2026)
        if row.valid_from <= pd.Timestamp(f"{year}-12-31")
        and (pd.isna(row.valid_to) or row.valid_to >= pd.Timestamp(f"{year}-12-31"))
    }
    assert set(zip(left_out["requirement_id"], left_out["year"], strict=True)) == expected
    assert expected  # the coders' disagreements do reach the index
    # what stays keeps its score
    kept = every.merge(agreed, on=["requirement_id", "year"], suffixes=("", "_agreed"))
    assert (kept["score"] == kept["score_agreed"]).all()


def test_the_multiverse_parts_build_the_agreed_only_index_from_the_same_marking(committed):
    tables = committed
    spec = {
        "benchmark_instruments": ["EU_QD_2011_95", "EU_APD_2013_32", "EU_RD_2008_115"],
        "first_year": 2010,
        "last_year": 2020,
    }
    parts = IndexParts(tables, pd.DataFrame(), spec)
    for unverified in ("include", "exclude"):
        marked = agreed_units_only(tables)
        marked = verified_only(marked) if unverified == "exclude" else marked
        direct = legislative_index(benchmark_coding(marked["alignment"], spec), 2010, 2020)
        built = parts.legislative(unverified, 0.5, "provision", "agreed_only")
        pd.testing.assert_frame_equal(built, direct)
        assert not built.equals(parts.legislative(unverified, 0.5, "provision", "reconciled"))


def test_a_disputed_unit_that_is_not_an_alignment_interval_is_an_error():
    tables = small_tables()
    tables["second_coding"].loc[1, "valid_from"] = pd.Timestamp("2015-01-01")
    with pytest.raises(ValueError, match="A from 2015-01-01"):
        agreed_units_only(tables)


def test_the_indices_multiverse_declares_the_coding_dimension_with_reconciled_main():
    import yaml

    config = yaml.safe_load(Path(ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    indices = config["multiverse"]["indices"]
    assert indices["dimensions"]["coding"] == ["reconciled", "agreed_only"]
    assert indices["main"]["coding"] == "reconciled"

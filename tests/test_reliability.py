"""Inter-coder reliability (asylum_regime.reliability): Krippendorff's alpha against textbook
values, perfect agreement, the second coding's own logic, and the committed numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asylum_regime.coding import read_table
from asylum_regime.paths import TABLE_SCHEMAS as SCHEMAS
from asylum_regime.reliability import (
    check_second_coding,
    krippendorff_alpha,
    reliability,
    reliability_numbers,
)
from paperkit.validate import ValidationError
from tests.conftest import ROOT


def test_alpha_on_krippendorffs_textbook_example():
    """Krippendorff (2011), 'Computing Krippendorff's Alpha-Reliability', section C: two
    observers, ten units, binary values; alpha (nominal) = 0.095."""
    first = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    second = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    alpha = krippendorff_alpha(first, second, "nominal", domain=(0, 1))
    assert alpha == pytest.approx(0.095, abs=0.0005)


def test_alpha_by_hand_for_two_coders_interval():
    """Two coders, interval metric: alpha = 1 - D_o / D_e with the pairable values; for
    (1, 2), (2, 3), (3, 3): D_o = 2/3 * (1 + 1) / ... computed from the coincidence matrix."""
    first, second = [1.0, 2.0, 3.0], [2.0, 3.0, 3.0]
    values = np.array(first + second)
    n = len(values)
    observed = sum((a - b) ** 2 for a, b in zip(first, second, strict=True)) * 2 / n
    expected = sum((a - b) ** 2 for a in values for b in values) / (n * (n - 1))
    assert krippendorff_alpha(first, second, "interval", domain=(1.0, 2.0, 3.0)) == (
        pytest.approx(1 - observed / expected)
    )


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=2, max_size=60))
def test_perfect_agreement_gives_alpha_one(scores):
    if len(set(scores)) < 2:  # no variation: alpha is undefined, not 1
        return
    for level in ("ordinal", "interval", "nominal"):
        assert krippendorff_alpha(scores, scores, level) == pytest.approx(1.0)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # no variation: nan
@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 0.5, 1.0]), st.sampled_from([0.0, 0.5, 1.0])),
        min_size=3,
        max_size=60,
    )
)
def test_alpha_never_exceeds_one(pairs):
    first, second = zip(*pairs, strict=True)
    alpha = krippendorff_alpha(first, second, "ordinal")
    assert math.isnan(alpha) or alpha <= 1 + 1e-12


def units(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["first_score", "second_score", "reconciled_score", "reconciliation"]
    )
    return frame.assign(
        requirement_id="Q01",
        source_file="second_coding.csv",
        source_row=frame.index + 2,
        rule_clauses=None,
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((0.5, 1.0, 0.5, "agree"), "row 2, column 'reconciliation': says 'agree' but the two"),
        ((0.5, 1.0, 0.5, "second reading (1) adopted: x"), "must be the second coder's score (1)"),
        ((0.5, 1.0, 0.5, "first reading (1) adopted: x"), "quotes the score 1, but the first"),
        ((1.0, 1.0, 1.0, "second reading (1) adopted: x"), "the scores are equal"),
        ((1.0, 0.5, 1.0, "kept mine"), "must start with 'agree'"),
    ],
)
def test_the_second_codings_own_logic_names_row_and_column(row, message):
    with pytest.raises(ValidationError) as error:
        check_second_coding(units([row]))
    assert message in str(error.value)


def test_counts_and_reconciliations():
    result = reliability(
        units(
            [
                (0.0, 0.0, 0.0, "agree"),
                (0.5, 0.5, 0.5, "agree; second coder proposed Art. 9, not applied"),
                (1.0, 0.5, 0.5, "second reading (0.5) adopted: x"),
                (0.0, 0.5, 0.0, "first reading (0) adopted: x"),
                (0.0, 1.0, 1.0, "second reading (1) adopted: x"),
            ]
        )
    )
    assert (result.units, result.agreements, result.disagreements) == (5, 2, 3)
    assert (result.half_apart, result.full_apart) == (2, 1)
    assert (result.second_higher, result.second_lower) == (2, 1)
    assert (result.second_adopted, result.first_kept, result.agree_with_proposal) == (2, 1, 1)
    assert result.reconciled_counts == {0.0: 2, 0.5: 2, 1.0: 1}


def test_the_committed_second_coding():
    """The figures the codebook reports (data/raw/legal/README.md), computed, not typed."""
    frame = check_second_coding(
        read_table(ROOT / "data/raw/legal/second_coding.csv", ROOT / SCHEMAS / "second_coding.yaml")
    )
    result = reliability(frame, draws=200)
    numbers = {name: entry["value"] for name, entry in reliability_numbers(result, 11).items()}
    assert numbers["second_coding_units"] == 127
    assert (numbers["second_coding_agreements"], numbers["second_coding_disagreements"]) == (
        104,
        23,
    )
    assert (numbers["second_coding_second_adopted"], numbers["second_coding_first_kept"]) == (
        12,
        11,
    )
    assert round(numbers["second_coding_alpha_ordinal"], 3) == 0.767
    assert round(numbers["second_coding_alpha_interval"], 3) == 0.754
    assert numbers["second_coding_disagreements_full"] == 0

"""Distinct fits of the multiverse (issue 23, item 4): specifications that give the same
model are detected from what was fitted, reported as one fit with all their labels and
the choices that coincide, and every share and range is taken over distinct fits."""

from __future__ import annotations

import pandas as pd
import pytest

from asylum_regime.its import ItsSetting
from asylum_regime.its import fit_specifications as fit_its_specifications
from asylum_regime.multiverse import distinct_fits, fit_fingerprint, robust_numbers
from asylum_regime.specifications import Specification, expand
from tests.test_models import ITS_CONFIG, simulated_monthly

DIMENSIONS = {
    "estimator": ["log_ols"],
    "hac_lags": [6],
    "trend": ["linear", "piecewise_2012"],
    "jap": ["none"],
    "events": ["none"],
    "start": ["2009-01", "2013-01"],
    "missing_month": ["missing", "imputed"],
}


@pytest.fixture(scope="module")
def its_table() -> pd.DataFrame:
    return fit_its_specifications(
        simulated_monthly(), ItsSetting.from_config(ITS_CONFIG), expand("its", DIMENSIONS)
    )


def choices_of(table: pd.DataFrame, **choices) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    for name, value in choices.items():
        mask &= table[name] == value
    return table[mask]


def test_specifications_that_fit_the_same_model_share_a_fingerprint(its_table):
    # 8 specifications; with a 2013 start the missing month (July 2012) and the 2012
    # hinge are outside the sample: the four 2013 specifications are one model
    assert len(its_table) == 8
    late = choices_of(its_table, start="2013-01")
    assert late["fit"].nunique() == 1
    assert late["statement_ratio"].nunique() == 1
    # from 2009 each choice changes the model
    early = choices_of(its_table, start="2009-01")
    assert early["fit"].nunique() == 4
    assert its_table["fit"].nunique() == 5


def test_the_same_fit_is_one_row_with_all_its_labels_and_what_coincides(its_table):
    main = choices_of(its_table, start="2013-01", trend="piecewise_2012", missing_month="imputed")
    main_id = main["specification"].iloc[0]
    fits = distinct_fits(its_table, DIMENSIONS, main_id)
    assert len(fits) == 5 and fits["fit"].is_unique
    [merged] = fits[fits["specifications"] > 1].to_dict("records")
    late = choices_of(its_table, start="2013-01")
    assert merged["specifications"] == 4
    assert merged["labels"].split() == sorted(late["specification"])
    assert merged["coincide"] == (
        "trend: linear = piecewise_2012; missing_month: missing = imputed"
    )
    # the main specification stands for its fit where it is among them
    assert merged["specification"] == main_id
    # elsewhere the first options in the config's order
    other = distinct_fits(its_table, DIMENSIONS, "its-none")
    [merged] = other[other["specifications"] > 1].to_dict("records")
    assert (merged["trend"], merged["missing_month"]) == ("linear", "missing")


def test_shares_and_ranges_are_over_distinct_fits():
    # three specifications, two of them one model: the share is 1 of 2 fits, not 2 of 3
    every = pd.DataFrame(
        {
            "specification": ["did-a", "did-b", "did-c"],
            "controls": ["all", "none", "all"],
            "did_ratio": [0.5, 0.5, 1.5],
            "did_ratio_low": [0.4, 0.4, 0.9],
            "did_ratio_high": [0.6, 0.6, 2.0],
            "pretrend_p": [0.01, 0.01, 0.2],
            "fit": ["f1", "f1", "f2"],
        }
    )
    fits = distinct_fits(every, {"controls": ["all", "none"]}, "did-c")
    numbers = robust_numbers("did", fits, Specification("did", "did-c", {}), every)
    value = {name: entry["value"] for name, entry in numbers.items()}
    assert value["mv_did_specifications"] == 3
    assert value["mv_did_fits"] == 2
    assert value["mv_did_share_fall"] == 0.5
    assert value["mv_did_ratio_median"] == pytest.approx(1.0)
    assert value["mv_did_main_ratio"] == 1.5


def test_the_fingerprint_reads_every_value_at_full_precision():
    frame = pd.DataFrame({"y": [1.0, 2.0], "x": [0.1, 0.2]})
    assert fit_fingerprint(frame, "ols") == fit_fingerprint(frame.copy(), "ols")
    assert fit_fingerprint(frame, "ols") != fit_fingerprint(frame, "poisson")
    nudged = frame.assign(x=[0.1, 0.2 + 1e-15])
    assert fit_fingerprint(frame, "ols") != fit_fingerprint(nudged, "ols")
    assert fit_fingerprint(frame, "ols") != fit_fingerprint(frame.rename(columns={"x": "z"}), "ols")


def test_an_its_fit_is_known_by_its_formula_and_exact_inputs_not_by_the_spline_basis(
    monkeypatch,
):
    """The spline basis patsy derives from the trend differs in its last bit between BLAS
    kernels (seen: OPENBLAS_CORETYPE=Prescott); the fingerprint must not follow it, or the
    same build on another machine writes other bytes."""
    import asylum_regime.its as its

    dimensions = DIMENSIONS | {"trend": ["spline"]}
    specifications = expand("its", dimensions)
    setting = ItsSetting.from_config(ITS_CONFIG)
    exact = its.fit_specifications(simulated_monthly(), setting, specifications)
    patsy_matrices = its.design_matrices

    def last_bit_noise(design, formula):
        y, exog = patsy_matrices(design, formula)
        spline = [name for name in exog.columns if name.startswith("cr(")]
        assert spline, "the specifications must have a spline trend"
        return y, exog.assign(**{name: exog[name] * (1 + 2**-52) for name in spline})

    monkeypatch.setattr(its, "design_matrices", last_bit_noise)
    noisy = its.fit_specifications(simulated_monthly(), setting, specifications)
    assert noisy["fit"].tolist() == exact["fit"].tolist()
    # the fingerprint still tells the models apart (2009 and 2013 starts; the missing
    # month only counts from 2009)
    assert exact["fit"].nunique() == 3

"""The paper's PPML (asylum_regime.ppml) against the field's: pyfixest's ``fepois``.

pyfixest (validated against R's fixest) is in the dev lock only. The build keeps its own
estimator: pyfixest gives the same coefficients and standard errors but costs the DiD
jobs more than their fits (about 1.5 CPU seconds to load on its first fit, in each of
the two jobs that fit DiD models, and 2-3 times the CPU per fit: 7.4-9.6 s against
12.4-12.9 s for the DiD work of a build, fresh processes, one BLAS thread).

Covariance: clustered by citizenship, CR1. The paper counts K in (N - 1) / (N - K) as
statsmodels does with dummy columns (``fe_dof="dummies"``), which is pyfixest's
``ssc(k_fixef="full")``; pyfixest's default (``k_fixef="nonnested"``: effects nested in
the clusters are not counted) is ``fe_dof="nested"``, and gives errors 4-6% smaller on
the paper's panel.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest

from asylum_regime import did as D
from asylum_regime.io import read_processed
from asylum_regime.multiverse import family_main
from asylum_regime.ppml import fit_ppml
from tests.ppml_panels import EFFECT, two_way_panel

COEF_ABS = 1e-9  # log ratios: the two IRLS stop at different last digits
SE_REL = 1e-6


def fepois(frame: pd.DataFrame, names: list[str], k_fixef: str):
    """pyfixest's PPML of applicants on ``names`` with nat and year effects, CR1 by nat."""
    formula = "applicants ~ " + " + ".join(names) + " | nat + year"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its notes on formula parsing and singletons
        return pf.fepois(
            formula,
            data=frame,
            vcov={"CRV1": "nat"},
            ssc=pf.ssc(k_fixef=k_fixef),
            iwls_tol=1e-12,
            fixef_tol=1e-12,
            iwls_maxiter=200,
        )


def ours(frame: pd.DataFrame, names: list[str], fe_dof: str = "dummies"):
    return fit_ppml(
        frame["applicants"].to_numpy(),
        frame[names].to_numpy(dtype=float),
        [frame["nat"].to_numpy(), frame["year"].to_numpy()],
        clusters=frame["nat"].to_numpy(),
        names=names,
        fe_dof=fe_dof,
    )


def assert_same_fit(frame: pd.DataFrame, names: list[str]) -> None:
    """Coefficients, CR1 errors with both counts of K, observations: as pyfixest's."""
    for fe_dof, k_fixef in (("dummies", "full"), ("nested", "nonnested")):
        mine, theirs = ours(frame, names, fe_dof), fepois(frame, names, k_fixef)
        assert mine.converged
        assert mine.nobs == theirs._N
        np.testing.assert_allclose(mine.coef, theirs.coef()[names], rtol=0, atol=COEF_ABS)
        np.testing.assert_allclose(mine.se, theirs.se()[names], rtol=SE_REL)


def paper_shaped_panel(seed: int, event_study: bool) -> tuple[pd.DataFrame, list[str]]:
    """A panel of the paper's shape: 38 citizenships × 14 years (2011-2024), 5 treated
    from 2016, overdispersed counts spanning four orders of magnitude, some zeros; the
    two-way regressor or the event-study terms (2015 the reference year)."""
    panel = two_way_panel(
        n_units=38, n_periods=14, n_treated=5, post_from=5, dispersion=0.8, seed=seed, unit_sd=2
    )
    frame = pd.DataFrame(
        {
            "applicants": panel["y"],
            "nat": [f"N{unit:02d}" for unit in panel["unit"]],
            "year": 2011 + panel["period"],
            "treated": panel["treated"],
            "treated_post": panel["treated_post"],
        }
    )
    if not event_study:
        return frame, ["treated_post"]
    terms = D.event_study_terms(sorted(frame["year"].unique()), 2015)
    frame = frame.assign(
        **{term: frame["treated"] * (frame["year"] == int(term[8:])) for term in terms}
    )
    return frame, terms


@pytest.mark.parametrize("event_study", [False, True], ids=["two_way", "event_study"])
@pytest.mark.parametrize("seed", range(6))
def test_paper_shaped_random_panels_match_pyfixest(seed, event_study):
    frame, names = paper_shaped_panel(seed, event_study)
    assert (frame["applicants"] == 0).any() or seed  # zeros in some panels
    assert_same_fit(frame, names)


def test_random_panel_effect_is_recovered_by_both():
    """A large panel with a known effect: both estimate it, and alike."""
    panel = two_way_panel(n_units=400, n_periods=14, n_treated=80, seed=11, dispersion=0.3)
    frame = pd.DataFrame(
        {
            "applicants": panel["y"],
            "nat": panel["unit"],
            "year": panel["period"],
            "treated_post": panel["treated_post"],
        }
    )
    mine = ours(frame, ["treated_post"])
    assert abs(mine.coef[0] - EFFECT) < 3 * mine.se[0]
    assert_same_fit(frame, ["treated_post"])


@pytest.fixture(scope="module")
def paper_sample(built, config):
    """The main DiD specification's sample of the built paper, as the models job makes it."""
    processed = built / "data" / "processed"
    data = D.DidData.load(
        read_processed(processed / "frontex.csv", "frontex"),
        read_processed(processed / "eu_asyapp.csv", "eu_asyapp"),
        read_processed(processed / "countrynames.csv", "countrynames"),
    )
    setting = D.DidSetting.from_config(config["models"]["did"])
    main = family_main(config, "did")
    sample, *_ = D.specification_sample(data, setting, main.choices)
    return sample, setting


def test_paper_did_fits_match_pyfixest(paper_sample):
    """The main specification's three fits (two-way, with a treated-group trend, event
    study) on the paper's panel."""
    sample, setting = paper_sample
    trend = sample.assign(treated_trend=sample["treated"] * sample["trend"])
    assert_same_fit(trend, ["treated_post"])
    assert_same_fit(trend, ["treated_post", "treated_trend"])
    terms = D.event_study_terms(sorted(sample["year"].unique()), setting.reference_year)
    event = sample.assign(
        **{term: sample["treated"] * (sample["year"] == int(term[8:])) for term in terms}
    )
    assert_same_fit(event, terms)

"""The DiD's base year (the event study's omitted year, the surge year 2015) decides
nothing but the event study's normalisation: the text (appendix, DiD) says that the joint
pre-trend test is the same whichever pre-Statement year is omitted (the pooled ratio's
fit, ``did_two_way``, takes no reference year at all). This test holds the code to it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from asylum_regime.did import did_event_study, did_sample, pretrend_test

YEARS = range(2011, 2025)
PRE_YEARS = list(range(2011, 2016))


def panel_with_pretrend(seed: int = 7) -> pd.DataFrame:
    """Poisson applicants, 30 citizenships × 14 years; the first five (treated) grow
    faster than the others before 2016, so the pre-trend test has something to find."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(30):
        base = rng.uniform(6, 9)
        for year in YEARS:
            treated = i < 5
            log_mu = base + 0.04 * (year - 2011) + rng.normal(0, 0.1)
            if treated:
                log_mu += 0.15 * min(year - 2011, 4) - (0.7 if year >= 2016 else 0.0)
            rows.append((f"N{i:02d}", year, int(rng.poisson(np.exp(log_mu))), int(treated)))
    return pd.DataFrame(rows, columns=["nat", "year", "applicants", "treated_flag"])


def sample() -> pd.DataFrame:
    panel = panel_with_pretrend()
    treated = sorted(panel.loc[panel["treated_flag"] == 1, "nat"].unique())
    controls = sorted(set(panel["nat"]) - set(treated))
    return did_sample(panel, treated, controls, 2011, 2024, 2016)


@pytest.mark.parametrize("estimator", ["ppml", "log_ols"])
def test_the_joint_pretrend_test_does_not_depend_on_the_omitted_year(estimator):
    data = sample()
    setting = SimpleNamespace(pre_years=PRE_YEARS)
    tests = {}
    for reference in PRE_YEARS:
        event, _terms = did_event_study(data, reference, estimator)
        tests[reference] = pretrend_test(event, setting, reference)
    main = tests[2015]
    assert main["p_value"] < 0.05  # the simulated pre-trend is found
    for reference, test in tests.items():
        assert test["df"] == main["df"], reference
        assert test["statistic"] == pytest.approx(main["statistic"], rel=1e-6), reference

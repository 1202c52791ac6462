"""Panels for the PPML tests: the paper's DiD sample rebuilt from a build's processed data
(without the package's own panel code, as an independent check), its replications, and
simulated panels with known parameters.

EU27 first-time applicants by citizenship × year (sum over the 27 member states,
both sexes; 0 where none applied), restricted to the treated and control
citizenships and years of the paper's DiD. Mirrors analysis.series.eu_applicants_panel
and analysis.models.did_sample at /work/main commit 8db6ad7.

The citizenship lists and the published estimates are a snapshot of that
commit's build (results/models/did.json, config `models.did`): the results
folder is not tracked and is rebuilt (and restructured) by the project, so the
tests do not read it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FIRST_YEAR, LAST_YEAR, POST_FROM_YEAR, REFERENCE_YEAR = 2011, 2024, 2016, 2015
TREATED = ["AFG", "IRN", "IRQ", "PAK", "SYR"]
CONTROLS = [
    "AGO", "ARM", "AZE", "BIH", "BLR", "CHN", "CIV", "CMR", "COD", "COG", "COM", "EGY", "ETH",
    "GEO", "GHA", "GIN", "GMB", "HTI", "IND", "KAZ", "KGZ", "LBY", "LKA", "MKD", "MLI", "MNE",
    "MNG", "MRT", "NGA", "RUS", "RWA", "SDN", "SEN", "SLE", "SRB", "TGO", "TUN", "TUR", "UKR",
    "VNM", "XKX",
]  # fmt: skip
# results/models/did.json of that build (6 significant digits, as stored).
PUBLISHED = {
    "observations": 644,
    "clusters": 46,
    "applicants": 7635805,
    "two_way_effects": {"estimate": 0.0815367, "std_error": 0.21635, "p_value": 0.706267},
    "group_trend": {"estimate": 0.297911, "std_error": 0.223798, "p_value": 0.183136},
    "pretrend": {
        "terms": ["treated_2011", "treated_2012", "treated_2013", "treated_2014"],
        "statistic": 125.099,
        "p_value": 4.34763e-26,
    },
}


def available(processed: Path) -> bool:
    return (processed / "eu_asyapp.csv").is_file() and (processed / "countrynames.csv").is_file()


def did_sample(processed: Path) -> pd.DataFrame:
    countries = pd.read_csv(processed / "countrynames.csv", keep_default_na=False)
    members = sorted(countries.loc[countries["eu"].astype(str) == "True", "iso3"])
    tidy = pd.read_csv(processed / "eu_asyapp.csv", keep_default_na=False)
    reported = tidy[tidy["geo"].isin(members)]
    totals = reported.groupby(["nat", "year"])["applicants"].sum()
    grid = pd.MultiIndex.from_product(
        [sorted(reported["nat"].unique()), sorted(reported["year"].unique())], names=["nat", "year"]
    )
    panel = totals.reindex(grid, fill_value=0).astype("int64").reset_index()
    sample = panel[
        panel["nat"].isin([*TREATED, *CONTROLS]) & panel["year"].between(FIRST_YEAR, LAST_YEAR)
    ].reset_index(drop=True)
    sample = sample.assign(
        treated=sample["nat"].isin(TREATED).astype(int),
        post=(sample["year"] >= POST_FROM_YEAR).astype(int),
    )
    sample["treated_post"] = sample["treated"] * sample["post"]
    sample["trend"] = sample["year"] - sample["year"].min()
    return sample


def replicate(
    sample: pd.DataFrame, k: int, seed: int = 20160318, noise: float = 0.1
) -> pd.DataFrame:
    """The sample with the controls copied k − 1 more times under new citizenship codes.

    Each copy multiplies the control counts by exp(N(0, noise²)) per observation
    (fixed seed) and rounds, so the copies are new, plausible control citizenships.
    k = 1 returns the sample itself.
    """
    rng = np.random.default_rng(seed)
    frames = [sample]
    controls = sample[sample["treated"] == 0]
    for copy in range(1, k):
        factor = np.exp(rng.normal(0.0, noise, len(controls)))
        frames.append(
            controls.assign(
                nat=controls["nat"] + f"_{copy}",
                applicants=np.rint(controls["applicants"].to_numpy() * factor).astype("int64"),
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- simulated panels


EFFECT = float(np.log(1.5))


def two_way_panel(
    n_units=60,
    n_periods=14,
    n_treated=12,
    post_from=5,
    effect=EFFECT,
    dispersion=0.0,
    seed=0,
    unit_sd=1.0,
):
    """Units × periods, unit and period effects, a treated × post effect.

    Counts are Poisson(mu · v) with v ~ Gamma(1/dispersion, dispersion) (mean 1),
    i.e. negative binomial when dispersion > 0: PPML stays consistent.
    Returns a dict of arrays: y, unit, period, treated, post, treated_post, mu.
    """
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_periods)
    period = np.tile(np.arange(n_periods), n_units)
    a = rng.normal(3.0, unit_sd, n_units)
    g = np.cumsum(rng.normal(0.05, 0.2, n_periods))
    treated = (unit < n_treated).astype(float)
    post = (period >= post_from).astype(float)
    tp = treated * post
    mu = np.exp(a[unit] + g[period] + effect * tp)
    lam = mu * (rng.gamma(1 / dispersion, dispersion, len(mu)) if dispersion > 0 else 1.0)
    y = rng.poisson(lam).astype(float)
    return dict(y=y, unit=unit, period=period, treated=treated, post=post, treated_post=tp, mu=mu)


def three_way_panel(
    n_nat=40,
    n_dest=10,
    n_months=36,
    n_treated=8,
    post_from=18,
    effect=EFFECT,
    dispersion=0.5,
    seed=0,
    zero_nats=0,
):
    """Citizenship × destination × month with the three sets of effects.

    ``zero_nats`` citizenships get an all-zero outcome (separated groups).
    """
    rng = np.random.default_rng(seed)
    nat, dest, month = (
        a.ravel()
        for a in np.meshgrid(
            np.arange(n_nat), np.arange(n_dest), np.arange(n_months), indexing="ij"
        )
    )
    a = rng.normal(1.0, 1.0, n_nat)
    b = rng.normal(0.0, 1.0, n_dest)
    c = np.cumsum(rng.normal(0.0, 0.1, n_months))
    treated = (nat < n_treated).astype(float)
    tp = treated * (month >= post_from)
    mu = np.exp(a[nat] + b[dest] + c[month] + effect * tp)
    lam = mu * (rng.gamma(1 / dispersion, dispersion, len(mu)) if dispersion > 0 else 1.0)
    y = rng.poisson(lam).astype(float)
    if zero_nats:
        y[nat >= n_nat - zero_nats] = 0.0
    return dict(y=y, nat=nat, dest=dest, month=month, treated=treated, treated_post=tp, mu=mu)

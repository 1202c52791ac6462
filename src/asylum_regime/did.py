"""Difference-in-differences (DiD) of asylum applications in the EU (statsmodels).

EU27 first-time asylum applicants by citizenship × year. Treated: the
citizenships that each made up at least a configured share of Eastern
Mediterranean sea detections before the Statement; controls: the other
citizenships with enough applicants in every pre-treatment year and almost no
presence on the route. Poisson pseudo-maximum likelihood with citizenship and
year effects, errors clustered by citizenship, plus an event-study version and
a joint test of the pre-treatment coefficients.
"""

from __future__ import annotations

import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from asylum_regime.estimates import coefficient_table, month_start


def route_shares(frontex: pd.DataFrame, route: str, kind: str, first: str, last: str) -> pd.Series:
    """Each nationality's share of the route's detections in a window, largest first."""
    window = frontex[
        (frontex["route"] == route)
        & (frontex["type"] == kind)
        & (frontex["month"] >= month_start(first))
        & (frontex["month"] <= month_start(last))
    ]
    totals = window.groupby("nat")["detections"].sum()
    shares = (totals / totals.sum()).rename("share")
    return (
        shares.reset_index()
        .sort_values(["share", "nat"], ascending=[False, True])
        .set_index("nat")["share"]
    )


def treated_citizenships(shares: pd.Series, min_share: float) -> list[str]:
    """The rule for treatment: at least ``min_share`` of the route's detections (sorted)."""
    return sorted(shares[shares >= min_share].index)


def control_citizenships(
    panel: pd.DataFrame,
    shares: pd.Series,
    treated: list[str],
    pre_years: list[int],
    min_applicants: int,
    max_share: float,
    countries: set[str],
) -> list[str]:
    """Citizenships with ≥ ``min_applicants`` in every pre-year and ≤ ``max_share`` of the route.

    Only ``countries`` (codes of real states) qualify: Eurostat's residual codes
    for stateless, unknown or "other" citizenship are no comparison group.
    """
    pre = panel[panel["year"].isin(pre_years)]
    smallest = pre.groupby("nat")["applicants"].min()
    large_enough = set(smallest[smallest >= min_applicants].index)
    on_route = set(shares[shares > max_share].index)
    return sorted((large_enough & countries) - on_route - set(treated))


def did_sample(
    panel: pd.DataFrame, treated: list[str], controls: list[str], first: int, last: int, post: int
) -> pd.DataFrame:
    sample = panel[
        panel["nat"].isin([*treated, *controls]) & panel["year"].between(first, last)
    ].reset_index(drop=True)
    return sample.assign(
        treated=sample["nat"].isin(treated).astype(int),
        post=(sample["year"] >= post).astype(int),
    ).assign(treated_post=lambda f: f["treated"] * f["post"])


DID_FORMULAS = {
    "two_way_effects": "applicants ~ treated_post + C(nat) + C(year)",
    # A linear trend of the treated group: the check when pre-trends are not parallel.
    "group_trend": "applicants ~ treated_post + C(nat) + C(year) + treated:trend",
}


def did_ppml(sample: pd.DataFrame, formula: str = DID_FORMULAS["two_way_effects"]):
    """PPML with citizenship and year effects; errors clustered by citizenship."""
    groups = pd.factorize(sample["nat"])[0]
    design = sample.assign(trend=sample["year"] - sample["year"].min())
    return smf.glm(formula, design, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )


def event_study_terms(years: list[int], reference: int) -> list[str]:
    return [f"treated_{year}" for year in years if year != reference]


def did_event_study(sample: pd.DataFrame, reference: int):
    """PPML with treated × year interactions (``reference`` year omitted)."""
    years = sorted(sample["year"].unique())
    terms = event_study_terms(years, reference)
    design = sample.assign(
        **{f"treated_{year}": sample["treated"] * (sample["year"] == year) for year in years}
    )
    groups = pd.factorize(design["nat"])[0]
    formula = "applicants ~ C(nat) + C(year) + " + " + ".join(terms)
    result = smf.glm(formula, design, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    return result, terms


def fit_did(frontex: pd.DataFrame, panel: pd.DataFrame, countries: set[str], spec: dict) -> dict:
    rule = spec["treated_rule"]
    shares = route_shares(frontex, rule["route"], rule["type"], rule["from"], rule["to"])
    treated = treated_citizenships(shares, rule["min_share"])
    pre_years = list(range(spec["first_year"], spec["post_from_year"]))
    controls = control_citizenships(
        panel,
        shares,
        treated,
        pre_years,
        spec["control_rule"]["min_applicants_each_pre_year"],
        spec["control_rule"]["max_route_share"],
        countries,
    )
    sample = did_sample(
        panel, treated, controls, spec["first_year"], spec["last_year"], spec["post_from_year"]
    )
    fitted = {name: did_ppml(sample, formula) for name, formula in DID_FORMULAS.items()}
    main = fitted["two_way_effects"]
    event, terms = did_event_study(sample, spec["reference_year"])
    pre_terms = [f"treated_{year}" for year in pre_years if year != spec["reference_year"]]
    pretrend = event.wald_test(", ".join(f"{t} = 0" for t in pre_terms), scalar=True)
    event_rows = coefficient_table(event, terms, exponentiate=True)
    for row in event_rows:
        row["year"] = int(row["term"].removeprefix("treated_"))
    return {
        "model": "difference-in-differences, Poisson pseudo-maximum likelihood",
        "outcome": "EU27 first-time asylum applicants by citizenship and year (Eurostat)",
        "specification": {
            "formulas": DID_FORMULAS,
            "covariance": "clustered by citizenship",
            "post_from_year": spec["post_from_year"],
            "reference_year": spec["reference_year"],
            "treated_rule": rule,
            "control_rule": spec["control_rule"],
        },
        "sample": {
            "first_year": spec["first_year"],
            "last_year": spec["last_year"],
            "treated": treated,
            "controls": controls,
            "treated_route_share": float(shares.loc[treated].sum()),
            "route_shares": {nat: float(shares.loc[nat]) for nat in treated},
            "observations": len(sample),
            "clusters": int(sample["nat"].nunique()),
            "applicants": int(sample["applicants"].sum()),
        },
        "estimates": {
            name: coefficient_table(result, ["treated_post"], exponentiate=True)
            for name, result in fitted.items()
        },
        "fit": {
            "n": int(main.nobs),
            "log_likelihood": float(main.llf),
            "pseudo_r_squared": float(main.pseudo_rsquared(kind="cs")),
        },
        "event_study": event_rows,
        "pretrend_test": {
            "terms": pre_terms,
            "statistic": float(pretrend.statistic),
            "df": len(pre_terms),
            "distribution": pretrend.distribution,
            "p_value": float(pretrend.pvalue),
        },
    }

"""The number families of this paper: every value the text can quote, with its kind,
digits and description (``paperkit.numbers.number_entry``), computed from the
results of one stage. Each family is declared in workflow/registry.yaml with the
results file it fills and the rule that makes it.
"""

from __future__ import annotations

import pandas as pd

from asylum_regime.descriptives import largest_host_by_year
from asylum_regime.evidence import unverified_ids
from asylum_regime.harmonisation import INDEX_NAMES
from paperkit.numbers import number_entry, with_unverified

# --------------------------------------------------------------------------- hosted (UNHCR)


def hosted_numbers(
    hosted: pd.DataFrame,
    population: pd.DataFrame,
    asylum_iso: str,
    origin: str = "SYR",
    *,
    last_as_of: dict[str, str],
) -> dict[str, dict]:
    """The numbers the text quotes about the hosted population, with their kinds.
    ``last_as_of``: when the last year's figures stand, as each language writes it
    (``paperkit.periods.ReferencePeriod.words``: "mid-2025" in a mid-year release)."""
    totals = hosted.groupby("year")["hosted"].sum()
    by_origin = hosted.query("coo_iso == @origin").set_index("year")["hosted"]
    peak_year = int(by_origin.idxmax())
    last_year = int(totals.index.max())
    first_year = int(totals.index.min())
    hosts = largest_host_by_year(population.query("year <= @last_year"))
    led = hosts.query("coa_iso == @asylum_iso")["year"].astype(int)
    world = population.groupby("year")["refugees"].sum()
    own = population.query("coa_iso == @asylum_iso").groupby("year")["refugees"].sum()
    share = (own / world).reindex(totals.index)

    number = number_entry
    return {
        "hosted_first_year": number(first_year, "year", "First year of the hosted series."),
        "hosted_last_year": number(last_year, "year", "Last year of the hosted series."),
        "hosted_last_as_of": number(
            last_as_of,
            "text",
            "When the last year's figures stand: the end of the year, or mid-year in a "
            "mid-year release (the pin's period), as each language writes it.",
        ),
        "hosted_total_first": number(
            int(totals.loc[first_year]), "count", "Refugees and asylum-seekers hosted, first year."
        ),
        "hosted_total_last": number(
            int(totals.loc[last_year]), "count", "Refugees and asylum-seekers hosted, last year."
        ),
        "hosted_total_peak": number(
            int(totals.max()), "count", "Largest hosted total of any year."
        ),
        "hosted_total_peak_year": number(
            int(totals.idxmax()), "year", "Year of the largest hosted total."
        ),
        "syria_first": number(
            int(by_origin.loc[first_year]), "count", "Syrians hosted, first year."
        ),
        "syria_peak_count": number(
            int(by_origin.max()), "count", "Largest number of Syrians hosted in any year."
        ),
        "syria_peak_year": number(peak_year, "year", "Year of the largest Syrian population."),
        "syria_last": number(int(by_origin.loc[last_year]), "count", "Syrians hosted, last year."),
        "syria_decline_since_peak": number(
            float(1 - by_origin.loc[last_year] / by_origin.max()),
            "percent",
            "Fall in the Syrian population from its peak to the last year, as a share of the peak.",
        ),
        "syria_share_of_hosted_peak": number(
            float(by_origin.loc[peak_year] / totals.loc[peak_year]),
            "percent",
            "Syrians' share of all hosted in the Syrian peak year.",
        ),
        "world_share_peak": number(
            float(share.loc[peak_year]),
            "percent",
            "Türkiye's share of the world's refugees under UNHCR's mandate (asylum-seekers "
            "not counted) in the Syrian peak year.",
            1,
        ),
        "world_share_last": number(
            float(share.loc[last_year]),
            "percent",
            "Türkiye's share of the world's refugees under UNHCR's mandate (asylum-seekers "
            "not counted) in the last year.",
            1,
        ),
        "largest_host_first_year": number(
            int(led.min()) if len(led) else None,
            "year",
            "First year Türkiye hosted more refugees than any other country.",
        ),
        "largest_host_years": number(
            len(led),
            "count",
            "Years in which Türkiye hosted more refugees than any other country.",
        ),
        "largest_host_last_year": number(
            int(led.max()) if len(led) else None,
            "year",
            "Last year Türkiye was the largest refugee host.",
        ),
    }


# --------------------------------------------------------------------------- indices and coding


def coding_numbers(alignment: pd.DataFrame) -> dict[str, dict]:
    """Size and verification status of the alignment coding, for the data section.

    The counts of requirements by applicability rest on the rows that code it: those
    with status ``no`` are listed as the number's ``unverified`` rows. Counts of rows
    by status (``coding_verified_*``) are facts about the coding and rest on none.
    The status counts are also split by applicability, so that the text can say how
    many rows that enter the index were read in a primary text
    (``coding_applicable_verified_yes``): a not-applicable requirement is one row with
    no score, and never enters the index.
    """
    requirements = alignment.drop_duplicates("requirement_id")
    applicable_ids = set(alignment.loc[alignment["applicable"].astype(bool), "requirement_id"])
    applicable_rows = alignment[alignment["requirement_id"].isin(applicable_ids)]
    other_rows = alignment[~alignment["requirement_id"].isin(applicable_ids)]

    def count(value: int, description: str, unverified=None) -> dict:
        return number_entry(int(value), "count", description, unverified=unverified)

    def by_status(rows: pd.DataFrame, prefix: str, what: str) -> dict[str, dict]:
        counts = rows["verified"].value_counts()
        return {
            f"{prefix}_{status}": count(
                counts.get(status, 0), f"{what} with verification status '{status}'."
            )
            for status in ("yes", "partial", "no")
        }

    unverified_requirements = set(alignment.loc[alignment["verified"] == "no", "requirement_id"])
    dropped = applicable_rows[applicable_rows["requirement_id"].isin(unverified_requirements)]
    return {
        "coding_rows": count(len(alignment), "Rows (requirement × interval) of the coding."),
        "coding_requirements": count(len(requirements), "EU requirements coded."),
        "coding_applicable": count(
            requirements["applicable"].sum(),
            "Requirements applicable to a non-member.",
            unverified_ids("alignment", applicable_rows),
        ),
        "coding_not_applicable": count(
            (~requirements["applicable"]).sum(),
            "Requirements not applicable to a non-member.",
            unverified_ids("alignment", other_rows),
        ),
        "coding_instruments": count(
            alignment["eu_instrument_id"].nunique(), "EU instruments with coded requirements."
        ),
        **by_status(alignment, "coding_verified", "Coding rows"),
        "coding_applicable_rows": count(
            len(applicable_rows), "Coding rows of applicable requirements (scored intervals)."
        ),
        **by_status(
            applicable_rows, "coding_applicable_verified", "Coding rows of applicable requirements"
        ),
        **by_status(
            other_rows,
            "coding_not_applicable_verified",
            "Coding rows of requirements not applicable to a non-member",
        ),
        "coding_requirements_unverified": count(
            len(unverified_requirements & applicable_ids),
            "Applicable requirements with at least one row of status 'no' (left out of the "
            "index variant without unverified requirements).",
        ),
        # verified_only drops such a requirement with all its rows, the partial ones too
        "coding_unverified_requirement_rows": count(
            len(dropped),
            "Rows of those requirements: the main indices leave them out whole.",
        ),
        "coding_unverified_requirement_rows_partial": count(
            (dropped["verified"] == "partial").sum(),
            "Of those rows, rows with status 'partial' (left out with their requirement).",
        ),
    }


def index_numbers(
    results: dict[str, pd.DataFrame],
    key_years: list[int],
    unverified: dict[str, list[str]] | None = None,
) -> dict[str, dict]:
    """Index levels in the key years and at their peaks, and sensitivity ranges. (No
    legislative − practice gap: the two indices are shares of different yardsticks.) A
    level that is undefined (no data that year) is left out, so a placeholder quoting it
    fails the build instead of printing a blank.

    ``unverified``: index name → the unverified rows the main specification's index
    rests on (``asylum_regime.evidence.index_unverified``); each number computed from
    an index lists them."""
    numbers = _index_numbers(results, key_years)
    return _index_evidence(numbers, unverified or {})


def _index_evidence(numbers: dict[str, dict], unverified: dict[str, list[str]]) -> dict:
    """Attach to each index number the unverified rows of the indices it is computed from."""
    legislative = unverified.get("legislative", [])
    practice = unverified.get("practice", [])

    def rows(name: str) -> list[str]:
        if name == "legislative_verified_only_last":
            return []  # computed without the unverified requirements
        if name.startswith(("legislative_", "group_index_")):
            return legislative
        if name.startswith("policy_"):
            return unverified.get("policy", [])
        if name.startswith("practice_"):
            return practice
        return []

    return {name: with_unverified(entry, rows(name)) for name, entry in numbers.items()}


def _index_numbers(results: dict[str, pd.DataFrame], key_years: list[int]) -> dict[str, dict]:
    annual = results["annual"].set_index("year")
    last = int(annual.index.max())

    def decimal(value: float, description: str) -> dict:
        return number_entry(float(value), "decimal", description, 2)

    def year(value: int, description: str) -> dict:
        return number_entry(int(value), "year", description)

    numbers: dict[str, dict] = {"index_last_year": year(last, "Last year of the indices.")}
    for name in INDEX_NAMES:
        series = annual[name].dropna()
        for key_year in key_years:
            if key_year in series.index:
                numbers[f"{name}_index_{key_year}"] = decimal(
                    series.loc[key_year], f"{name.capitalize()} index, 31 December {key_year}."
                )
        if not series.empty:
            numbers[f"{name}_index_last"] = decimal(series.iloc[-1], f"{name} index, last year")
            numbers[f"{name}_index_max"] = decimal(series.max(), f"Highest {name} index.")
            numbers[f"{name}_index_max_year"] = year(series.idxmax(), f"Year of the {name} peak.")
            numbers[f"{name}_index_first_year"] = year(
                series.index.min(), f"First year the {name} index is defined."
            )
            numbers[f"{name}_index_last_year"] = year(
                series.index.max(), f"Last year the {name} index is defined."
            )
    for component in ("returns", "resettlement", "funding"):
        values = annual[component].dropna()
        numbers[f"practice_{component}_max"] = number_entry(
            float(values.max()),
            "percent",
            f"Highest value of the practice component '{component}'.",
            1,
        )
        # The scope of the practice index after its last year: which series ends there.
        numbers[f"practice_{component}_last_year"] = year(
            values.index.max(),
            f"Last year the practice component '{component}' is measured on 31 December.",
        )
    practice = annual["practice"].dropna()
    if len(practice) >= 2:
        numbers["practice_index_min_change"] = decimal(
            practice.diff().min(),
            "Smallest year-on-year change of the practice index (negative: it fell).",
        )
    returns = annual["returns"].dropna()
    if len(returns):
        numbers["practice_returns_max_year"] = year(
            returns.idxmax(), "Year of the highest share of arrivals returned."
        )
    # What drove the practice index's last change, and how far each component moved over
    # the years practice is measured (the claims test "fell back when", "moved far more").
    practice_years = annual["practice"].dropna().index
    if len(practice_years) >= 2:
        final, before = practice_years[-1], practice_years[-2]
        for component in ("returns", "resettlement", "funding", "readmission"):
            if component not in annual:  # a component the specification leaves out
                continue
            values = annual.loc[practice_years, component]
            numbers[f"practice_{component}_last"] = decimal(
                values.loc[final], f"Practice component '{component}' in practice's last year."
            )
            numbers[f"practice_{component}_before_last"] = decimal(
                values.loc[before],
                f"Practice component '{component}' in the year before practice's last year.",
            )
            numbers[f"practice_{component}_range"] = decimal(
                values.max() - values.min(),
                f"Range of the practice component '{component}' over the years practice is "
                "measured.",
            )
    groups = results["by_group"]
    for group, value in groups[groups["year"] == last].set_index("group")["index"].items():
        numbers[f"group_index_{group}_last"] = decimal(
            value, f"Legislative index of the '{group}' requirements, last year."
        )
    sensitivity = results["sensitivity"]
    spread = sensitivity.groupby("year")["index"].agg(["min", "max"])
    numbers["legislative_sensitivity_min_last"] = decimal(
        spread.loc[last, "min"], "Lowest legislative index in the last year, all variants."
    )
    numbers["legislative_sensitivity_max_last"] = decimal(
        spread.loc[last, "max"], "Highest legislative index in the last year, all variants."
    )
    verified_only = sensitivity[sensitivity["left_out"] == "unverified"].set_index("year")
    numbers["legislative_verified_only_last"] = decimal(
        verified_only.loc[last, "index"], "Legislative index without unverified requirements."
    )
    return numbers


def event_numbers(events: pd.DataFrame) -> dict[str, dict]:
    """Every timeline date as a number the text can quote: ``{{event_<id>}}`` (a date) and
    ``{{event_<id>_year}}``, so that the prose and the coded timeline cannot disagree. The
    date of an event with status ``no`` lists it as unverified."""
    numbers: dict[str, dict] = {}
    for row in events.sort_values("event_id").itertuples(index=False):
        status = "" if row.verified == "yes" else f" (verification: {row.verified})"
        rows = [f"events:{row.event_id}"] if row.verified == "no" else None
        numbers[f"event_{row.event_id}"] = number_entry(
            row.date.strftime("%Y-%m-%d"),
            "date" if row.precision == "day" else "month",
            f"{row.description_en}{status}",
            unverified=rows,
        )
        numbers[f"event_{row.event_id}_year"] = number_entry(
            int(row.date.year), "year", f"Year: {row.label_en}.", unverified=rows
        )
    return numbers


def benchmark_numbers(benchmarks: pd.DataFrame) -> dict[str, dict]:
    """The latest report's count of visa-liberalisation benchmarks met."""
    latest = benchmarks.sort_values("report_date").iloc[-1]

    def count(value: int, description: str) -> dict:
        return number_entry(int(value), "count", description)

    return {
        "visa_benchmarks_total": count(latest["benchmarks_total"], "Roadmap benchmarks."),
        "visa_benchmarks_met_last": count(latest["benchmarks_met"], "Met, latest report."),
        "visa_benchmarks_outstanding_last": count(
            latest["benchmarks_total"] - latest["benchmarks_met"], "Outstanding, latest report."
        ),
        "visa_benchmarks_last_report_year": number_entry(
            int(latest["report_date"].year),
            "year",
            "Year of the latest report counting the benchmarks.",
        ),
    }


def specification_numbers(spec: dict, dimensions: dict, choices: dict) -> dict[str, dict]:
    """The configured choices the text states (so that the prose follows the config)."""
    credits = dimensions["partial_credit"]
    practice = spec["practice"]

    number = number_entry

    return {
        "partial_credit": number(choices["partial_credit"], "decimal", "Partial credit.", 2),
        "partial_credit_min": number(min(credits), "decimal", "Lowest partial credit tried.", 2),
        "partial_credit_max": number(max(credits), "decimal", "Highest partial credit tried.", 2),
        "index_first_year": number(spec["first_year"], "year", "First year of the indices."),
        "resettlement_ceiling": number(
            practice["resettlement_ceiling"], "count", "1:1 resettlement ceiling of the Statement."
        ),
        "practice_min_components": number(
            practice["min_components"], "count", "Fewest components for a practice index value."
        ),
        "practice_components_total": number(
            len([name for name in practice["weights"] if choices.get(name, "on") != "off"]),
            "count",
            "Components of the practice index in the main specification.",
        ),
        "practice_components_coded": number(
            len(practice["weights"]),
            "count",
            "Components of the practice index coded (the main specification's and the "
            "multiverse's alternatives).",
        ),
        # the level the text and the indices' specification curve measure both against
        "index_half": number(spec["half"], "decimal", "Half of the commitments or acquis.", 2),
    }


# --------------------------------------------------------------------------- models


def _ratio_numbers(prefix: str, row: dict, what: str) -> dict[str, dict]:
    """IRR, its interval, the implied percent change and the p-value of one coefficient."""
    return {
        f"{prefix}_irr": number_entry(row["ratio"], "decimal", f"{what}: incidence-rate ratio.", 3),
        f"{prefix}_irr_low": number_entry(
            row["ratio_low"], "decimal", f"{what}: 95% CI, lower.", 3
        ),
        f"{prefix}_irr_high": number_entry(
            row["ratio_high"], "decimal", f"{what}: 95% CI, upper.", 3
        ),
        f"{prefix}_change": number_entry(
            row["ratio"] - 1, "percent", f"{what}: implied change (IRR − 1).", 1
        ),
        f"{prefix}_p": number_entry(row["p_value"], "p_value", f"{what}: p-value.", 3),
    }


def convention_numbers() -> dict[str, dict]:
    """The levels every interval and test in the paper uses."""
    return {
        "ci_level": number_entry(0.95, "percent", "Level of every confidence interval."),
        "significance_level": number_entry(0.05, "percent", "Significance level of the tests."),
    }


def its_numbers(its: dict) -> dict[str, dict]:
    nb = {row["term"]: row for row in its["estimators"]["negative_binomial"]["estimates"]}
    checks = {
        name: {row["term"]: row for row in its["estimators"][name]["estimates"]}
        for name in ("poisson", "log_ols")
    }
    numbers = {
        **_ratio_numbers("its_statement", nb["statement"], "ITS, NB, Statement level change"),
        **_ratio_numbers("its_slope", nb["statement_trend"], "ITS, NB, Statement slope change"),
        "its_statement_fall": number_entry(
            1 - nb["statement"]["ratio"],
            "percent",
            "Fall in the level at the Statement (1 − IRR).",
            1,
        ),
        "its_poisson_irr": number_entry(
            checks["poisson"]["statement"]["ratio"], "decimal", "ITS, Poisson, Statement IRR.", 3
        ),
        "its_log_ols_ratio": number_entry(
            checks["log_ols"]["statement"]["ratio"],
            "decimal",
            "ITS, OLS on log(1+y), exp(Statement coefficient).",
            3,
        ),
        "its_poisson_dispersion": number_entry(
            its["estimators"]["poisson"]["fit"]["pearson_dispersion"],
            "count",
            "Pearson dispersion of the Poisson fit (1 if the variance equalled the mean).",
        ),
        "its_months_absent": number_entry(
            len(its["sample"]["months_absent_from_source"]),
            "count",
            "Months the source lacks for the route and type.",
        ),
        "its_months": number_entry(its["sample"]["months"], "count", "Months in the ITS sample."),
        "its_first_month": number_entry(
            its["sample"]["first_month"] + "-01", "month", "First month of the ITS."
        ),
        "its_last_month": number_entry(
            its["sample"]["last_month"] + "-01", "month", "Last month of the ITS."
        ),
        "its_break_month": number_entry(
            its["specification"]["break_month"] + "-01", "month", "First month after the break."
        ),
        "its_hac_lags": number_entry(
            its["specification"]["hac_lags"],
            "count",
            "Newey–West lags.",
        ),
        "its_alpha": number_entry(
            its["estimators"]["negative_binomial"]["fit"]["alpha"],
            "decimal",
            "NB dispersion parameter alpha.",
            2,
        ),
        "its_averted": number_entry(
            its["averted"]["averted"], "count", "Crossings averted (model)."
        ),
        "its_averted_low": number_entry(its["averted"]["averted_low"], "count", "Averted, 2.5%."),
        "its_averted_high": number_entry(
            its["averted"]["averted_high"], "count", "Averted, 97.5%."
        ),
        "its_averted_horizon": number_entry(
            its["averted"]["horizon_months"], "count", "Months over which averted is summed."
        ),
        "its_observed_in_horizon": number_entry(
            its["averted"]["observed_in_horizon"], "count", "Detections observed in the horizon."
        ),
        "its_counterfactual_peak": number_entry(
            its["averted"]["counterfactual_peak"],
            "count",
            "Highest monthly value of the no-Statement path over the horizon.",
        ),
        "its_observed_peak": number_entry(
            its["averted"]["observed_peak"], "count", "Highest monthly detections observed."
        ),
        "its_placebo_breaks": number_entry(
            len(its["placebo"]["breaks"]), "count", "Number of placebo breaks."
        ),
        "its_placebo_share_as_large": number_entry(
            its["placebo"]["share_as_large"],
            "percent",
            "Share of placebo level changes at least as large as the Statement's.",
        ),
        "its_placebo_share_significant": number_entry(
            its["placebo"]["share_significant"],
            "percent",
            "Share of placebo level changes significant at 5%.",
        ),
        "its_placebo_p": number_entry(
            its["placebo"]["p_value"],
            "p_value",
            "Permutation p-value of the Statement's level change among the placebo breaks.",
            3,
        ),
        "its_placebo_rank": number_entry(
            its["placebo"]["rank"],
            "count",
            "Rank of the Statement's level change among the placebo breaks and itself "
            "(1: the largest in absolute value).",
        ),
        "its_placebo_p_floor": number_entry(
            its["placebo"]["smallest_attainable_p"],
            "decimal",
            "Smallest permutation p-value the placebo breaks allow, 1 / (placebos + 1).",
            3,
        ),
        "its_placebo_first": number_entry(
            its["placebo"]["first_break"] + "-01", "month", "First placebo break month."
        ),
        "its_placebo_last": number_entry(
            its["placebo"]["last_break"] + "-01", "month", "Last placebo break month."
        ),
    }
    for term in nb:
        if term not in ("statement", "statement_trend"):
            numbers |= _ratio_numbers(f"its_{term}", nb[term], f"ITS, NB, term {term}")
    return numbers


def did_numbers(did: dict, iso2: dict[str, str]) -> dict[str, dict]:
    main = did["estimates"]["two_way_effects"][0]
    trends = did["estimates"]["group_trend"][0]
    events = {row["year"]: row for row in did["event_study"]}
    post = [row for year, row in events.items() if year >= did["specification"]["post_from_year"]]
    pre = [row for year, row in events.items() if year < did["specification"]["post_from_year"]]
    sample = did["sample"]
    return {
        **_ratio_numbers("did", main, "DiD PPML, treated × post"),
        **_ratio_numbers("did_trend", trends, "DiD PPML with a treated-group trend"),
        "did_treated": number_entry(
            [
                iso2[code]
                for code in sorted(sample["treated"], key=lambda c: -sample["route_shares"][c])
            ],
            "countries",
            "Treated citizenships, largest share of route detections first.",
        ),
        "did_n_treated": number_entry(len(sample["treated"]), "count", "Treated citizenships."),
        "did_n_controls": number_entry(len(sample["controls"]), "count", "Control citizenships."),
        "did_observations": number_entry(sample["observations"], "count", "Citizenship-years."),
        "did_treated_route_share": number_entry(
            sample["treated_route_share"],
            "percent",
            "Treated citizenships' share of route detections before the Statement.",
            1,
        ),
        "did_min_share": number_entry(
            did["specification"]["treated_rule"]["min_share"], "percent", "Treatment threshold."
        ),
        "did_pretrend_chi2": number_entry(
            did["pretrend_test"]["statistic"], "decimal", "Pre-trend Wald chi-squared.", 1
        ),
        "did_pretrend_df": number_entry(did["pretrend_test"]["df"], "count", "Pre-trend test df."),
        "did_pretrend_p": number_entry(
            did["pretrend_test"]["p_value"], "p_value", "Pre-trend p.", 3
        ),
        "did_event_post_min": number_entry(
            min(row["ratio"] for row in post), "decimal", "Smallest post-period event ratio.", 2
        ),
        "did_event_pre_max": number_entry(
            max(row["ratio"] for row in pre), "decimal", "Largest pre-period event ratio.", 2
        ),
        "did_event_post_max": number_entry(
            max(row["ratio"] for row in post), "decimal", "Largest post-period event ratio.", 2
        ),
        "did_first_year": number_entry(sample["first_year"], "year", "First DiD year."),
        "did_last_year": number_entry(sample["last_year"], "year", "Last DiD year."),
        "did_reference_year": number_entry(
            did["specification"]["reference_year"], "year", "Event-study reference year."
        ),
        **honest_numbers(did["honest"]),
        **randomisation_numbers(did["randomisation"]),
    }


def randomisation_numbers(test: dict) -> dict[str, dict]:
    """The DiD's randomisation inference over which citizenships are treated."""
    return {
        "did_ri_p": number_entry(
            test["p_value"],
            "p_value",
            "Randomisation p-value of the main DiD estimate, treated citizenships reassigned.",
            3,
        ),
        "did_ri_draws": number_entry(
            test["reassignments"], "count", "Random reassignments of the treated citizenships."
        ),
        "did_ri_as_large": number_entry(
            test["as_large"],
            "count",
            "Reassignments whose estimate is at least as large in absolute value as the actual.",
        ),
        "did_ri_units": number_entry(
            test["units"], "count", "Citizenships among which treatment is reassigned."
        ),
        "did_ri_floor": number_entry(
            test["smallest_attainable_p"],
            "decimal",
            "Smallest randomisation p-value the reassignments allow.",
            3,
        ),
        "did_ri_share_below_zero": number_entry(
            test["share_reassigned_below_zero"],
            "percent",
            "Share of reassigned estimates below zero (a fall relative to the rest).",
        ),
    }


def honest_numbers(honest: dict) -> dict[str, dict]:
    """The event study's sensitivity to violations of parallel trends, as ratios."""
    import math

    numbers = {
        "did_post_average_ratio": number_entry(
            math.exp(honest["estimate"]), "decimal", "Average post-period ratio (exp).", 2
        ),
        "did_post_average_ratio_low": number_entry(
            math.exp(honest["ci_low"]), "decimal", "Its 95% CI, lower.", 2
        ),
        "did_post_average_ratio_high": number_entry(
            math.exp(honest["ci_high"]), "decimal", "Its 95% CI, upper.", 2
        ),
        "did_breakdown_mbar": number_entry(
            honest["breakdown_mbar"],
            "decimal",
            "Smallest Mbar at which the robust interval of the average post-period effect "
            "contains 0 (relative magnitudes).",
            3,
        ),
    }
    for row in honest["relative_magnitudes"]:
        tag = str(row["mbar"]).replace(".", "_")
        numbers[f"did_honest_mbar{tag}_low"] = number_entry(
            math.exp(row["ci_low"]), "decimal", f"Robust CI (ratio), Mbar {row['mbar']}, lower.", 2
        )
        numbers[f"did_honest_mbar{tag}_high"] = number_entry(
            math.exp(row["ci_high"]), "decimal", f"Robust CI (ratio), Mbar {row['mbar']}, upper.", 2
        )
    return numbers


def dejure_numbers(dejure: dict) -> dict[str, dict]:
    slope = next(row for row in dejure["estimates"] if row["term"] == "legislative")
    return {
        "dejure_slope": number_entry(slope["estimate"], "decimal", "Practice on legislation.", 2),
        "dejure_slope_low": number_entry(slope["ci_low"], "decimal", "95% CI, lower.", 2),
        "dejure_slope_high": number_entry(slope["ci_high"], "decimal", "95% CI, upper.", 2),
        "dejure_slope_p": number_entry(slope["p_value"], "p_value", "p-value of the slope.", 3),
        "dejure_r": number_entry(
            dejure["correlation"]["pearson_r"], "decimal", "Correlation of the two indices.", 2
        ),
        "dejure_r_p": number_entry(dejure["correlation"]["p_value"], "p_value", "p of r.", 3),
        "dejure_years": number_entry(
            dejure["sample"]["years"], "count", "Years in the regression."
        ),
        "dejure_legislative_range": number_entry(
            dejure["ranges"]["legislative"], "decimal", "Range of legislation in the sample.", 3
        ),
        "dejure_practice_range": number_entry(
            dejure["ranges"]["practice"], "decimal", "Range of practice in the sample.", 2
        ),
        "dejure_first_year": number_entry(dejure["sample"]["first_year"], "year", "First year."),
        "dejure_last_year": number_entry(dejure["sample"]["last_year"], "year", "Last year."),
    }


def break_numbers(test: dict) -> dict[str, dict]:
    """The sup-Wald break test: statistic, bootstrap p-value and the month it dates the
    break to, for a level shift and for a level and slope shift."""
    numbers = {
        "break_bootstrap_draws": number_entry(
            test["shifts"]["level"]["bootstrap_draws"], "count", "Bootstrap draws of the test."
        )
    }
    for shift, result in test["shifts"].items():
        prefix = f"break_{shift}"
        numbers |= {
            f"{prefix}_statistic": number_entry(
                result["statistic"], "decimal", f"sup-Wald statistic, {shift} shift.", 1
            ),
            f"{prefix}_p": number_entry(
                result["p_bootstrap"], "p_value", f"Bootstrap p-value, {shift} shift.", 3
            ),
            **{
                f"{prefix}_p_{end}": number_entry(
                    result[f"p_bootstrap_{end}"],
                    "decimal",
                    f"{end.capitalize()} end of the bootstrap p-value's Monte Carlo 95% "
                    f"interval, {shift} shift.",
                    3,
                )
                for end in ("low", "high")
            },
            f"{prefix}_month": number_entry(
                result["argmax_month"] + "-01", "month", f"Month of the largest Wald, {shift}."
            ),
            f"{prefix}_statement_rank": number_entry(
                result["rank_of_statement"],
                "count",
                f"Rank of the Statement's month among the candidate breaks, {shift} shift.",
            ),
            f"{prefix}_months_from_statement": number_entry(
                result["argmax_months_from_statement"],
                "count",
                f"Months from the Statement's first full month to the largest Wald, {shift}.",
            ),
            f"{prefix}_candidates": number_entry(
                result["candidates"], "count", "Candidate break months."
            ),
        }
    # The same search with the negative binomial fit (no bootstrap): where it dates the
    # break and where it ranks the Statement's month.
    for shift, result in test["negative_binomial"]["shifts"].items():
        prefix = f"break_nb_{shift}"
        numbers |= {
            f"{prefix}_statistic": number_entry(
                result["statistic"], "decimal", f"sup-Wald statistic, NB fit, {shift} shift.", 1
            ),
            f"{prefix}_month": number_entry(
                result["argmax_month"] + "-01",
                "month",
                f"Month of the largest Wald, NB fit, {shift}.",
            ),
            f"{prefix}_statement_rank": number_entry(
                result["rank_of_statement"],
                "count",
                f"Rank of the Statement's month among the candidate breaks, NB fit, {shift} shift.",
            ),
            f"{prefix}_months_from_statement": number_entry(
                result["argmax_months_from_statement"],
                "count",
                f"Months from the Statement's first full month to the largest Wald, NB fit, "
                f"{shift}.",
            ),
        }
    return numbers

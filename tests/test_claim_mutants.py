"""Claims mutation-tested (issue 23, item 5): for every claim the harness makes results
under which its sentence would be false, and the check must fail on each; a claim whose
check still holds on one (a claim written too weak) or that no mutant can break is
reported, naming the claim."""

from __future__ import annotations

import json

import pytest

from paperkit.claims import Claim, ClaimError, evaluate
from paperkit.mutants import Printed, claim_mutants, mutation_report

VALUES = {"share_fallen": 0.96, "peak_year": 2019, "last_year": 2020, "bound": 0.1474}
PRINTED = Printed(
    {"share_fallen": "percent", "peak_year": "year", "last_year": "year", "bound": "decimal"},
    {"share_fallen": 0, "peak_year": 0, "last_year": 0, "bound": 2},
)
TABLES = {
    "its": [
        {"specification": f"its-{index}", "ratio": ratio, "high": high, "estimator": estimator}
        for index, (ratio, high, estimator) in enumerate(
            [(0.2, 0.5, "nb"), (0.3, 0.9, "nb"), (0.5, 1.2, "ols"), (0.1, 0.2, "ols")]
        )
    ]
}


def claim(check: str, ident: str = "c") -> Claim:
    return Claim(ident, {"en": "E", "tr": "T"}, check, "multiverse")


@pytest.mark.parametrize(
    ("check", "kinds"),
    [
        ("share_fallen >= 0.9", {"threshold"}),
        ("peak_year < last_year", {"timing"}),
        ("all(its, ratio < 1)", {"member"}),
        ("any(its, high > 1)", {"quantifier"}),
        ("share(its, high < 1) >= 0.7", {"share"}),
        ("count(its, high < 1) > 2", {"share"}),
        # a share that more than one member must cross upwards
        ("share(its, high > 1) < 0.9", {"share"}),
        ("lowest(its, ratio) < 0.15 and highest(its, ratio) < 0.6", {"extreme"}),
        ("median(its, ratio) < 0.3", {"extreme"}),
        ("all(its, high < 1 or estimator == 'ols')", {"member"}),
    ],
)
def test_every_mutant_of_a_check_that_says_what_it_tests_is_killed(check, kinds):
    assert evaluate(check, VALUES, TABLES)
    mutants = claim_mutants(claim(check), VALUES, TABLES, PRINTED)
    assert {mutant.kind for mutant in mutants} == kinds
    for mutant in mutants:
        assert not evaluate(check, mutant.values, mutant.tables), mutant.what
    report = mutation_report([claim(check)], VALUES, TABLES, PRINTED)
    assert report["killed"] == report["mutants"] == len(mutants) and not report["problems"]


def test_a_threshold_mutant_crosses_by_one_unit_of_the_last_printed_digit():
    [mutant] = claim_mutants(claim("share_fallen >= 0.9"), VALUES, TABLES, PRINTED)
    # a percent printed without decimals: one unit is 1 percentage point
    assert mutant.values["share_fallen"] == pytest.approx(0.89)
    # timing: each year shifted by one, the peak onto the last year, the last onto the peak
    mutants = claim_mutants(claim("peak_year < last_year"), VALUES, TABLES, PRINTED)
    shifted = {(m.values["peak_year"], m.values["last_year"]) for m in mutants}
    assert shifted == {(2020, 2020), (2019, 2019)}


def test_a_member_mutant_breaks_the_predicate_for_one_member_only():
    [mutant] = claim_mutants(claim("all(its, ratio < 1)"), VALUES, TABLES, PRINTED)
    changed = [
        (old, new)
        for old, new in zip(TABLES["its"], mutant.tables["its"], strict=True)
        if old != new
    ]
    [(_old, new)] = changed
    assert new["ratio"] >= 1 and new["ratio"] == pytest.approx(1.0, abs=0.01)


def test_a_claim_written_too_weak_is_reported_naming_it():
    # The sentence says every specification fell; the check asks for one.
    weak = Claim(
        "crossings_fell_everywhere",
        {"en": "In every specification crossings fell.", "tr": "Her tanımlamada geçişler azaldı."},
        "any(its, ratio < 1)",
        "multiverse",
    )
    declared = {
        "crossings_fell_everywhere": [
            {
                "why": "one specification in which crossings rose",
                "member": "its",
                "set": {"ratio": 1.2},
            }
        ]
    }
    report = mutation_report([weak], VALUES, TABLES, PRINTED, declared)
    assert report["mutants"] == 2 and report["killed"] == 1
    [problem] = report["problems"]
    assert "claim 'crossings_fell_everywhere'" in problem
    assert "says more than its check tests" in problem
    assert "one specification in which crossings rose" in problem
    assert "In every specification crossings fell." in problem
    # the check as the sentence reads kills it
    strong = Claim("crossings_fell_everywhere", weak.texts, "all(its, ratio < 1)", "multiverse")
    assert not mutation_report([strong], VALUES, TABLES, PRINTED, declared)["problems"]


def test_a_claim_no_mutant_can_break_is_an_error():
    report = mutation_report([claim("1 < 2", "vacuous")], VALUES, TABLES, PRINTED)
    assert report["mutants"] == 0
    [problem] = report["problems"]
    assert "claim 'vacuous'" in problem and "no mutant can break it" in problem


def test_a_threshold_the_sentence_prints_is_compared_as_printed():
    decimals = PRINTED.decimals
    # "at least {{bound}}" prints 0.15; 0.1474 is not at least 0.15
    assert evaluate("printed(bound)", VALUES, decimals=decimals) == 0.15
    assert not evaluate("bound >= printed(bound)", VALUES, decimals=decimals)
    # a percent's value is a fraction: two more decimals than it prints
    assert evaluate("printed(share_fallen)", {"share_fallen": 0.9649}, decimals=decimals) == 0.96
    with pytest.raises(ClaimError, match="printed"):
        evaluate("printed(0.5) > 0", VALUES, decimals=decimals)
    # a member one unit of the printed digit below the bound breaks "at least"
    check = "all(its, ratio >= printed(bound) - 0.1)"
    mutants = claim_mutants(claim(check), VALUES, TABLES, PRINTED)
    assert mutants and all(
        not evaluate(check, m.values, m.tables, decimals=decimals) for m in mutants
    )


@pytest.mark.e2e
def test_every_claim_of_the_paper_kills_every_mutant(built, record_property):
    report = json.loads((built / "results/checks/claim_mutants.json").read_text("utf-8"))
    # shown at the end of the run (tests/conftest.py: pytest_terminal_summary)
    record_property(
        "claim_mutation_score",
        f"{report['killed']}/{report['mutants']} mutants killed over {report['claims']} "
        f"claims ({report['score']:.0%})",
    )
    assert report["mutants"] >= report["claims"] > 0
    assert report["killed"] == report["mutants"] and report["score"] == 1
    assert all(row["made"] > 0 for row in report["per_claim"])

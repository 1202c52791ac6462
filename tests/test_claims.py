"""Claims as checks: the evaluator, and a flipped claim failing with its wording quoted."""

from __future__ import annotations

import pytest
import yaml

from paperkit.claims import Claim, ClaimError, check_claims, evaluate, parse_claims
from tests.conftest import ROOT

VALUES = {"irr": 0.024, "irr_high": 0.036, "p": 0.0004, "low": 0.7, "high": 1.6}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("irr_high < 1", True),
        ("low < 1 < high", True),
        ("p < 0.05 and not irr > 1", True),
        ("abs(irr - 1) > 0.9", True),
        ("max(low, irr) == 0.7", True),
        ("irr > 1 or high < 1", False),
    ],
)
def test_evaluate(expression, expected):
    assert evaluate(expression, VALUES) is expected


@pytest.mark.parametrize(
    "expression",
    ["__import__('os')", "irr.real > 0", "[irr][0] < 1", "open('x')", "irr ** 2 < 1", "irr in [1]"],
)
def test_evaluate_refuses_anything_else(expression):
    with pytest.raises(ClaimError):
        evaluate(expression, VALUES)


def test_unknown_number_is_named():
    with pytest.raises(ClaimError, match="'nowhere' is not a number"):
        evaluate("nowhere < 1", VALUES)


def test_a_flipped_claim_fails_quoting_both_languages():
    claim = Claim("cut", {"en": "Crossings fell.", "tr": "Geçişler düştü."}, "irr > 1")
    with pytest.raises(ClaimError) as error:
        check_claims([claim], VALUES)
    message = str(error.value)
    assert "claim 'cut' fails" in message
    assert "Crossings fell." in message and "Geçişler düştü." in message


def test_a_claim_needs_every_language_and_a_check():
    with pytest.raises(ClaimError, match="missing tr"):
        parse_claims({"x": {"en": "E", "check": "1 < 2", "scope": "numbers"}}, ["en", "tr"])
    with pytest.raises(ClaimError, match="'check' is a required property"):
        parse_claims({"x": {"en": "E", "tr": "T", "scope": "numbers"}}, ["en", "tr"])
    with pytest.raises(ClaimError, match="'scope' is a required property"):
        parse_claims({"x": {"en": "E", "tr": "T", "check": "1 < 2"}}, ["en", "tr"])


def test_the_claims_file_is_checked_against_its_schema():
    with pytest.raises(ClaimError, match="breaks its schema") as error:
        parse_claims(
            {"x": {"en": "E", "tr": "T", "check": "1 < 2", "scope": "numbers", "chekc": "typo"}},
            ["en"],
        )
    assert "chekc" in str(error.value)


def test_the_committed_claims_parse_and_only_name_simple_checks():
    claims = parse_claims(
        yaml.safe_load((ROOT / "manuscript" / "claims.yaml").read_text(encoding="utf-8")),
        ["en", "tr"],
    )
    assert len(claims) >= 10
    for claim in claims:
        for expression in filter(None, (claim.check, claim.across)):
            values, tables = _anything(expression)
            # printed() needs the digits a number is printed with: two for every name
            evaluate(expression, values, tables, decimals=dict.fromkeys(values, 2))


FAMILIES = ("its", "did", "indices")


def _anything(expression: str) -> tuple[dict[str, float], dict[str, list]]:
    """Every name in an expression bound to 0.5, and every family a table of one such row:
    the check parses and uses allowed syntax only."""
    import ast

    from paperkit.claims import FUNCTIONS, QUANTIFIERS

    names = {node.id for node in ast.walk(ast.parse(expression)) if isinstance(node, ast.Name)}
    values = {name: 0.5 for name in names - set(FUNCTIONS) - set(QUANTIFIERS) - set(FAMILIES)}
    return values, {family: [values] for family in FAMILIES}


# --------------------------------------------------------------------------- over specifications

TABLES = {
    "its": [
        {"ratio": 0.01, "ratio_high": 0.02, "events": "all", "border_high": 1.5},
        {"ratio": 0.05, "ratio_high": 0.2, "events": "all", "border_high": 1.2},
        {"ratio": 0.3, "ratio_high": 2.0, "events": "none", "border_high": None},
    ]
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("all(its, ratio < 1)", True),
        ("all(its, ratio_high < 1)", False),
        ("any(its, ratio_high > 1)", True),
        ("share(its, ratio_high < 1) == 2 / 3", True),
        ("count(its, ratio_high < 1) == 2", True),
        ("lowest(its, ratio) == 0.01 and highest(its, ratio) == 0.3", True),
        ("median(its, ratio) == 0.05", True),
        ("share(its, ratio_high < 1) > irr", True),  # rows see the numbers too
        # an empty cell is never compared: "or" stops before it
        ("all(its, events == 'none' or border_high > 1)", True),
    ],
)
def test_quantifiers_over_a_family(expression, expected):
    assert evaluate(expression, VALUES, TABLES) is expected


def test_comparing_an_empty_cell_is_an_error_not_false():
    with pytest.raises(ClaimError, match="empty in a specification"):
        evaluate("all(its, border_high > 1)", VALUES, TABLES)
    with pytest.raises(ClaimError, match="not a model family"):
        evaluate("all(nowhere, ratio < 1)", VALUES, TABLES)


@pytest.mark.parametrize(
    "check",
    [
        "all(its, ratio < 1)",
        "share(its, ratio < 1) > 0.5",
        "lowest(its, ratio) < 1",
        "median(its, ratio) < 1",
    ],
)
def test_a_quantifier_over_an_empty_family_fails_naming_the_claim(check):
    """all() over no specification would be vacuously true, share() would divide by zero
    and lowest() or median() raise a bare ValueError: each is a claim error that names
    the claim and the empty family."""
    claim = Claim("empty_family", {"en": "It fell everywhere.", "tr": "Her yerde düştü."}, check)
    with pytest.raises(ClaimError) as raised:
        check_claims([claim], VALUES, {"its": []})
    message = str(raised.value)
    assert "claim 'empty_family' fails" in message
    assert "the family 'its' has no specifications" in message


MAIN_ONLY = {
    "en": "In the main specification the level fell.",
    "tr": "Ana tanımlamada düzey düştü.",
}
PHRASES = {"en": "main specification", "tr": "ana tanımlama"}


def test_a_claim_true_only_in_the_main_specification_must_say_so():
    unsaid = Claim(
        "main_fall",
        {"en": "The level fell.", "tr": "Düzey düştü."},
        "irr_high < 1",
        "main",
        "its",
        "ratio_high < 1",
    )
    with pytest.raises(ClaimError, match="holds in 2 of 3 specifications") as error:
        check_claims([unsaid], VALUES, TABLES, PHRASES)
    assert "en, tr" in str(error.value)
    said = Claim("main_fall", MAIN_ONLY, "irr_high < 1", "main", "its", "ratio_high < 1")
    [outcome] = check_claims([said], VALUES, TABLES, PHRASES)
    assert outcome["holds"] and outcome["main_only"]
    # true in every specification: no phrase needed, and the text need not say it
    everywhere = Claim("fall", unsaid.texts, "irr_high < 1", "main", "its", "ratio < 1")
    [outcome] = check_claims([everywhere], VALUES, TABLES, PHRASES)
    assert outcome["holds"] and not outcome["main_only"]


def test_a_main_claim_must_name_its_family_and_predicate():
    with pytest.raises(ClaimError, match="breaks its schema"):
        parse_claims({"x": {"en": "E", "check": "1 < 2", "scope": "main"}}, ["en"])


# --------------------------------------------------------------------------- evidence status

UNVERIFIED = {"irr": ("alignment:D02", "events:x")}
HEDGED = {
    "en": "On unverified coding, the level fell.",
    "tr": "Doğrulanmamış kodlamaya göre düzey düştü.",
}
HEDGE = {"en": "on unverified coding", "tr": "doğrulanmamış kodlamaya göre"}


def test_a_claim_resting_on_unverified_rows_needs_a_hedge_and_says_what_to_add():
    bare = Claim("fell", {"en": "The level fell.", "tr": "Düzey düştü."}, "irr < 1")
    with pytest.raises(ClaimError) as error:
        check_claims([bare], VALUES, unverified=UNVERIFIED)
    message = str(error.value)
    assert "claim 'fell' fails (it rests on unverified input rows" in message
    assert "alignment:D02, events:x" in message and "through irr" in message
    assert "hedge:" in message and "en: <a phrase" in message and "{{claim:fell}}" in message
    # a number resting on no unverified row needs no hedge
    [outcome] = check_claims([Claim("p", bare.texts, "p < 0.05")], VALUES, unverified=UNVERIFIED)
    assert outcome["holds"] and "phrases" not in outcome


def test_a_hedged_claim_passes_and_the_report_lists_its_phrase_per_language():
    claim = Claim("fell", HEDGED, "irr < 1", hedge=HEDGE)
    [outcome] = check_claims([claim], VALUES, unverified=UNVERIFIED)
    assert outcome["holds"] and outcome["unverified"] == ["alignment:D02", "events:x"]
    assert outcome["phrases"]["tr"] == [
        {
            "phrase": "doğrulanmamış kodlamaya göre",
            "why": "rests on unverified rows (alignment:D02, events:x)",
        }
    ]


def test_a_hedge_must_be_in_the_claims_own_wording():
    claim = Claim("fell", {**HEDGED, "tr": "Düzey düştü."}, "irr < 1", hedge=HEDGE)
    with pytest.raises(ClaimError, match=r"its hedge is not in its wording in: tr"):
        check_claims([claim], VALUES, unverified=UNVERIFIED)


def test_scope_and_hedge_are_one_list_of_required_phrases():
    claim = Claim(
        "main_fall",
        {
            "en": "In the main specification and on unverified coding the level fell.",
            "tr": "Ana tanımlamada doğrulanmamış kodlamaya göre düzey düştü.",
        },
        "irr_high < 1",
        "main",
        "its",
        "ratio_high < 1",
        hedge=HEDGE,
    )
    [outcome] = check_claims([claim], VALUES, TABLES, PHRASES, {"irr_high": ("events:x",)})
    assert [p["phrase"] for p in outcome["phrases"]["en"]] == [
        "main specification",
        "on unverified coding",
    ]


def test_a_column_of_a_family_is_not_the_number_of_the_same_name():
    from paperkit.claims import numbers_used

    values = {"ratio": 0.5, "irr": 0.1}
    assert numbers_used("all(its, ratio < 1) and irr < 1", values, TABLES) == {"irr"}
    assert numbers_used("ratio < 1", values, TABLES) == {"ratio"}


def test_the_hedge_is_in_the_schema():
    [claim] = parse_claims(
        {"x": {**HEDGED, "check": "irr < 1", "scope": "numbers", "hedge": HEDGE}}, ["en", "tr"]
    )
    assert claim.hedge == HEDGE
    with pytest.raises(ClaimError, match="breaks its schema"):
        parse_claims({"x": {**HEDGED, "check": "1 < 2", "scope": "numbers", "hedge": "x"}}, ["en"])

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
            evaluate(expression, *_anything(expression))


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

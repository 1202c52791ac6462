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
        parse_claims({"x": {"en": "E", "check": "1 < 2"}}, ["en", "tr"])
    with pytest.raises(ClaimError, match="'check' is a required property"):
        parse_claims({"x": {"en": "E", "tr": "T"}}, ["en", "tr"])


def test_the_claims_file_is_checked_against_its_schema():
    with pytest.raises(ClaimError, match="breaks its schema") as error:
        parse_claims({"x": {"en": "E", "tr": "T", "check": "1 < 2", "chekc": "typo"}}, ["en"])
    assert "chekc" in str(error.value)


def test_the_committed_claims_parse_and_only_name_simple_checks():
    claims = parse_claims(
        yaml.safe_load((ROOT / "manuscript" / "claims.yaml").read_text(encoding="utf-8")),
        ["en", "tr"],
    )
    assert len(claims) >= 10
    for claim in claims:
        evaluate(claim.check, _anything(claim.check))


def _anything(expression: str) -> dict[str, float]:
    """Every name in an expression bound to 0.5: the check parses and uses allowed syntax only."""
    import ast

    names = {node.id for node in ast.walk(ast.parse(expression)) if isinstance(node, ast.Name)}
    return {name: 0.5 for name in names - {"abs", "min", "max"}}

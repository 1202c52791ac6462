"""Claim checks are bounded in size and time (issue 21, hardening): a check that would
build a huge value, is too long, or runs too long is a claim error naming the claim."""

from __future__ import annotations

import time

import pytest

from paperkit import claims as claims_module
from paperkit.claims import Claim, ClaimError, check_claims, evaluate

VALUES = {"irr": 0.024, "label": "x"}


def test_a_check_building_a_50_mb_string_is_refused_naming_the_claim():
    claim = Claim("huge", {"en": "E", "tr": "T"}, "'x' * 50000000 == 'y'")
    started = time.monotonic()
    with pytest.raises(ClaimError) as error:
        check_claims([claim], VALUES)
    # refused before the string is built: no 50 MB allocation, no seconds spent
    assert time.monotonic() - started < 1
    message = str(error.value)
    assert "claim 'huge' fails" in message
    assert "50,000,000 characters" in message


@pytest.mark.parametrize(
    "expression",
    [
        "50000000 * 'x' == 'y'",
        "label * 2000 == 'y'",
        "('x' * 900) + ('x' * 900) == 'y'",
        "99999999999999999999 * 99999999999999999999 * 99999999999999999999"
        " * 99999999999999999999 * 99999999999999999999 * 99999999999999999999 > 1",
    ],
)
def test_values_a_check_builds_are_bounded(expression):
    with pytest.raises(ClaimError, match="would build"):
        evaluate(expression, VALUES)


def test_small_strings_and_numbers_are_still_allowed():
    assert evaluate("label * 3 == 'xxx' and 12 * 12 == 144", VALUES) is True


def test_a_check_too_long_or_too_deep_is_refused():
    with pytest.raises(ClaimError, match="characters"):
        evaluate("irr < 1 and " * 300 + "irr < 1", VALUES)
    with pytest.raises(ClaimError, match="syntax nodes"):
        evaluate(" + ".join(["irr"] * 300) + " > 0", VALUES)


def test_a_check_running_too_long_is_stopped_naming_the_claim(monkeypatch):
    # 200 000 rows of a family: a check over them all runs past a tight limit
    tables = {"big": [{"x": float(index)} for index in range(200_000)]}
    monkeypatch.setattr(claims_module, "MAX_CHECK_SECONDS", 0.05)
    claim = Claim("slow", {"en": "E", "tr": "T"}, "all(big, x + x * x >= 0 and x >= 0)")
    with pytest.raises(ClaimError) as error:
        check_claims([claim], {}, tables)
    assert "claim 'slow' fails" in str(error.value)
    assert "longer than 0.05 s" in str(error.value)

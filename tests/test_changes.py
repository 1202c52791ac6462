"""The change report: numbers that moved (as each language prints them), claims that flipped."""

from __future__ import annotations

from paperkit.changes import compare, report_markdown, snapshot
from paperkit.numbers import Number
from tests.conftest import languages

CLAIMS = {
    "syrians_fell": {
        "en": "The Syrian population fell from its peak.",
        "tr": "Suriyeli nüfus zirvesinden geriledi.",
        "scope": "numbers",
        "check": "syria_last < syria_peak",
    },
    "largest_host": {
        "en": "Türkiye hosted the most refugees.",
        "tr": "Türkiye en çok mülteciyi barındırdı.",
        "scope": "numbers",
        "check": "share > 0.1",
    },
}


def release(last: int, peak: int, share: float, year: int) -> dict:
    """A fixture: the numbers one data release yields."""
    numbers = {
        "syria_last": Number(last, "count"),
        "syria_peak": Number(peak, "count"),
        "share": Number(share, "percent", 1),
        "last_year": Number(year, "year"),
        "countries": Number(["SY", "AF"], "countries"),
    }
    return snapshot(numbers, CLAIMS, languages())


OLD = release(last=2_901_000, peak=3_737_369, share=0.106, year=2024)
NEW = release(last=3_737_369, peak=3_737_369, share=0.084, year=2025)


def test_changed_numbers_are_reported_as_each_language_prints_them():
    diff = compare(OLD, NEW)
    assert diff["numbers_changed"]["syria_last"] == {
        "old": {"en": "2,901,000", "tr": "2.901.000"},
        "new": {"en": "3,737,369", "tr": "3.737.369"},
    }
    assert diff["numbers_changed"]["share"]["new"] == {"en": "8.4%", "tr": "%8,4"}
    assert "syria_peak" not in diff["numbers_changed"]
    assert "countries" not in diff["numbers_changed"]
    assert diff["numbers_compared"] == 5


def test_claims_whose_truth_changed_are_reported():
    diff = compare(OLD, NEW)
    assert set(diff["claims_changed"]) == {"syrians_fell", "largest_host"}
    assert diff["claims_changed"]["syrians_fell"]["was"] is True
    assert diff["claims_changed"]["syrians_fell"]["claim"]["holds"] is False


def test_report_lists_both_languages_and_the_flipped_claims():
    report = report_markdown(compare(OLD, NEW), "Fixture update", ["en", "tr"])
    assert "3 of 5 numbers changed; 2 of 2 claims changed truth." in report
    assert "| `syria_last` | 2,901,000 → 3,737,369 | 2.901.000 → 3.737.369 |" in report
    assert "**syrians_fell**: holds → fails" in report
    assert "tr: Suriyeli nüfus zirvesinden geriledi." in report


def test_no_change_is_reported_as_none():
    report = report_markdown(compare(NEW, NEW), "No update", ["en", "tr"])
    assert "0 of 5 numbers changed; 0 of 2 claims changed truth." in report
    assert "##" not in report


def test_added_and_removed_numbers():
    smaller = {**NEW, "numbers": {k: v for k, v in NEW["numbers"].items() if k != "share"}}
    diff = compare(smaller, NEW)
    assert diff["numbers_added"] == ["share"] and compare(NEW, smaller)["numbers_removed"] == [
        "share"
    ]

"""Numbers the text may quote: a value, its kind (how to format it) and digits.

A results file records each number as ``{name: {value, kind, digits,
description}}`` (``number_entry``); the manuscript merges every results file
(``merge_numbers``), formats each number for its language, and the claims
compare their values (``numeric_values``). Standard library only.

Evidence status travels with a number: a number computed from input rows the
coders could not verify (status ``no``) lists their ids in ``unverified``
(``number_entry(..., unverified=[...])``; left out when there are none). A claim
whose check uses such a number must then carry a hedge (``paperkit.claims``).
"""

from __future__ import annotations

from dataclasses import dataclass

from paperkit.languages import Language


class NumberError(ValueError):
    """Two results files define the same number."""


@dataclass(frozen=True)
class Number:
    """A value the text may quote, with how to format it."""

    value: object
    kind: str
    digits: int = 0
    unverified: tuple[str, ...] = ()  # ids of the unverified input rows it rests on

    def formatted(self, language: Language) -> str:
        return language.format(self.value, self.kind, self.digits)


def number_entry(value, kind: str, description: str, digits: int = 0, unverified=None) -> dict:
    """A number as a results file records it for the text: value, kind, digits, description,
    and (only when there are any) the sorted ids of the unverified input rows it rests on."""
    entry = {"value": value, "kind": kind, "digits": digits, "description": description}
    if unverified:
        entry["unverified"] = sorted(set(map(str, unverified)))
    return entry


def with_unverified(entry: dict, unverified) -> dict:
    """``entry`` also resting on the unverified rows ``unverified`` (merged, sorted)."""
    rows = sorted({*entry.get("unverified", []), *map(str, unverified or [])})
    return {**entry, "unverified": rows} if rows else dict(entry)


def unverified_numbers(numbers: dict[str, Number]) -> dict[str, tuple[str, ...]]:
    """Number name → the unverified input rows it rests on (numbers resting on none left out)."""
    return {name: number.unverified for name, number in numbers.items() if number.unverified}


def numeric_values(numbers: dict[str, Number]) -> dict[str, float]:
    """The numbers a claim's check can compare (not dates, lists of countries or text)."""
    return {
        name: number.value
        for name, number in numbers.items()
        if isinstance(number.value, (int, float)) and not isinstance(number.value, bool)
    }


def merge_numbers(named_payloads: dict[str, dict]) -> dict[str, Number]:
    """Merge results files ({file: {name: {value, kind, digits?}}}); a name may appear once."""
    merged: dict[str, Number] = {}
    origin: dict[str, str] = {}
    for file, payload in sorted(named_payloads.items()):
        for name, entry in payload.items():
            if name in merged:
                raise NumberError(f"number '{name}' is defined in both {origin[name]} and {file}")
            merged[name] = Number(
                entry["value"],
                entry["kind"],
                entry.get("digits", 0),
                tuple(entry.get("unverified", ())),
            )
            origin[name] = file
    return merged

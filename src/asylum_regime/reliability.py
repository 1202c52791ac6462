"""Inter-coder reliability of the alignment coding and how its disagreements were settled.

An independent second coder scored every applicable unit of the alignment coding
(one unit per alignment row, 0 / 0.5 / 1) without seeing the first scores; the
file ``data/raw/legal/second_coding.csv`` holds both scores, the reconciled one
and how it was reached (``reconciliation``: ``agree``, ``second reading (<s>)
adopted: …`` or ``first reading (<s>) adopted: …``). This module checks that
file's own logic and computes, from the scores *before* reconciliation,

- Krippendorff's alpha (ordinal, interval; nominal for reference) with the
  ``krippendorff`` package, two coders, value domain 0, 0.5, 1;
- the number of units, agreements and disagreements (by size and direction);
- how each disagreement was reconciled (second coder's score adopted, first kept).

Pure functions of tables; the numbers for the text are made by ``reliability_numbers``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paperkit.numbers import number_entry
from paperkit.validate import ValidationError, Violation

DOMAIN = (0.0, 0.5, 1.0)
LEVELS = ("ordinal", "interval", "nominal")
RECONCILIATION = re.compile(
    r"^(agree|second reading \(([0-9.]+)\) adopted|first reading \(([0-9.]+)\) adopted)"
)


def krippendorff_alpha(
    first, second, level: str = "ordinal", domain: tuple[float, ...] = DOMAIN
) -> float:
    """Krippendorff's alpha of two coders' scores of the same units (``krippendorff``)."""
    import krippendorff

    data = np.array([list(map(float, first)), list(map(float, second))])
    return float(
        krippendorff.alpha(
            reliability_data=data, level_of_measurement=level, value_domain=list(domain)
        )
    )


def reconciliation_kind(text: str) -> str:
    """``agree``, ``second`` (the second coder's score adopted) or ``first`` (kept)."""
    match = RECONCILIATION.match(text or "")
    if match is None:
        raise ValueError(f"unknown reconciliation {text!r}")
    return "agree" if match.group(1) == "agree" else match.group(1).split()[0]


def second_coding_violations(units: pd.DataFrame) -> list[Violation]:
    """The file's own logic: agreement means equal scores, and the reconciled score is the
    reading the ``reconciliation`` says was adopted (with the score it quotes)."""
    found = []
    for _, unit in units.iterrows():
        first, second, reconciled = (
            float(unit[c]) for c in ("first_score", "second_score", "reconciled_score")
        )

        def problem(column: str, rule: str, value, unit=unit) -> None:
            found.append(
                Violation(unit["source_file"], int(unit["source_row"]), column, rule, value)
            )

        text = str(unit["reconciliation"])
        match = RECONCILIATION.match(text)
        if match is None:
            problem(
                "reconciliation",
                "must start with 'agree', 'second reading (s) adopted' or "
                "'first reading (s) adopted'",
                text[:40],
            )
            continue
        kind = reconciliation_kind(text)
        quoted = match.group(2) or match.group(3)
        if kind == "agree":
            if first != second:
                problem("reconciliation", "says 'agree' but the two scores differ", text[:40])
            if reconciled != first:
                problem("reconciled_score", "must equal the agreed score", reconciled)
            continue
        if first == second:
            problem(
                "reconciliation", "the scores are equal: the reconciliation is 'agree'", text[:40]
            )
        adopted = second if kind == "second" else first
        if reconciled != adopted:
            problem(
                "reconciled_score",
                f"must be the {kind} coder's score ({adopted:g}) that the reconciliation adopts",
                reconciled,
            )
        if quoted is not None and float(quoted) != adopted:
            problem(
                "reconciliation",
                f"quotes the score {quoted}, but the {kind} coder's score is {adopted:g}",
                text[:40],
            )
    return found


def check_second_coding(units: pd.DataFrame) -> pd.DataFrame:
    """``units`` unchanged if its own logic holds; ValidationError naming row and column."""
    if problems := second_coding_violations(units):
        raise ValidationError(problems)
    return units


@dataclass(frozen=True)
class Reliability:
    units: int
    agreements: int
    disagreements: int
    half_apart: int
    full_apart: int
    second_higher: int
    second_lower: int
    second_adopted: int
    first_kept: int
    agree_with_proposal: int
    alpha: dict[str, float]
    first_counts: dict[float, int]
    reconciled_counts: dict[float, int]

    @property
    def agreement_share(self) -> float:
        return self.agreements / self.units


def reliability(units: pd.DataFrame) -> Reliability:
    """Agreement before reconciliation and how the disagreements were reconciled."""
    first = units["first_score"].astype(float).to_numpy()
    second = units["second_score"].astype(float).to_numpy()
    gaps = np.abs(first - second)
    kinds = units["reconciliation"].astype(str).map(reconciliation_kind)
    agreeing = units["reconciliation"].astype(str)

    def counts(scores: np.ndarray) -> dict[float, int]:
        return {value: int((scores == value).sum()) for value in DOMAIN}

    return Reliability(
        units=len(units),
        agreements=int((gaps == 0).sum()),
        disagreements=int((gaps > 0).sum()),
        half_apart=int((gaps == 0.5).sum()),
        full_apart=int((gaps == 1.0).sum()),
        second_higher=int((second > first).sum()),
        second_lower=int((second < first).sum()),
        second_adopted=int((kinds == "second").sum()),
        first_kept=int((kinds == "first").sum()),
        agree_with_proposal=int(agreeing.str.match(r"^agree;").sum()),
        alpha={level: krippendorff_alpha(first, second, level) for level in LEVELS},
        first_counts=counts(first),
        reconciled_counts=counts(units["reconciled_score"].astype(float).to_numpy()),
    )


def reliability_numbers(result: Reliability, not_applicable: int) -> dict[str, dict]:
    """The reliability numbers the text can quote (``results/numbers/reliability.json``)."""

    def count(value: int, description: str) -> dict:
        return number_entry(int(value), "count", description)

    score_names = {0.0: "zero", 0.5: "half", 1.0: "one"}
    numbers = {
        "second_coding_units": count(
            result.units, "Units scored by both coders (applicable alignment rows)."
        ),
        "second_coding_not_applicable": count(
            not_applicable,
            "Alignment rows of requirements not applicable to a non-member, left unscored by "
            "both coders.",
        ),
        "second_coding_agreements": count(
            result.agreements, "Units both coders scored the same, before reconciliation."
        ),
        "second_coding_disagreements": count(
            result.disagreements, "Units the coders scored differently, before reconciliation."
        ),
        "second_coding_agreement_share": number_entry(
            result.agreement_share, "percent", "Share of units scored the same.", 1
        ),
        "second_coding_disagreements_half": count(
            result.half_apart, "Disagreements of half a point (0 vs 0.5, 0.5 vs 1)."
        ),
        "second_coding_disagreements_full": count(
            result.full_apart, "Disagreements of a whole point (0 vs 1)."
        ),
        "second_coding_second_higher": count(
            result.second_higher, "Disagreements in which the second coder scored higher."
        ),
        "second_coding_second_lower": count(
            result.second_lower, "Disagreements in which the second coder scored lower."
        ),
        "second_coding_second_adopted": count(
            result.second_adopted, "Disagreements reconciled to the second coder's score."
        ),
        "second_coding_first_kept": count(
            result.first_kept, "Disagreements reconciled by keeping the first coder's score."
        ),
        "second_coding_agree_with_proposal": count(
            result.agree_with_proposal,
            "Agreeing units where the second coder proposed another provision or interval.",
        ),
    }
    for level, value in result.alpha.items():
        numbers[f"second_coding_alpha_{level}"] = number_entry(
            value,
            "decimal",
            f"Krippendorff's alpha ({level}), first vs second coder, before reconciliation.",
            3,
        )
    for value, name in score_names.items():
        numbers[f"second_coding_first_{name}"] = count(
            result.first_counts[value], f"Units the first coder scored {value:g}."
        )
        numbers[f"second_coding_reconciled_{name}"] = count(
            result.reconciled_counts[value], f"Units scored {value:g} after reconciliation."
        )
    return numbers

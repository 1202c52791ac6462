"""Inter-coder reliability of the alignment coding and how its disagreements were settled.

An independent second coder scored every applicable unit of the alignment coding
(one unit per alignment row, 0 / 0.5 / 1) without seeing the first scores; the
file ``data/raw/legal/second_coding.csv`` holds both scores, the reconciled one
and how it was reached (``reconciliation``: ``agree``, ``second reading (<s>)
adopted: …`` or ``first reading (<s>) adopted: …``). This module checks that
file's own logic and computes, from the scores *before* reconciliation,

- Krippendorff's alpha (ordinal, interval; nominal for reference) with the
  ``krippendorff`` package, two coders, value domain 0, 0.5, 1, with a bootstrap interval
  over units (``scipy.stats.bootstrap``);
- the number of units, agreements and disagreements (by size and direction);
- how each disagreement was reconciled (second coder's score adopted, first kept), and by
  which clauses of the adjudication rule (``rule_clauses``, checked against the rule as the
  codebook states it: ``adjudication_violations``).

After reconciliation there is one coding: no second coding applied the rule independently,
so there is no inter-coder alpha after adjudication. What is computed instead, and named
for what it is, is each coder's agreement with the adjudicated scores (alpha between
``first_score`` and ``reconciled_score``, and between ``second_score`` and
``reconciled_score``): high by construction, a measure of how far each independent coding
stood from the one the paper uses.

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


def bootstrap_alpha_interval(
    first,
    second,
    level: str = "ordinal",
    draws: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    domain: tuple[float, ...] = DOMAIN,
) -> tuple[float, float]:
    """A bootstrap interval of ``krippendorff_alpha``: units resampled with both of their
    scores (``scipy.stats.bootstrap``, paired, BCa), ``draws`` resamples from ``seed``."""
    from scipy import stats

    result = stats.bootstrap(
        (np.asarray(first, dtype=float), np.asarray(second, dtype=float)),
        lambda a, b: krippendorff_alpha(a, b, level, domain),
        paired=True,
        vectorized=False,
        n_resamples=draws,
        confidence_level=confidence,
        method="BCa",
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


# --------------------------------------------------------------------------- adjudication rule

# The scale clauses of the adjudication rule (data/raw/legal/README.md, "Adjudication
# rule") and the score each gives; every disagreement names exactly one.
SCALE_CLAUSES = {"full": 1.0, "partial": 0.5, "none": 0.0}
# The clauses that choose between the two readings. Of these, ``evidence`` and
# ``operative`` have a consequence the build can check (below); ``placement`` and
# ``consistency`` are named, and read, not checked.
DECIDING_CLAUSES = ("evidence", "operative", "placement", "consistency")
CLAUSES = (*SCALE_CLAUSES, *DECIDING_CLAUSES)
# What a reason must name when the ``evidence`` clause set a reading aside: what it rested on.
EVIDENCE_CUES = ("recollection", "memory", "neither coder read", "no source read", "press")
CODEBOOK_HEADING = "### Adjudication rule"
CLAUSE_ROW = re.compile(r"^\| `([a-z]+)` \|")


def codebook_clauses(codebook: str) -> list[str]:
    """The clauses of the adjudication rule as the codebook states them: the first cell of
    each row of the table under its heading (empty when the heading is missing)."""
    lines = codebook.splitlines()
    if CODEBOOK_HEADING not in lines:
        return []
    found = []
    for line in lines[lines.index(CODEBOOK_HEADING) + 1 :]:
        if line.startswith("#"):
            break
        if match := CLAUSE_ROW.match(line):
            found.append(match.group(1))
    return found


def clauses_of(value) -> list[str]:
    """The clauses named in a ``rule_clauses`` cell (an empty cell names none)."""
    return [] if pd.isna(value) else str(value).split()


def adjudication_violations(
    units: pd.DataFrame, stated: list[str], codebook: str = "data/raw/legal/README.md"
) -> list[Violation]:
    """Whether each reconciliation follows the adjudication rule, as far as a machine can
    tell: every disagreement names exactly one scale clause, which gives its reconciled
    score, and only clauses the codebook states (``stated``); an agreement names none; an
    ``evidence`` reason says what the set-aside reading rested on; an ``operative`` one
    adopts the lower reading. First of all, the codebook must state exactly the clauses
    this check knows (``codebook``: its path, for the message)."""
    found = []
    if sorted(stated) != sorted(CLAUSES):
        found.append(
            Violation(
                codebook,
                None,
                None,
                f"the table under '{CODEBOOK_HEADING}' must state the clauses "
                f"{', '.join(CLAUSES)} once each (the ones the check in "
                "asylum_regime.reliability knows)",
                ", ".join(stated) or "no clause",
            )
        )
    for _, unit in units.iterrows():
        first, second, reconciled = (
            float(unit[c]) for c in ("first_score", "second_score", "reconciled_score")
        )
        named, text = clauses_of(unit["rule_clauses"]), str(unit["reconciliation"])

        def problem(rule: str, value, column: str = "rule_clauses", unit=unit) -> None:
            found.append(
                Violation(unit["source_file"], int(unit["source_row"]), column, rule, value)
            )

        if first == second:
            if named:
                problem("the coders agreed: an agreement names no clause", " ".join(named))
            continue
        if not named:
            problem(
                "a disagreement names the clauses of the adjudication rule that decided it "
                f"(data/raw/legal/README.md, '{CODEBOOK_HEADING[4:]}')",
                "",
            )
            continue
        for clause in sorted(set(named) - set(stated)):
            problem(f"is not a clause of the adjudication rule ({', '.join(stated)})", clause)
        if len(set(named)) < len(named):
            problem("names a clause twice", " ".join(named))
        scale = [clause for clause in named if clause in SCALE_CLAUSES]
        if len(scale) != 1:
            problem(
                "names exactly one scale clause (full, partial or none): the level reached",
                " ".join(scale) or "none named",
            )
        elif SCALE_CLAUSES[scale[0]] != reconciled:
            problem(
                f"the scale clause '{scale[0]}' gives {SCALE_CLAUSES[scale[0]]:g}, but the "
                f"reconciled score is {reconciled:g}",
                scale[0],
            )
        if "evidence" in named and not any(cue in text.lower() for cue in EVIDENCE_CUES):
            problem(
                "applies 'evidence': the reason must say what the set-aside reading rested "
                f"on ({', '.join(repr(cue) for cue in EVIDENCE_CUES)})",
                text[:40],
                "reconciliation",
            )
        if "operative" in named and reconciled != min(first, second):
            problem(
                f"applies 'operative': the lower reading ({min(first, second):g}) is adopted, "
                f"not {reconciled:g}",
                reconciled,
                "reconciled_score",
            )
    return found


def check_adjudication(units: pd.DataFrame, codebook_text: str, codebook: str) -> pd.DataFrame:
    """``units`` unchanged if every reconciliation follows the adjudication rule as the
    codebook (``codebook_text``, read from ``codebook``) states it; ValidationError naming
    row and column otherwise."""
    if problems := adjudication_violations(units, codebook_clauses(codebook_text), codebook):
        raise ValidationError(problems)
    return units


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
    # ordinal alpha, first vs second coder: its bootstrap interval
    alpha_interval: tuple[float, float]
    # ordinal alpha of each coder ("first", "second") against the adjudicated scores, and
    # its bootstrap interval: agreement with the coding the paper uses, not reliability
    alpha_adjudicated: dict[str, float]
    alpha_adjudicated_interval: dict[str, tuple[float, float]]
    clause_counts: dict[str, int]
    bootstrap_draws: int
    confidence: float
    first_counts: dict[float, int]
    reconciled_counts: dict[float, int]

    @property
    def agreement_share(self) -> float:
        return self.agreements / self.units


def reliability(
    units: pd.DataFrame, draws: int = 2000, seed: int = 0, confidence: float = 0.95
) -> Reliability:
    """Agreement before reconciliation, each coder's agreement with the adjudicated scores,
    and how the disagreements were reconciled (bootstrap intervals: ``draws`` resamples
    from ``seed``)."""
    first = units["first_score"].astype(float).to_numpy()
    second = units["second_score"].astype(float).to_numpy()
    adjudicated = units["reconciled_score"].astype(float).to_numpy()
    named = [clause for value in units["rule_clauses"] for clause in clauses_of(value)]

    def interval(a, b) -> tuple[float, float]:
        return bootstrap_alpha_interval(a, b, "ordinal", draws, seed, confidence)

    coders = {"first": first, "second": second}
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
        alpha_interval=interval(first, second),
        alpha_adjudicated={
            coder: krippendorff_alpha(scores, adjudicated) for coder, scores in coders.items()
        },
        alpha_adjudicated_interval={
            coder: interval(scores, adjudicated) for coder, scores in coders.items()
        },
        clause_counts={clause: named.count(clause) for clause in CLAUSES},
        bootstrap_draws=draws,
        confidence=confidence,
        first_counts=counts(first),
        reconciled_counts=counts(adjudicated),
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
    low, high = result.alpha_interval
    numbers |= {
        "second_coding_bootstrap_draws": count(
            result.bootstrap_draws, "Bootstrap resamples of the units behind each alpha interval."
        ),
        "second_coding_bootstrap_level": number_entry(
            result.confidence, "percent", "Level of the bootstrap intervals of alpha."
        ),
        "second_coding_alpha_ordinal_low": number_entry(
            low, "decimal", "Ordinal alpha, first vs second coder: bootstrap interval, lower.", 3
        ),
        "second_coding_alpha_ordinal_high": number_entry(
            high, "decimal", "Ordinal alpha, first vs second coder: bootstrap interval, upper.", 3
        ),
    }
    for coder, value in result.alpha_adjudicated.items():
        what = (
            f"Krippendorff's alpha (ordinal) between the {coder} coder's independent scores and "
            "the adjudicated scores (agreement with the coding used, not reliability)"
        )
        low, high = result.alpha_adjudicated_interval[coder]
        numbers |= {
            f"second_coding_alpha_{coder}_adjudicated": number_entry(
                value, "decimal", what + ".", 3
            ),
            f"second_coding_alpha_{coder}_adjudicated_low": number_entry(
                low, "decimal", what + ": bootstrap interval, lower.", 3
            ),
            f"second_coding_alpha_{coder}_adjudicated_high": number_entry(
                high, "decimal", what + ": bootstrap interval, upper.", 3
            ),
        }
    for clause, applied in result.clause_counts.items():
        numbers[f"second_coding_clause_{clause}"] = count(
            applied, f"Disagreements whose reconciliation applied the clause '{clause}'."
        )
    for value, name in score_names.items():
        numbers[f"second_coding_first_{name}"] = count(
            result.first_counts[value], f"Units the first coder scored {value:g}."
        )
        numbers[f"second_coding_reconciled_{name}"] = count(
            result.reconciled_counts[value], f"Units scored {value:g} after reconciliation."
        )
    return numbers


def alpha_level_numbers(setting: dict) -> dict[str, dict]:
    """The levels of alpha the text compares with (config ``coding_reliability``)."""
    return {
        "coding_alpha_firm": number_entry(
            float(setting["alpha_firm"]),
            "decimal",
            "Krippendorff's alpha required for firm conclusions.",
            3,
        ),
        "coding_alpha_tentative": number_entry(
            float(setting["alpha_tentative"]),
            "decimal",
            "Lowest Krippendorff's alpha accepted for tentative conclusions.",
            3,
        ),
    }

"""Claim mutants: perturbed results under which a claim's sentence would be false, and the
check that must fail on each (mutation testing of the claims, ``paperkit.claims``).

A check that passes tells the reader nothing unless it would fail on results that make
its sentence false. For every claim the harness makes such results (mutants) and counts
those on which the check fails (killed):

- ``threshold``: a number of the check moved across the line of a comparison by the
  fewest units of its last printed digit (a percent's, a count's, a year's: one year
  for ``timing``), where the comparison decides the check;
- ``member``: in a claim about every specification (``all(family, …)``), one member
  of the family changed so that the predicate fails for it alone, by the least change
  of one of its columns (a text column takes another value the family has);
- ``quantifier``: in a claim that some specification has a property (``any``), every
  member that has it changed so that none has;
- ``share``: a share or count moved across its line by changing as few members as
  that takes;
- ``extreme``: the lowest, highest or median of a family moved across its line (one
  member lowered or raised, or every member beyond it moved to it, or all shifted);
- ``declared``: the mutants a claim declares in its entry (``mutants``: what else its
  sentence says than its check reads; each ``why``, ``set`` of numbers or, with
  ``member: family`` and an optional ``where`` predicate, of the columns of the first
  member it picks). These are the ones that find a check weaker than its sentence.

The score is killed / made over every claim and must be 1: a claim whose check holds on
one of its mutants says more than its check tests, and a claim no mutant can break
(no number or column decides it) tests nothing; both are errors naming the claim.
Standard library only.
"""

from __future__ import annotations

import ast
import copy
import math
from dataclasses import dataclass

from paperkit.claims import QUANTIFIERS, Claim, ClaimError, evaluate

STEPS = 52  # doubling steps searched for a crossing (2**52 units: beyond any number here)


@dataclass(frozen=True)
class Mutant:
    claim: str
    kind: str
    what: str  # how the results were changed, and why the sentence is then false
    values: dict
    tables: dict


@dataclass(frozen=True)
class Printed:
    """How the text prints the numbers: name → kind (``count``, ``percent``, …) and
    digits after the decimal point."""

    kinds: dict
    digits: dict

    @property
    def decimals(self) -> dict[str, int]:
        """Decimal places of each number's value as printed (``printed()`` in a check)."""
        return {
            name: digits + (2 if self.kinds.get(name) == "percent" else 0)
            for name, digits in self.digits.items()
        }

    def step(self, name: str, value) -> float:
        """One unit in the last printed digit of a number (of a column: of its third
        significant digit, or 1 for a whole number such as a year or a count)."""
        kind = self.kinds.get(name)
        if kind in ("count", "year") or isinstance(value, int):
            return 1
        if name in self.digits:
            digits = self.digits[name] + (2 if kind == "percent" else 0)
            return 10.0**-digits
        if float(value).is_integer() and abs(value) >= 1:
            return 1
        magnitude = math.floor(math.log10(abs(value))) if value else 0
        return 10.0 ** (magnitude - 2)


def _calls(node: ast.AST, names=QUANTIFIERS):
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in names
        and len(node.args) == 2
        and isinstance(node.args[0], ast.Name)
    )


def _replaced(tree: ast.AST, target: ast.AST, value) -> str:
    """The text of ``tree`` with the node ``target`` replaced by the constant ``value``."""
    nodes = list(ast.walk(tree))
    position = next(index for index, node in enumerate(nodes) if node is target)
    if position == 0:
        return ast.unparse(ast.Constant(value))
    twin = copy.deepcopy(tree)
    copied = list(ast.walk(twin))[position]
    for parent in ast.walk(twin):
        for field, old in ast.iter_fields(parent):
            if old is copied:
                setattr(parent, field, ast.Constant(value))
            elif isinstance(old, list):
                setattr(parent, field, [ast.Constant(value) if x is copied else x for x in old])
    return ast.unparse(twin)


def _atoms(node: ast.AST):
    """The comparisons of an expression, outside the quantifiers in it (a comparison that
    contains a quantifier is one, e.g. ``share(its, …) > 0.9``)."""
    if isinstance(node, ast.Compare):
        yield node
        return
    if _calls(node):
        return
    for child in ast.iter_child_nodes(node):
        yield from _atoms(child)


def _leaves(node: ast.AST, names) -> list[str]:
    """The names in ``node`` that are in ``names`` (outside any quantifier), in order."""
    found: list[str] = []

    def walk(current: ast.AST) -> None:
        if _calls(current):
            return
        if isinstance(current, ast.Name) and current.id in names and current.id not in found:
            found.append(current.id)
        for child in ast.iter_child_nodes(current):
            walk(child)

    walk(node)
    return found


def _crossing(value, step, holds) -> float | int | None:
    """The value nearest ``value``, in whole ``step``s up or down, at which ``holds`` is
    false (None if there is none within 2**STEPS steps)."""
    best = None
    for sign in (1, -1):

        def at(k: int, sign: int = sign):
            if isinstance(step, int) and float(value).is_integer():
                return type(value)(value + sign * k * step)
            # on the grid of the printed digit, without the noise of adding floats
            places = max(0, -math.floor(math.log10(step)))
            return round((round(value / step) + sign * k) * step, places)

        k = 1
        while k < 2**STEPS and _safe(holds, at(k)):
            k *= 2
        if _safe(holds, at(k)):
            continue
        low, high = k // 2, k
        while high - low > 1:
            middle = (low + high) // 2
            if _safe(holds, at(middle)):
                low = middle
            else:
                high = middle
        if best is None or abs(at(high) - value) < abs(best - value):
            best = at(high)
    return best


def _safe(holds, value) -> bool:
    try:
        return bool(holds(value))
    except ClaimError:
        return True  # not a value the comparison can take: keep searching


class _Maker:
    """The mutants of one claim's check over the results."""

    def __init__(self, claim: Claim, values: dict, tables: dict, printed: Printed):
        self.claim, self.values, self.tables, self.printed = claim, values, tables, printed
        self.tree = ast.parse(claim.check, mode="eval")
        self.decimals = printed.decimals
        self.mutants: list[Mutant] = []

    def truth(self, text: str, env: dict | None = None) -> bool:
        return bool(
            evaluate(text, {**self.values, **(env or {})}, self.tables, decimals=self.decimals)
        )

    def value(self, text: str):
        return evaluate(text, self.values, self.tables, decimals=self.decimals)

    def maybe(self, text: str, env: dict | None = None) -> bool | None:
        """``truth``, or None where the check cannot be evaluated (an empty cell reached
        once a part that short-circuited it is negated)."""
        try:
            return self.truth(text, env)
        except ClaimError:
            return None

    def decides(self, node: ast.AST) -> bool:
        """Whether the check's truth turns on ``node``'s (its negation makes it false)."""
        current = self.maybe(ast.unparse(node))
        if current is None:
            return False
        return self.maybe(_replaced(self.tree, node, not current)) is False

    def add(self, kind: str, what: str, values: dict | None = None, tables: dict | None = None):
        self.mutants.append(
            Mutant(self.claim.ident, kind, what, values or self.values, tables or self.tables)
        )

    # ------------------------------------------------------------------ numbers

    def thresholds(self) -> None:
        for atom in _atoms(self.tree.body):
            if any(_calls(node) for node in ast.walk(atom)):
                self.aggregate(atom)
                continue
            if not self.decides(atom):
                continue
            text = ast.unparse(atom)
            for name in _leaves(atom, self.values):
                value = self.values[name]

                def holds(moved, name=name, text=text):
                    return self.truth(text, {name: moved})

                moved = _crossing(value, self.printed.step(name, value), holds)
                if moved is None:
                    continue
                kind = "timing" if self.printed.kinds.get(name) == "year" else "threshold"
                self.add(
                    kind,
                    f"{name} {_shown(value)} → {_shown(moved)}, so that {text} is false",
                    values={**self.values, name: moved},
                )

    # ------------------------------------------------------------------ quantifiers

    def quantifiers(self) -> None:
        for node in ast.walk(self.tree):
            if not _calls(node, ("all", "any")) or not self.decides(node):
                continue
            family, predicate = node.args[0].id, node.args[1]
            rows = self.tables.get(family, [])
            if node.func.id == "all":
                self.break_one(family, rows, predicate)
            else:
                self.break_every(family, rows, predicate)

    def flipped(
        self, family: str, row: dict, predicate: ast.AST, want: bool, only: ast.AST | None = None
    ) -> dict | None:
        """``row`` changed in one column, the least, so that ``predicate`` is ``want`` (by
        changing the truth of one of its comparisons: ``only``, if given)."""
        text = ast.unparse(predicate)
        for atom in [only] if only is not None else _atoms(predicate):
            atom_text = ast.unparse(atom)
            now = self.maybe(atom_text, row)
            if now is None:
                continue
            negated = _replaced(predicate, atom, not now)
            if self.maybe(negated, row) is not want:
                continue
            for name in _leaves(atom, row):
                value = row[name]
                if isinstance(value, str) or value is None or isinstance(value, bool):
                    options = sorted(
                        {str(r[name]) for r in self.tables[family] if isinstance(r[name], str)}
                    )
                    changed = [
                        {**row, name: option}
                        for option in options
                        if option != value and self.truth(text, {**row, name: option}) == want
                    ]
                    if changed:
                        return changed[0]
                    continue

                def holds(moved, name=name, atom_text=atom_text, now=now):
                    return self.truth(atom_text, {**row, name: moved}) == now

                moved = _crossing(value, self.printed.step(name, value), holds)
                if moved is not None and self.truth(text, {**row, name: moved}) == want:
                    return {**row, name: moved}
        return None

    def break_one(self, family: str, rows: list[dict], predicate: ast.AST) -> None:
        """Per comparison of the predicate, the first member in which changing it alone
        breaks the predicate, changed so."""
        for atom in _atoms(predicate):
            for index, row in enumerate(rows):
                changed = self.flipped(family, row, predicate, False, only=atom)
                if changed is None:
                    continue
                column = next(key for key in row if row[key] != changed[key])
                self.add(
                    "member",
                    f"one specification of '{family}' ({row.get('specification', index)}) "
                    f"with {column} {_shown(row[column])} → {_shown(changed[column])}, so "
                    f"that {ast.unparse(atom)} fails for it",
                    tables={**self.tables, family: [*rows[:index], changed, *rows[index + 1 :]]},
                )
                break

    def break_every(self, family: str, rows: list[dict], predicate: ast.AST) -> None:
        changed_rows, changed = [], 0
        text = ast.unparse(predicate)
        for row in rows:
            if not self.truth(text, row):
                changed_rows.append(row)
                continue
            flipped = self.flipped(family, row, predicate, False)
            if flipped is None:
                return
            changed_rows.append(flipped)
            changed += 1
        self.add(
            "quantifier",
            f"none of the specifications of '{family}' has {text} ({changed} changed)",
            tables={**self.tables, family: changed_rows},
        )

    # ------------------------------------------------------------------ shares and extremes

    def aggregate(self, atom: ast.Compare) -> None:
        if not self.decides(atom):
            return
        for call in [node for node in ast.walk(atom) if _calls(node)]:
            name, family, inner = call.func.id, call.args[0].id, call.args[1]
            rows = self.tables.get(family, [])
            if name in ("share", "count"):
                self.cross_share(atom, call, family, rows, inner)
            elif name in ("lowest", "highest", "median") and isinstance(inner, ast.Name):
                self.cross_extreme(atom, call, family, rows, inner.id)

    def cross_share(self, atom, call, family, rows, inner) -> None:
        text, predicate = ast.unparse(atom), ast.unparse(inner)
        # which way the share must move: up if the largest it can be breaks the comparison
        most = 1 if call.func.id == "share" else len(rows)
        up = self.maybe(_replaced(atom, call, most)) is False
        if not up and self.maybe(_replaced(atom, call, 0)) is not False:
            return  # no share breaks it
        changed_rows, changed = list(rows), 0
        for index, row in enumerate(rows):
            if self.truth(predicate, row) == up:
                continue
            flipped = self.flipped(family, row, inner, up)
            if flipped is None:
                continue
            changed_rows[index], changed = flipped, changed + 1
            trial = {**self.tables, family: changed_rows}
            if not bool(evaluate(text, self.values, trial, decimals=self.decimals)):
                self.add(
                    "share",
                    f"{changed} specification(s) of '{family}' changed so that "
                    f"{ast.unparse(call)} moves across the line of {text}",
                    tables=trial,
                )
                return

    def cross_extreme(self, atom, call, family, rows, column) -> None:
        current = self.value(ast.unparse(call))
        step = self.printed.step(column, current)

        def holds(moved):
            return self.truth(_replaced(atom, call, moved))

        target = _crossing(current, step, holds)
        if target is None:
            return
        name = call.func.id
        changed_rows = [dict(row) for row in rows]
        if name == "median":
            for row in changed_rows:
                row[column] = row[column] + (target - current)
        elif (name == "lowest") == (target < current):
            extreme = (min if name == "lowest" else max)(
                range(len(rows)), key=lambda i: rows[i][column]
            )
            changed_rows[extreme][column] = target
        else:
            for row in changed_rows:
                if (row[column] < target) if name == "lowest" else (row[column] > target):
                    row[column] = target
        self.add(
            "extreme",
            f"{ast.unparse(call)} {_shown(current)} → {_shown(target)} in '{family}', so that "
            f"{ast.unparse(atom)} is false",
            tables={**self.tables, family: changed_rows},
        )

    # ------------------------------------------------------------------ declared

    def declared(self, entries: list[dict]) -> None:
        for entry in entries:
            values, tables = dict(self.values), dict(self.tables)
            family = entry.get("member")
            if family:
                rows = self.tables.get(family)
                if not rows:
                    raise ClaimError(
                        f"claim '{self.claim.ident}': mutant '{entry['why']}' names "
                        f"'{family}', not a family with specifications"
                    )
                where = entry.get("where")
                index = next(
                    (i for i, row in enumerate(rows) if not where or self.truth(where, row)), None
                )
                if index is None:
                    raise ClaimError(
                        f"claim '{self.claim.ident}': mutant '{entry['why']}': no "
                        f"specification of '{family}' has {where}"
                    )
                row = dict(rows[index])
                for column, expression in entry["set"].items():
                    row[column] = _value(
                        expression, {**self.values, **rows[index]}, self.tables, self.decimals
                    )
                tables[family] = [*rows[:index], row, *rows[index + 1 :]]
            else:
                for name, expression in entry["set"].items():
                    values[name] = _value(expression, self.values, self.tables, self.decimals)
            self.add("declared", entry["why"], values=values, tables=tables)


def _value(expression, env: dict, tables: dict, decimals: dict):
    if isinstance(expression, str):
        return evaluate(expression, env, tables, decimals=decimals)
    return expression


def _shown(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def claim_mutants(
    claim: Claim, values: dict, tables: dict, printed: Printed, declared: list[dict] = ()
) -> list[Mutant]:
    """Every mutant of a claim: perturbed values and tables under which its sentence
    would be false (module docstring)."""
    maker = _Maker(claim, values, tables, printed)
    maker.thresholds()
    maker.quantifiers()
    maker.declared(list(declared))
    return maker.mutants


def killed(claim: Claim, mutant: Mutant, decimals: dict | None = None) -> bool:
    """Whether the claim's check fails on the mutant (an error evaluating it fails too)."""
    try:
        return not evaluate(claim.check, mutant.values, mutant.tables, decimals=decimals)
    except ClaimError:
        return True


def mutation_report(
    claims: list[Claim],
    values: dict,
    tables: dict,
    printed: Printed,
    declared: dict[str, list[dict]] | None = None,
) -> dict:
    """Per claim the mutants made and killed, those that survived, and the score over
    all claims (killed / made); ``problems`` names each claim that a mutant survives or
    no mutant can break."""
    declared = declared or {}
    rows, problems = [], []
    for claim in claims:
        mutants = claim_mutants(claim, values, tables, printed, declared.get(claim.ident, ()))
        survivors = [m for m in mutants if not killed(claim, m, printed.decimals)]
        rows.append(
            {
                "claim": claim.ident,
                "made": len(mutants),
                "killed": len(mutants) - len(survivors),
                "kinds": sorted({mutant.kind for mutant in mutants}),
                "survivors": [f"{mutant.kind}: {mutant.what}" for mutant in survivors],
            }
        )
        where = f" ({claim.where})" if claim.where else ""
        if not mutants:
            problems.append(
                f"claim '{claim.ident}'{where}: no mutant can break it: no number or column "
                f"decides its check ({claim.check}); test what the sentence says"
            )
        for mutant in survivors:
            problems.append(
                f"claim '{claim.ident}'{where} says more than its check tests: it still holds "
                f"when {mutant.what} ({mutant.kind} mutant); strengthen the check to what the "
                f"sentence says, or the sentence to what the check tests:{claim.quoted()}"
            )
    made = sum(row["made"] for row in rows)
    killed_count = sum(row["killed"] for row in rows)
    return {
        "claims": len(claims),
        "mutants": made,
        "killed": killed_count,
        "score": killed_count / made if made else 0.0,
        "per_claim": rows,
        "problems": problems,
    }

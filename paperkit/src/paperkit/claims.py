"""Claims as checks: each qualitative claim the text makes about the results, tested.

A paper's claims file (``manuscript/claims.yaml``; schema
``paperkit/schemas/claims.schema.yaml``) states every claim once, in every
language of the paper, with a check over the numbers of the results files::

    statement_cut_crossings:
      en: Crossings fell at the EU–Turkey Statement.
      tr: Mutabakatla birlikte geçişler azaldı.
      check: its_statement_irr_high < 1

A check is a boolean expression over number names, literals, comparisons,
``and``/``or``/``not``, arithmetic and ``abs``/``min``/``max``; nothing else is
evaluated. The text marks where it makes a claim with ``{{claim:id}}`` (which
renders as nothing); the build fails, quoting the claim, when a check is false
or names a number that does not exist. Standard library only.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from pathlib import Path

COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
FUNCTIONS = {"abs": abs, "min": min, "max": max}


class ClaimError(ValueError):
    """A claim is malformed, or the results no longer support it."""


SCHEMA = Path(__file__).resolve().parent / "schemas" / "claims.schema.yaml"


@dataclass(frozen=True)
class Claim:
    ident: str
    texts: dict[str, str]  # language code → the claim as that language's text states it
    check: str

    def quoted(self) -> str:
        return "".join(f"\n    {lang}: {text}" for lang, text in self.texts.items())


def parse_claims(entries: dict, languages: list[str]) -> list[Claim]:
    """The claims of a claims file, each with a text in every one of ``languages``."""
    validate_claims_file(entries)
    claims = []
    for ident, entry in sorted(entries.items()):
        missing = [key for key in (*languages, "check") if not entry.get(key)]
        if missing:
            raise ClaimError(f"claim '{ident}': missing {', '.join(missing)}")
        claims.append(Claim(ident, {lang: entry[lang] for lang in languages}, entry["check"]))
    return claims


def validate_claims_file(entries: dict) -> None:
    """Check a claims file against its schema (one error per broken claim)."""
    import jsonschema
    import yaml

    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(entries))
    if errors:
        lines = [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]
        raise ClaimError("the claims file breaks its schema:\n  " + "\n  ".join(lines))


def evaluate(expression: str, values: dict[str, float]):
    """Evaluate a check over ``values`` (number name → value), allowing only safe nodes."""

    def walk(node: ast.AST):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BoolOp):
            results = [walk(value) for value in node.values]
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not walk(node.operand)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Compare):
            left = walk(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = walk(right_node)
                if type(op) not in COMPARE:
                    raise ClaimError(f"operator {type(op).__name__} is not allowed")
                if not COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
            return ARITHMETIC[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in FUNCTIONS or node.keywords:
                raise ClaimError(f"function {node.func.id!r} is not allowed")
            return FUNCTIONS[node.func.id](*[walk(arg) for arg in node.args])
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise ClaimError(f"'{node.id}' is not a number in the results")
            return values[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        raise ClaimError(f"'{ast.unparse(node)}' is not allowed in a check")

    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ClaimError(f"cannot parse {expression!r}: {error.msg}") from None
    return walk(tree)


def check_claims(claims: list[Claim], values: dict[str, float]) -> list[dict]:
    """Evaluate every claim; raise ClaimError quoting each one the results do not support."""
    outcomes, failures = [], []
    for claim in claims:
        try:
            holds = bool(evaluate(claim.check, values))
            problem = None if holds else "the results no longer support it"
        except ClaimError as error:
            holds, problem = False, str(error)
        outcomes.append({"claim": claim.ident, "check": claim.check, "holds": holds})
        if problem:
            failures.append(
                f"claim '{claim.ident}' fails ({problem}):{claim.quoted()}\n"
                f"    check: {claim.check}"
            )
    if failures:
        raise ClaimError(f"{len(failures)} claim(s) fail:\n  " + "\n  ".join(failures))
    return outcomes

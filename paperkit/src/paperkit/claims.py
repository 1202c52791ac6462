"""Claims as checks: each qualitative claim the text makes about the results, tested.

A paper's claims file (``manuscript/claims.yaml``; schema
``paperkit/schemas/claims.schema.yaml``) states every claim once, in every
language of the paper, with its scope and a check::

    statement_cut_crossings:
      en: In every specification, the level of sea crossings fell at the Statement.
      tr: Bütün tanımlamalarda deniz geçişlerinin düzeyi Mutabakatla düştü.
      scope: multiverse
      check: all(its, statement_ratio_high < 1)

A check is a boolean expression over number names (the results files), literals,
comparisons, ``and``/``or``/``not``, arithmetic and ``abs``/``min``/``max``, and
quantifiers over a model family's specifications (its results table, one row
per specification): ``all(family, predicate)``, ``any(family, predicate)``,
``share(family, predicate)`` (a fraction), ``count(family, predicate)``,
``lowest(family, expression)``, ``highest(family, expression)`` and
``median(family, expression)``, where the predicate or expression is evaluated
on each row (its columns, then the numbers). Nothing else is evaluated.

Scope (required): ``numbers`` (a statement about descriptive numbers),
``multiverse`` (about an effect across the family's specifications: the check
quantifies over them), or ``main`` (about the main specification only: the
claim names its ``family`` and, in ``across``, the same check as a predicate on
each specification; if that does not hold in every specification, each
language's sentence must say that it is about the main specification, with the
phrase its labels give, or the claim fails). The text marks where it makes a
claim with ``{{claim:id}}`` (which renders as nothing); the build fails, quoting
the claim, when a check is false or names a number that does not exist.

Evidence status (``hedge``): a number computed from input rows the coders could
not verify lists them (``unverified`` in its results entry, ``paperkit.numbers``).
A claim whose check uses such a number must carry a ``hedge``, a phrase per
language that its wording contains (e.g. en "on unverified coding", tr
"doğrulanmamış kodlamaya göre"); the build fails naming the claim, the numbers
and the rows, and says what to add. The report of the check lists, per claim and
language, every phrase the sentence carrying the claim's marker must contain
(``phrases``: the scope phrase of a claim true in the main specification only,
the hedge of a claim resting on unverified rows), which the manuscript resolver
requires (``paperkit.manuscript``). Standard library only.
"""

from __future__ import annotations

import ast
import operator
import statistics
import time
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
SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
FUNCTIONS = {"abs": abs, "min": min, "max": max}
QUANTIFIERS = ("all", "any", "share", "count", "lowest", "highest", "median")
SCOPES = ("numbers", "multiverse", "main")
# A check is a sentence's condition, not a program: these bounds refuse one that would
# take the build's memory or time ('x' * 50000000 builds a 50 MB string) with a claim
# error naming the claim, long before any real check comes near them (the longest of
# the paper's is under 400 characters and evaluates in milliseconds).
MAX_CHECK_CHARACTERS = 2000
MAX_CHECK_NODES = 400
MAX_VALUE_CHARACTERS = 1000  # a string a check builds (by repetition or concatenation)
MAX_NUMBER_DIGITS = 100  # an integer a check builds by multiplication
MAX_CHECK_SECONDS = 10.0


class ClaimError(ValueError):
    """A claim is malformed, or the results no longer support it."""


@dataclass(frozen=True)
class Claim:
    ident: str
    texts: dict[str, str]  # language code → the claim as that language's text states it
    check: str
    scope: str = "numbers"
    family: str | None = None
    across: str | None = None  # scope main: the check as a predicate on each specification
    hedge: dict[str, str] | None = None  # language → phrase saying the evidence is unverified
    where: str | None = None  # file:line of the claim's entry in the claims file

    def quoted(self) -> str:
        return "".join(f"\n    {lang}: {text}" for lang, text in self.texts.items())


def claim_lines(text: str, file: str) -> dict[str, str]:
    """Claim id → ``file:line`` of its entry, from the claims file's text."""
    import yaml

    node = yaml.compose(text)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: f"{file}:{key.start_mark.line + 1}" for key, _ in node.value}


def parse_claims(
    entries: dict, languages: list[str], places: dict[str, str] | None = None
) -> list[Claim]:
    """The claims of a claims file, each with a text in every one of ``languages``
    (``places``: claim id → file:line of its entry, ``claim_lines``)."""
    places = places or {}
    validate_claims_file(entries)
    claims = []
    for ident, entry in sorted(entries.items()):
        missing = [key for key in (*languages, "check") if not entry.get(key)]
        if missing:
            where = f" ({places[ident]})" if ident in places else ""
            raise ClaimError(f"claim '{ident}'{where}: missing {', '.join(missing)}")
        claims.append(
            Claim(
                ident,
                {lang: entry[lang] for lang in languages},
                entry["check"],
                entry["scope"],
                entry.get("family"),
                entry.get("across"),
                entry.get("hedge"),
                places.get(ident),
            )
        )
    return claims


def validate_claims_file(entries: dict) -> None:
    """Check a claims file against its schema (one error per broken claim)."""
    from paperkit.jsonschemas import machinery_schema, schema_problems

    if lines := schema_problems(entries, machinery_schema("claims")):
        raise ClaimError("the claims file breaks its schema:\n  " + "\n  ".join(lines))


def read_specification_table(path: str | Path) -> list[dict]:
    """A family's results table (CSV) as rows of values: numbers where a cell is one,
    booleans for true/false, text otherwise."""
    import csv

    def value(cell: str):
        if cell == "":
            return None  # a term the specification does not have
        if cell in ("True", "False", "true", "false"):
            return cell.lower() == "true"
        try:
            return float(cell)
        except ValueError:
            return cell

    with open(path, encoding="utf-8", newline="") as handle:
        return [{key: value(cell) for key, cell in row.items()} for row in csv.DictReader(handle)]


def bounded_arithmetic(op: ast.operator, left, right):
    """``left op right``, refused before it is computed when the result would be a string
    longer than MAX_VALUE_CHARACTERS or an integer longer than MAX_NUMBER_DIGITS."""
    if isinstance(op, (ast.Mult, ast.Add)):
        texts = [side for side in (left, right) if isinstance(side, str)]
        if texts:
            if isinstance(op, ast.Mult):
                count = right if isinstance(left, str) else left
                size = len(texts[0]) * count if isinstance(count, int) else 0
            else:
                size = sum(len(side) for side in texts)
            if size > MAX_VALUE_CHARACTERS:
                raise ClaimError(
                    f"the check would build a text of {size:,} characters (at most "
                    f"{MAX_VALUE_CHARACTERS:,} are allowed)"
                )
        elif isinstance(left, int) and isinstance(right, int):
            digits = len(str(abs(left))) + len(str(abs(right)))
            if isinstance(op, ast.Mult) and digits > MAX_NUMBER_DIGITS:
                raise ClaimError(
                    f"the check would build an integer of about {digits} digits (at most "
                    f"{MAX_NUMBER_DIGITS} are allowed)"
                )
    return ARITHMETIC[type(op)](left, right)


def check_size(expression: str) -> ast.Expression:
    """The parsed check, refused (ClaimError) when it is longer than MAX_CHECK_CHARACTERS
    or has more than MAX_CHECK_NODES syntax nodes."""
    if len(expression) > MAX_CHECK_CHARACTERS:
        raise ClaimError(
            f"the check has {len(expression):,} characters (at most {MAX_CHECK_CHARACTERS:,} "
            "are allowed); state the claim as several shorter claims"
        )
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ClaimError(f"cannot parse {expression[:200]!r}: {error.msg}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_CHECK_NODES:
        raise ClaimError(
            f"the check has {nodes} syntax nodes (at most {MAX_CHECK_NODES} are allowed); "
            "state the claim as several shorter claims"
        )
    return tree


def evaluate(
    expression: str,
    values: dict[str, float],
    tables: dict | None = None,
    seconds: float | None = None,
    decimals: dict[str, int] | None = None,
):
    """Evaluate a check over ``values`` (number name → value) and ``tables`` (family →
    rows of its specifications), allowing only safe nodes, within the size limits above
    and ``seconds`` of time (default MAX_CHECK_SECONDS; ClaimError beyond them).

    ``printed(name)`` is a number as the text prints it (``decimals``: name → decimal
    places of its value as printed, ``printed_decimals``), so that a threshold the
    sentence writes ("at most {{x}}") is compared at the precision the reader sees."""
    tables, decimals = tables or {}, decimals or {}
    seconds = MAX_CHECK_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + seconds

    def in_time() -> None:
        if time.monotonic() > deadline:
            raise ClaimError(
                f"the check took longer than {seconds:g} s to evaluate and was stopped"
            )

    def rows_of(node: ast.AST) -> list[dict]:
        if not isinstance(node, ast.Name) or node.id not in tables:
            raise ClaimError(
                f"'{ast.unparse(node)}' is not a model family with specifications "
                f"({', '.join(sorted(tables)) or 'none'})"
            )
        return tables[node.id]

    def quantify(name: str, family: ast.AST, inner: ast.AST, env: dict):
        rows = rows_of(family)
        if not rows:
            # all() of nothing is vacuously true, share() divides by zero, lowest() has
            # no value: a claim over an empty family has no evidence at all.
            raise ClaimError(
                f"{name}({ast.unparse(family)}, …): the family '{ast.unparse(family)}' has no "
                f"specifications; check that its results table was written"
            )
        results = []
        for row in rows:
            in_time()
            results.append(walk(inner, {**env, **row}))
        if name == "all":
            return all(results)
        if name == "any":
            return any(results)
        if name == "share":
            return sum(map(bool, results)) / len(results)
        if name == "count":
            return sum(map(bool, results))
        if name == "lowest":
            return min(results)
        if name == "highest":
            return max(results)
        return statistics.median(results)

    def walk(node: ast.AST, env: dict):
        in_time()
        if isinstance(node, ast.Expression):
            return walk(node.body, env)
        if isinstance(node, ast.BoolOp):
            # Short-circuit as Python does, so that "events == 'none' or ratio > 1"
            # never compares a cell the specification leaves empty.
            wanted = isinstance(node.op, ast.Or)
            for value in node.values:
                if bool(walk(value, env)) == wanted:
                    return wanted
            return not wanted
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not walk(node.operand, env)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand, env)
        if isinstance(node, ast.Compare):
            left = walk(node.left, env)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = walk(right_node, env)
                if type(op) not in COMPARE:
                    raise ClaimError(f"operator {type(op).__name__} is not allowed")
                if type(op) not in (ast.Eq, ast.NotEq) and (left is None or right is None):
                    raise ClaimError(
                        f"'{ast.unparse(node)}' compares a value that is empty in a specification"
                    )
                if not COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
            return bounded_arithmetic(node.op, walk(node.left, env), walk(node.right, env))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if node.keywords:
                raise ClaimError(f"function {name!r} takes no keywords")
            if name == "printed":
                [argument] = node.args if len(node.args) == 1 else [None]
                if not isinstance(argument, ast.Name) or argument.id not in decimals:
                    raise ClaimError(
                        f"{ast.unparse(node)}: printed() takes one number of the results "
                        "whose printed digits are known"
                    )
                return round(walk(argument, env), decimals[argument.id])
            if name in QUANTIFIERS:
                if len(node.args) != 2:
                    raise ClaimError(f"{name}(family, expression) takes two arguments")
                return quantify(name, node.args[0], node.args[1], env)
            if name not in FUNCTIONS:
                raise ClaimError(f"function {name!r} is not allowed")
            return FUNCTIONS[name](*[walk(arg, env) for arg in node.args])
        if isinstance(node, ast.Name):
            if node.id not in env:
                raise ClaimError(f"'{node.id}' is not a number in the results")
            return env[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            return node.value
        raise ClaimError(f"'{ast.unparse(node)}' is not allowed in a check")

    tree = check_size(expression)
    try:
        return walk(tree, values)
    except (TypeError, ZeroDivisionError) as error:
        raise ClaimError(f"cannot evaluate {expression!r}: {error}") from None


def printed_decimals(numbers: dict) -> dict[str, int]:
    """Number name → decimal places of its value as the text prints it (a percent's
    value is a fraction: two more than its printed digits)."""
    return {
        name: number.digits + (2 if number.kind == "percent" else 0)
        for name, number in numbers.items()
    }


def numbers_used(expression: str, values: dict, tables: dict | None = None) -> set[str]:
    """The names of numbers (keys of ``values``) an expression reads. Inside a quantifier a
    name is a column of the family's specifications first, as ``evaluate`` reads it."""
    tables = tables or {}
    used: set[str] = set()

    def walk(node: ast.AST, columns: frozenset[str]) -> None:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in QUANTIFIERS
            and len(node.args) == 2
        ):
            family = node.args[0]
            rows = tables.get(family.id, []) if isinstance(family, ast.Name) else []
            inner = frozenset(key for row in rows for key in row)
            walk(node.args[1], columns | inner)
            return
        if isinstance(node, ast.Name) and node.id in values and node.id not in columns:
            used.add(node.id)
        for child in ast.iter_child_nodes(node):
            walk(child, columns)

    walk(ast.parse(expression, mode="eval"), frozenset())
    return used


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def explain(
    expression: str, values: dict, tables: dict | None = None, decimals: dict | None = None
) -> str:
    """Why a check is false, with the values it compared: the first false part of an
    ``and``, each comparison with its sides' values, and for ``all`` the first
    specification of the family that breaks it (its id, the first column's value)."""
    tables = tables or {}

    def value_of(node: ast.AST, env: dict):
        return evaluate(ast.unparse(node), env, tables, decimals=decimals)

    def side(node: ast.AST, env: dict) -> str:
        if isinstance(node, ast.Constant):
            return _shown(node.value)
        return f"{ast.unparse(node)} = {_shown(value_of(node, env))}"

    def why(node: ast.AST, env: dict) -> str:
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            for part in node.values:
                if not value_of(part, env):
                    return why(part, env)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return " and ".join(why(part, env) for part in node.values)
        if isinstance(node, ast.Compare):
            parts = [side(node.left, env)]
            for op, right in zip(node.ops, node.comparators, strict=True):
                parts += [SYMBOLS[type(op)], side(right, env)]
            return " ".join(parts) + " is false"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("all", "any")
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Name)
        ):
            family, inner = node.args[0].id, node.args[1]
            rows = tables.get(family, [])
            broken = [row for row in rows if not value_of(inner, {**env, **row})]
            if node.func.id == "any":
                return (
                    f"none of the {len(rows)} specifications of '{family}' has {ast.unparse(inner)}"
                )
            first = broken[0]
            member = next(iter(first.values()), "?")
            return (
                f"{len(broken)} of the {len(rows)} specifications of '{family}' break it; the "
                f"first, {member}: {why(inner, {**env, **first})}"
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"{ast.unparse(node.operand)} holds"
        return f"{side(node, env)} (false)"

    try:
        return why(ast.parse(expression, mode="eval").body, {**values})
    except ClaimError as error:
        return str(error)


def evidence(claim: Claim, values: dict, tables: dict, unverified: dict) -> dict[str, list[str]]:
    """The numbers of a claim's check that rest on unverified rows → those rows."""
    return {
        name: sorted(unverified[name])
        for name in sorted(numbers_used(claim.check, values, tables))
        if unverified.get(name)
    }


def hedge_problem(claim: Claim, rests_on: dict[str, list[str]]) -> str | None:
    """None if the claim rests on no unverified row, or says so in every language with the
    hedge it declares; else what is wrong and what to add."""
    if claim.hedge:
        unsaid = [
            lang
            for lang, phrase in claim.hedge.items()
            if lang in claim.texts and phrase.lower() not in claim.texts[lang].lower()
        ]
        if unsaid:
            return (
                f"its hedge is not in its wording in: {', '.join(unsaid)} (the wording must "
                "contain the phrase of hedge.<lang>)"
            )
    if not rests_on:
        return None
    rows = sorted({row for found in rests_on.values() for row in found})
    missing = [lang for lang in claim.texts if not (claim.hedge or {}).get(lang)]
    if not missing:
        return None
    example = "\n".join(
        f"        {lang}: <a phrase of the {lang} wording that says the evidence is unverified>"
        for lang in claim.texts
    )
    return (
        f"it rests on unverified input rows ({', '.join(rows)}) through "
        f"{', '.join(sorted(rests_on))}, but declares no hedge for: {', '.join(missing)}. "
        "Add to its entry in manuscript/claims.yaml\n"
        f"      hedge:\n{example}\n"
        "    with each phrase in the claim's wording, and the same phrase in the sentence of "
        f"the text that carries {{{{claim:{claim.ident}}}}} (or state the claim without the "
        "unverified numbers)"
    )


def holds_across(claim: Claim, values: dict, tables: dict) -> bool:
    """Whether a claim about the main specification holds in every specification."""
    rows = tables.get(claim.family, [])
    return bool(rows) and all(evaluate(claim.across, {**values, **row}, tables) for row in rows)


def scope_problem(claim: Claim, values: dict, tables: dict, phrases: dict[str, str]) -> str | None:
    """For a claim about the main specification: None if it holds in every specification
    of its family or if every language's sentence names its scope; else the problem."""
    if claim.scope != "main" or holds_across(claim, values, tables):
        return None
    rows = tables.get(claim.family, [])
    holding = sum(bool(evaluate(claim.across, {**values, **row}, tables)) for row in rows)
    unsaid = [
        lang
        for lang, text in claim.texts.items()
        if phrases.get(lang, "").lower() not in text.lower() or not phrases.get(lang)
    ]
    if not unsaid:
        return None
    return (
        f"it holds in {holding} of {len(rows)} specifications of '{claim.family}', but the "
        f"sentence does not say it is about the main specification in: {', '.join(unsaid)} "
        "(use the phrase of labels.<lang>.scope.main)"
    )


def check_claims(
    claims: list[Claim],
    values: dict[str, float],
    tables: dict | None = None,
    phrases: dict[str, str] | None = None,
    unverified: dict[str, tuple[str, ...]] | None = None,
    decimals: dict[str, int] | None = None,
) -> list[dict]:
    """Evaluate every claim; raise ClaimError quoting each one the results do not support.

    ``tables``: family → its specifications' rows; ``phrases``: language → the phrase
    with which a sentence says it is about the main specification; ``unverified``:
    number name → the unverified input rows it rests on. Each outcome lists, per
    language, the phrases the sentence carrying the claim's marker must contain
    (``phrases``: [{phrase, why}]).
    """
    tables, phrases, unverified = tables or {}, phrases or {}, unverified or {}
    outcomes, failures = [], []
    for claim in claims:
        rests_on: dict[str, list[str]] = {}
        try:
            holds = bool(evaluate(claim.check, values, tables, decimals=decimals))
            problem = (
                None
                if holds
                else "the results no longer support it: "
                + explain(claim.check, values, tables, decimals)
            )
            if holds and (scoped := scope_problem(claim, values, tables, phrases)):
                holds, problem = False, scoped
            rests_on = evidence(claim, values, tables, unverified)
            if holds and (hedged := hedge_problem(claim, rests_on)):
                holds, problem = False, hedged
        except ClaimError as error:
            holds, problem = False, str(error)
        outcome = {"claim": claim.ident, "scope": claim.scope, "check": claim.check, "holds": holds}
        required: dict[str, list[dict]] = {}
        if claim.scope == "main" and holds:
            # The text's sentence must then name its scope too (paperkit.manuscript).
            outcome["main_only"] = not holds_across(claim, values, tables)
            if outcome["main_only"]:
                for lang in claim.texts:
                    if phrases.get(lang):
                        required.setdefault(lang, []).append(
                            {"phrase": phrases[lang], "why": "holds in the main specification only"}
                        )
        if rests_on and holds:
            rows = sorted({row for found in rests_on.values() for row in found})
            outcome["unverified"] = rows
            for lang, phrase in (claim.hedge or {}).items():
                required.setdefault(lang, []).append(
                    {"phrase": phrase, "why": f"rests on unverified rows ({', '.join(rows)})"}
                )
        if required:
            outcome["phrases"] = {lang: required[lang] for lang in sorted(required)}
        outcomes.append(outcome)
        if problem:
            failures.append(
                f"claim '{claim.ident}' fails ({claim.where + ': ' if claim.where else ''}"
                f"{problem}):{claim.quoted()}\n    check: {claim.check}"
            )
    if failures:
        raise ClaimError(f"{len(failures)} claim(s) fail:\n  " + "\n  ".join(failures))
    return outcomes


def claims_outcomes(
    numbers: dict,
    claims_path: str,
    labels: dict,
    languages: list[str],
    specification_paths: dict[str, str],
) -> list[dict]:
    """``check_claims`` on the claims file at ``claims_path`` (check_claims's job, and the
    live preview's on every save): against ``numbers`` (name → paperkit.numbers.Number),
    the specification tables (family → path) and each language's scope phrase
    (``labels``); raises ClaimError quoting every claim that fails."""
    import yaml

    from paperkit.numbers import numeric_values, unverified_numbers

    text = Path(claims_path).read_text(encoding="utf-8")
    claims = parse_claims(yaml.safe_load(text), languages, claim_lines(text, claims_path))
    tables = {
        family: read_specification_table(path) for family, path in specification_paths.items()
    }
    phrases = {lang: labels[lang]["scope"]["main"] for lang in languages}
    return check_claims(
        claims,
        numeric_values(numbers),
        tables,
        phrases,
        unverified_numbers(numbers),
        printed_decimals(numbers),
    )

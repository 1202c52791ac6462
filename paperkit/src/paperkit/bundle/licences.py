"""Whether a pinned source may be copied into the reviewer bundle, from its licence.

A source's ``licence`` in the config is an SPDX licence expression
(https://spdx.org/licenses/): ``CC-BY-4.0``, ``MIT AND CC-BY-4.0`` (the R package
under MIT, the data in it under CC BY), ``CC-BY-4.0 OR ODbL-1.0``. A licence with no
SPDX identifier is named ``LicenseRef-…`` (the SPDX convention) and declared under
``licence_refs`` in the config, with whether it allows passing copies on. The
expressions are parsed and checked with the ``license-expression`` library (the
SPDX licence list it ships); an unknown identifier or a malformed expression is an
error naming the file, its line, the source and the value.

The decision is conservative: a copy is passed on only when the expression allows
it, reading ``AND`` as "every part must allow it" and ``OR`` as "one part is
enough"; an identifier allows it only when it is one of REDISTRIBUTABLE (licences
that allow verbatim copies with attribution) or a declared ``LicenseRef-…`` whose
``redistributable`` is true.
"""

from __future__ import annotations

import difflib
import functools

import yaml

# SPDX identifiers of licences that allow passing on verbatim copies (with
# attribution where they ask for it). Non-commercial and no-derivatives Creative
# Commons licences are left out on purpose: whether a bundle is "commercial" is not
# ours to decide.
REDISTRIBUTABLE = frozenset(
    {
        "CC0-1.0",
        "CC-BY-3.0",
        "CC-BY-4.0",
        "CC-BY-SA-3.0",
        "CC-BY-SA-4.0",
        "PDDL-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "OGL-UK-3.0",
        "etalab-2.0",
        "dl-de-by-2.0",
        "MIT",
        "ISC",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "Apache-2.0",
        "Unlicense",
    }
)
REF_PREFIX = "LicenseRef-"
SPDX_LIST = "https://spdx.org/licenses/"


class LicenceError(ValueError):
    """A licence that is not a valid SPDX expression, or a malformed ``licence_refs``."""


@functools.cache
def _spdx():
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def licensing(refs: dict[str, dict] | None = None):
    """The SPDX licensing (license-expression's) with the declared ``LicenseRef-…``
    identifiers added."""
    from license_expression import LicenseSymbol, Licensing

    spdx = _spdx()
    if not refs:
        return spdx
    return Licensing([*spdx.known_symbols.values(), *(LicenseSymbol(key) for key in refs)])


def _suggestion(value: str) -> str:
    """The SPDX identifier a free-text licence most likely means (``CC BY 4.0`` →
    ``CC-BY-4.0``), as a hint; empty when none is close."""
    known = {key.lower(): key for key in _spdx().known_symbols if not key.startswith(REF_PREFIX)}
    guess = "-".join(value.replace(",", " ").split()).lower()
    if guess in known:
        return known[guess]
    close = difflib.get_close_matches(guess, list(known), n=1, cutoff=0.85)
    return known[close[0]] if close else ""


def parse_licence(expression: str, refs: dict[str, dict] | None, where: str):
    """The parsed SPDX expression; LicenceError naming ``where`` (file, line, key), the
    value and the fix when it is not one."""
    from license_expression import ExpressionError

    if not isinstance(expression, str) or not expression.strip():
        raise LicenceError(f"{where}: the licence is empty; write its SPDX expression")
    try:
        return licensing(refs).parse(expression, validate=True, strict=True)
    except (ExpressionError, AttributeError) as error:
        hint = _suggestion(expression)
        raise LicenceError(
            f"{where}: licence {expression!r} is not an SPDX licence expression ({error}); "
            + (f"write {hint!r}, " if hint else "")
            + f"use the identifiers of {SPDX_LIST}, or declare a {REF_PREFIX}… "
            "under licence_refs"
        ) from None


def allows_copies(parsed, refs: dict[str, dict]) -> tuple[bool, list[str]]:
    """Whether the parsed expression allows passing on a copy, and the identifiers
    that decided it (those that allow it, or those that do not)."""
    from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

    if isinstance(parsed, LicenseWithExceptionSymbol):  # an exception only adds rights
        parsed = parsed.license_symbol
    if isinstance(parsed, LicenseSymbol):
        key = parsed.key
        allowed = key in REDISTRIBUTABLE or bool(refs.get(key, {}).get("redistributable"))
        return allowed, [key]
    parts = [allows_copies(arg, refs) for arg in parsed.args]
    if isinstance(parsed, AND):
        refused = [key for ok, keys in parts if not ok for key in keys]
        return not refused, refused or [key for _, keys in parts for key in keys]
    if isinstance(parsed, OR):
        allowing = [keys for ok, keys in parts if ok]
        return (True, allowing[0]) if allowing else (False, [k for _, ks in parts for k in ks])
    raise LicenceError(f"unexpected licence expression {parsed!r}")


def redistribution(expression: str, refs: dict[str, dict] | None = None, where: str = "licence"):
    """Whether a source under the SPDX ``expression`` may be copied into the bundle,
    and why (one line). Raises LicenceError when the expression is not valid."""
    refs = refs or {}
    allowed, keys = allows_copies(parse_licence(expression, refs, where), refs)
    named = " AND ".join(keys)
    if allowed:
        return True, f"redistributable with attribution ({named})"
    return False, f"{named} is not known to allow passing copies on"


def check_refs(refs, where: str) -> dict[str, dict]:
    """The ``licence_refs`` table of a config, checked: every key a ``LicenseRef-…``,
    each with a ``name`` and a boolean ``redistributable``."""
    refs = refs or {}
    if not isinstance(refs, dict):
        raise LicenceError(f"{where}: licence_refs must be a mapping of {REF_PREFIX}… entries")
    for key, entry in refs.items():
        if not str(key).startswith(REF_PREFIX):
            raise LicenceError(f"{where}: licence_refs key {key!r} must start with {REF_PREFIX}")
        if not isinstance(entry, dict) or not isinstance(entry.get("redistributable"), bool):
            raise LicenceError(
                f"{where}: licence_refs.{key} needs `redistributable: true` or `false`"
            )
    return refs


def licence_lines(text: str) -> dict[str, int]:
    """The line of each source's ``licence`` in a config's YAML ``text``: name → line."""
    root = yaml.compose(text)
    lines: dict[str, int] = {}
    if root is None:
        return lines
    for key, value in root.value:
        if key.value != "sources":
            continue
        for name, entry in value.value:
            for field, item in getattr(entry, "value", []):
                if getattr(field, "value", None) == "licence":
                    lines[name.value] = item.start_mark.line + 1
    return lines


def config_licences(text: str, origin: str) -> dict[str, tuple[bool, str]]:
    """Every source of the config ``text`` (read from ``origin``) with the decision
    whether it may be copied and why; LicenceError for the first licence that is not
    a valid SPDX expression, naming ``origin``, its line and the source."""
    config = yaml.safe_load(text) or {}
    refs = check_refs(config.get("licence_refs"), origin)
    lines = licence_lines(text)
    return {
        name: redistribution(
            entry.get("licence"),
            refs,
            f"{origin}, line {lines.get(name, '?')} (sources.{name}.licence)",
        )
        for name, entry in (config.get("sources") or {}).items()
    }

"""Case endings that a language attaches to numerals, chosen by name in the config.

A rule set knows the cases it offers and, for a formatted number, the ending
that follows it (Turkish: ``2016’da``, ``%42’si``). To add a language with case
endings, write a module with a ``CaseEndings`` subclass and register it in
``RULES``.
"""

from __future__ import annotations

from importlib import import_module


class CaseEndings:
    """The interface of a language's case endings."""

    cases: tuple[str, ...] = ()
    separator = "’"  # U+2019: a straight quote after a digit would be set as a prime

    def ending(self, value, kind: str, digits: int, case: str) -> str:
        raise NotImplementedError

    def typed_case(self, suffix: str) -> tuple[str, str] | None:
        """The case whose ending a suffix typed by hand after a number is, and the letters
        after that ending (for the error that suggests ``|case``); None if unknown."""
        return None

    def attach(self, text: str, value, kind: str, digits: int, case: str) -> str:
        if case not in self.cases:
            raise ValueError(f"unknown case ending '|{case}' (use one of {self.cases})")
        return f"{text}{self.separator}{self.ending(value, kind, digits, case)}"


# name in the config → "module:class" of its rules
RULES = {"turkish": "paperkit.endings.turkish:TurkishEndings"}


def case_endings(name: str) -> CaseEndings:
    if name not in RULES:
        raise ValueError(f"no case-ending rules named {name!r}; known: {sorted(RULES)}")
    module, cls = RULES[name].split(":")
    return getattr(import_module(module), cls)()

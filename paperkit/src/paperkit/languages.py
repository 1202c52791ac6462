"""Languages of a paper, from its configuration: locale-aware formatting of the numbers,
dates and names the text quotes, and the case endings a language attaches to them.

A language is declared in the paper's config::

    languages:
      en: {locale: en_GB}
      tr: {locale: tr_TR, case_endings: turkish}

Babel (CLDR) does the formatting; this module decides which CLDR pattern a kind
of number uses. Case endings (``paperkit.endings``) are the suffixes some
languages attach to a numeral (Turkish ``2016’da``); a language without them
rejects a text that asks for one. No pandas, so the manuscript jobs stay light.

Kinds of value (declared with each number in the results files):

- ``count``: an integer with grouping (en ``3,737,369``; tr ``3.737.369``)
- ``decimal``: ``digits`` fraction digits (en ``0.42``; tr ``0,42``)
- ``percent``: a fraction shown as a percentage with ``digits`` fraction digits
  (en ``42%``; tr ``%42``)
- ``year``: an integer without grouping (``2016``)
- ``date`` / ``month``: an ISO date shown as ``18 March 2016`` / ``18 Mart 2016``
  or ``March 2016`` / ``Mart 2016``
- ``p_value``: a probability with its relation sign, for "p {{name}}" in the
  text: ``= 0.042`` with ``digits`` decimals, or ``< 0.001`` below that (tr ``< 0,001``)
- ``countries``: a list of ISO 3166-1 alpha-2 codes, written as the language's
  country names joined as a list (en ``Syria, Iraq and Iran``; tr ``Suriye, Irak ve İran``)
- ``text``: a string used as it is, or a mapping language code → string for words
  that differ by language (en ``mid-2025``; tr ``2025 yılı ortasında``), each
  language taking its own
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from paperkit.endings import CaseEndings, case_endings

KINDS = ("count", "decimal", "percent", "year", "date", "month", "p_value", "countries", "text")


class LanguageError(ValueError):
    """A language is not configured, or cannot do what the text asks of it."""


def _fraction_pattern(pattern: str, digits: int) -> str:
    """Give a CLDR pattern such as ``#,##0%`` or ``%#,##0`` exactly ``digits`` decimals."""
    return pattern.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""), 1)


@dataclass(frozen=True)
class Language:
    """One language of the paper: its code (``tr``), CLDR locale and case endings."""

    code: str
    locale_id: str
    endings_name: str | None = None

    @classmethod
    def from_config(cls, code: str, entry: dict) -> Language:
        return cls(code, entry["locale"], entry.get("case_endings"))

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.locale_id)

    @property
    def tag(self) -> str:
        """The BCP 47 tag of its locale (``tr-TR``), as text shapers take a language."""
        return str(self.locale).replace("_", "-")

    @cached_property
    def endings(self) -> CaseEndings | None:
        return case_endings(self.endings_name) if self.endings_name else None

    def format(self, value, kind: str, digits: int = 0) -> str:
        """``value`` of the given kind as this language writes it."""
        locale = self.locale
        if kind == "count":
            return format_decimal(round(value), format="#,##0", locale=locale)
        if kind == "decimal":
            return format_decimal(value, format=_fraction_pattern("#,##0", digits), locale=locale)
        if kind == "percent":
            pattern = _fraction_pattern(locale.percent_formats[None].pattern, digits)
            return format_percent(value, format=pattern, locale=locale)
        if kind == "year":
            return str(int(value))
        if kind in ("date", "month"):
            day = dt.date.fromisoformat(str(value)[:10])
            return format_date(day, "d MMMM y" if kind == "date" else "MMMM y", locale=locale)
        if kind == "p_value":
            floor, pattern = 10.0**-digits, _fraction_pattern("#,##0", digits)
            if value < floor:
                return "< " + format_decimal(floor, format=pattern, locale=locale)
            return "= " + format_decimal(value, format=pattern, locale=locale)
        if kind == "countries":
            return format_list([self.country(code, code) for code in value], locale=locale)
        if kind == "text":
            if not isinstance(value, dict):
                return str(value)
            if self.code not in value:
                raise LanguageError(
                    f"the text value {value!r} has no words for '{self.code}'; its results "
                    f"file must give every language of the paper"
                )
            return str(value[self.code])
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")

    def country(self, iso2: str, fallback: str) -> str:
        """CLDR's name of a country (ISO 3166-1 alpha-2) in this language, else ``fallback``."""
        return self.locale.territories.get(iso2 or "", fallback)

    def with_ending(self, text: str, value, kind: str, digits: int, case: str) -> str:
        """``text`` (a formatted value) followed by the case ending ``case`` it takes."""
        if self.endings is None:
            raise LanguageError(
                f"the case ending '|{case}' is for languages with case endings; "
                f"'{self.code}' has none (config languages.{self.code}.case_endings)"
            )
        return self.endings.attach(text, value, kind, digits, case)


def languages_from_config(entries: dict[str, dict]) -> dict[str, Language]:
    """Every configured language, in the config's order."""
    return {code: Language.from_config(code, entry) for code, entry in entries.items()}

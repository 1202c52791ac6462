"""When a source's figures stand: the reference period of a pinned release's latest
figures, and the words each language writes for it.

Statistical offices publish stocks at a reference date, and some publish twice a
year: UNHCR's Global Trends releases count the displaced at the end of each year,
its Mid-Year Trends releases add the figures at 30 June of the current year to the
end-year series of the years before. A pin (config ``sources.<name>``) says which
kind of release it holds::

    period: mid-year        # or end-year
    as_of: "2025-06-30"     # the reference date of its latest figures

so that a text never prints mid-year figures as end-of-year ones. The latest year
of a mid-year release is written with the language's ``mid-year`` words (en
"mid-2025", tr "2025 yılı ortasında"); every earlier year, and every year of an
end-year release, with its ``end-year`` words (en "the end of 2025", tr "2025 yılı
sonunda"). The words are the paper's (``periods`` in manuscript/labels.yaml, one
template with ``{year}`` per period and language). Standard library only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Each period and the day of the year its figures stand at.
PERIODS = {"end-year": (12, 31), "mid-year": (6, 30)}


class PeriodError(ValueError):
    """A pin's period and reference date disagree, or a year lies after them."""


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text))


@dataclass(frozen=True)
class ReferencePeriod:
    """The period of a release's latest figures (``end-year`` or ``mid-year``) and their
    reference date."""

    period: str
    as_of: dt.date

    @classmethod
    def from_pin(cls, name: str, entry: dict) -> ReferencePeriod | None:
        """The reference period a pin declares (None when it declares none), checked:
        the two keys come together, and the date is the day its period stands at."""
        period, as_of = entry.get("period"), entry.get("as_of")
        key = f"config sources.{name}"
        if period is None and as_of is None:
            return None
        if period is None or as_of is None:
            given, missing = ("period", "as_of") if as_of is None else ("as_of", "period")
            raise PeriodError(
                f"{key}: '{given}' is set but '{missing}' is not; a pin declares both "
                f"(period: end-year or mid-year, as_of: the reference date of its latest figures)"
            )
        if period not in PERIODS:
            raise PeriodError(
                f"{key}.period: '{period}' is not a period; use one of {', '.join(PERIODS)}"
            )
        try:
            day = _date(as_of)
        except ValueError:
            raise PeriodError(f"{key}.as_of: '{as_of}' is not a date (YYYY-MM-DD)") from None
        month, mday = PERIODS[period]
        if (day.month, day.day) != (month, mday):
            expected = dt.date(day.year, month, mday).isoformat()
            raise PeriodError(
                f"{key}: period '{period}' stands at {expected[5:]} of its year, but as_of is "
                f"'{as_of}'; set as_of: \"{expected}\" or the period the release's own notes "
                f"give (config/README.md)"
            )
        return cls(period, day)

    def as_config(self) -> dict:
        """The two keys as a pin writes them."""
        return {"period": self.period, "as_of": self.as_of.isoformat()}

    @property
    def year(self) -> int:
        """The year of the release's latest figures."""
        return self.as_of.year

    def of_year(self, year: int) -> str:
        """The period of the figures of ``year``: the release's own for its latest year,
        end-year for every earlier one (a mid-year release carries the end-year series
        of the years before)."""
        if year > self.year:
            raise PeriodError(
                f"figures of {year} lie after the release's latest, as of {self.as_of}"
            )
        return self.period if year == self.year else "end-year"

    def words(self, year: int, templates: dict[str, dict[str, str]]) -> dict[str, str]:
        """How each language writes when the figures of ``year`` stand ({language: words}),
        from each language's templates (labels ``periods``: period → text with ``{year}``)."""
        period = self.of_year(year)
        return {code: periods[period].format(year=year) for code, periods in templates.items()}

    def check_latest_year(self, last_year: int, where: str, name: str) -> None:
        """The data's last year must be the year of the release's latest figures: a pin
        whose period and date describe another release would put the wrong words on them."""
        if last_year != self.year:
            raise PeriodError(
                f"{where} ends in {last_year}, but config sources.{name}.as_of says its latest "
                f"figures stand at {self.as_of}; set period and as_of to what the pinned "
                f"release says of its data (config/README.md)"
            )

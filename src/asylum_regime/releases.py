"""The reference period of each pinned source, checked against what its release says.

A pin declares when its latest figures stand (``period`` and ``as_of``,
``paperkit.periods``). For UNHCR's ``refugees`` R package the release says it
too: its versions are calendar versions ``YYYY.M.patch``, and its NEWS.md
names the report each one carries. Every ``YYYY.6.x`` release is "Updated with
the release of Mid-Year Trends YYYY" (figures at 30 June of YYYY, the years
before at their end), every ``YYYY.12.x`` one "Global Trends YYYY" (figures at
the end of YYYY): 2023.6.0, 2024.6.0, 2025.6.0 and 2022.12.0 to 2025.12.1 in
NEWS.md of PopulationStatistics/refugees, commit 0c16a6d. (The package's own
help page of ``population`` still reads "at the end of the year" in the
mid-year releases, so the version and NEWS.md are the release's word.) A UNHCR
pin whose declared period disagrees with its version stops the workflow when
it starts, naming the key, the value and the fix.
"""

from __future__ import annotations

import datetime as dt
import re

from paperkit.periods import PERIODS, PeriodError, ReferencePeriod

UNHCR_RELEASE = re.compile(r"^refugees (\d{4})\.(\d{1,2})\.(\d+)$")
# Month of a refugees version → the period of its latest figures.
UNHCR_MONTHS = {6: "mid-year", 12: "end-year"}


def unhcr_release_period(release: str) -> ReferencePeriod | None:
    """The reference period a ``refugees`` release's version gives (None for a release of
    another package): ``refugees 2025.6.0`` (also written 2025.06.0) → mid-year, as of
    2025-06-30; ``refugees 2025.12.1`` → end-year, as of 2025-12-31."""
    match = UNHCR_RELEASE.match(release.strip())
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if month not in UNHCR_MONTHS:
        raise PeriodError(
            f"release '{release}': UNHCR's refugees versions are YYYY.6.x (Mid-Year Trends) or "
            f"YYYY.12.x (Global Trends); check the release's NEWS.md and, if UNHCR has begun "
            f"another kind of release, add its month to asylum_regime.releases.UNHCR_MONTHS"
        )
    period = UNHCR_MONTHS[month]
    return ReferencePeriod(period, dt.date(year, *PERIODS[period]))


def source_periods(sources: dict[str, dict]) -> dict[str, ReferencePeriod | None]:
    """Each pinned source's declared reference period (None where it declares none), after
    checking every UNHCR pin against its release's version; the first problem raises."""
    periods = {}
    for name, entry in sources.items():
        declared = ReferencePeriod.from_pin(name, entry)
        given = unhcr_release_period(entry["release"])
        if given is not None and declared != given:
            wanted = given.as_config()
            said = "declares none"
            if declared is not None:
                said = f"declares period '{declared.period}', as_of '{declared.as_of}'"
            raise PeriodError(
                f"config sources.{name}: release '{entry['release']}' carries "
                f"{given.period} figures as of {given.as_of}, but the pin {said}; set "
                f'period: {wanted["period"]} and as_of: "{wanted["as_of"]}"'
            )
        periods[name] = declared
    return periods


def latest_period(periods: dict[str, ReferencePeriod | None], name: str) -> ReferencePeriod:
    """The reference period of source ``name``, which the text quotes and so must declare."""
    if periods.get(name) is None:
        raise PeriodError(
            f"config sources.{name}: the text says when its latest figures stand, so its pin "
            f"declares period (end-year or mid-year) and as_of (config/README.md)"
        )
    return periods[name]

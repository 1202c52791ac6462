"""Turn the validated source frames into tidy, typed, analysis-ready tables.

Each tidier takes the frame exactly as ``pyreadr`` returns it (after schema
validation) and returns a frame with documented columns, integer counts and
real dates, sorted on its key so that the written CSV is byte-stable.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

R_EPOCH = pd.Timestamp("1970-01-01")

POPULATION_COUNTS = [
    "refugees",
    "asylum_seekers",
    "returned_refugees",
    "idps",
    "returned_idps",
    "stateless",
    "ooc",
    "oip",
    "hst",
]


def r_date(days: pd.Series) -> pd.Series:
    """R ``Date`` values (days since 1970-01-01, read as floats) as datetimes."""
    return R_EPOCH + pd.to_timedelta(days.astype("int64"), unit="D")


def tidy_unhcr_population(raw: pd.DataFrame) -> pd.DataFrame:
    """End-year stocks by origin × asylum country × year; missing counts stay missing (Int64)."""
    return (
        raw.assign(year=raw["year"].astype("int64"))
        .astype({column: "Int64" for column in POPULATION_COUNTS})
        .loc[:, ["year", "coo_iso", "coo_name", "coa_iso", "coa_name", *POPULATION_COUNTS]]
        .sort_values(["year", "coa_iso", "coo_iso"], ignore_index=True)
    )


def tidy_frontex(raw: pd.DataFrame) -> pd.DataFrame:
    """Monthly detections by route × type (Sea/Land) × nationality; ``month`` is the first day."""
    return (
        raw.assign(month=r_date(raw["t"]), detections=raw["n"].astype("int64"))
        .loc[:, ["route", "type", "nat", "month", "detections"]]
        .sort_values(["route", "type", "nat", "month"], ignore_index=True)
    )


def tidy_eu_asyapp(raw: pd.DataFrame) -> pd.DataFrame:
    """First-time asylum applicants by country of application × year × citizenship × sex."""
    return (
        raw.rename(columns={"t": "year", "n": "applicants"})
        .astype({"year": "int64", "applicants": "int64"})
        .loc[:, ["geo", "year", "nat", "sex", "applicants"]]
        .sort_values(["geo", "year", "nat", "sex"], ignore_index=True)
    )


def tidy_countrynames(raw: pd.DataFrame) -> pd.DataFrame:
    """ISO-3 → ISO-2, English name and EU membership (the ISO-2 code keys Babel's names)."""
    return (
        raw.loc[:, ["iso3", "iso2", "name", "eu"]]
        .assign(eu=lambda frame: frame["eu"].fillna(0).astype("int64").astype(bool))
        .sort_values("iso3", ignore_index=True)
    )


# dataset name -> (object name inside the .rda, tidier)
TIDIERS: dict[str, tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]] = {
    "unhcr_population": ("population", tidy_unhcr_population),
    "frontex": ("frontex", tidy_frontex),
    "eu_asyapp": ("eu_asyapp", tidy_eu_asyapp),
    "countrynames": ("countrynames", tidy_countrynames),
}

"""Running the specification multiverse of each model family, and what the text quotes
of it.

``family_batches`` splits a family's specifications (config ``multiverse``) into
its batch jobs; ``fit_batch`` fits one batch (each family reads its own inputs);
``robust_numbers`` summarises a family's results table for the text: how many
specifications, the median, lowest and highest estimate, the share whose 95%
interval excludes 1, and the main specification's value.

Distinct fits: two specifications can give the same model (with a 2013 start the
missing month of 2012 is outside the sample, so "missing" and "imputed" fit the same
series; a hinge at or before the first month is no hinge). Each results row carries
``fit``, a fingerprint of what was fitted (``fit_fingerprint``: the data and design
matrix, the estimator and its settings), and ``distinct_fits`` keeps one row per fit,
with every specification it stands for in ``labels`` and the choices that coincide in
``coincide``. Every share and range the text quotes is over distinct fits, so that a
model counted twice does not count twice.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from asylum_regime.specifications import Specification, batches, expand, main_specification
from paperkit.numbers import number_entry

if TYPE_CHECKING:  # only in annotations: the workflow reads the batches without pandas
    import pandas as pd

FAMILIES = ("its", "did", "indices")
# Dimensions that change no fit, only its errors or estimator, kept in one batch so
# that their specifications share a design (its.fit_specifications).
SHARED = {"its": ("hac_lags", "estimator"), "did": (), "indices": ()}


def fit_fingerprint(*parts) -> str:
    """A fingerprint of a fitted model: 16 hex digits of a SHA-256 over ``parts`` (data
    frames and series by their column names and every value at full precision, anything
    else by its text). Two specifications with equal fingerprints fitted the same
    estimator, with the same settings, to the same numbers."""
    digest = hashlib.sha256()
    for part in parts:
        if hasattr(part, "to_csv"):
            frame = part.to_frame() if hasattr(part, "to_frame") else part
            text = frame.to_csv(index=False, float_format="%.17g", lineterminator="\n")
        else:
            text = repr(part)
        digest.update(text.encode("utf-8") + b"\x00")
    return digest.hexdigest()[:16]


def distinct_fits(table: pd.DataFrame, dimensions: dict[str, list], main: str) -> pd.DataFrame:
    """One row per distinct fit (column ``fit``) of a family's results table: the row of
    the main specification where it is among them, else of the specification whose
    choices come first in the config's order of options; with ``specifications`` (how
    many it stands for), ``labels`` (their ids) and ``coincide`` (per dimension whose
    options give the same fit, ``dimension: option = option``)."""
    order = {
        name: {option: position for position, option in enumerate(options)}
        for name, options in dimensions.items()
    }

    def rank(row) -> tuple:
        return (row["specification"] != main, *(order[n][row[n]] for n in dimensions))

    rows = []
    for _fit, group in table.groupby("fit", sort=False):
        chosen = min((row for _, row in group.iterrows()), key=rank)
        coincide = [
            f"{name}: " + " = ".join(str(o) for o in sorted(set(group[name]), key=order[name].get))
            for name in dimensions
            if group[name].nunique() > 1
        ]
        rows.append(
            chosen.to_dict()
            | {
                "specifications": len(group),
                "labels": " ".join(sorted(group["specification"])),
                "coincide": "; ".join(coincide),
            }
        )
    import pandas as pd

    columns = [*table.columns, "specifications", "labels", "coincide"]
    return pd.DataFrame(rows, columns=columns).sort_values("specification", ignore_index=True)


def family_specifications(config: dict, family: str) -> list[Specification]:
    return expand(family, config["multiverse"][family]["dimensions"])


def family_main(config: dict, family: str) -> Specification:
    entry = config["multiverse"][family]
    return main_specification(family, entry["dimensions"], entry["main"])


def family_batches(config: dict, family: str) -> list[list[Specification]]:
    return batches(
        family_specifications(config, family),
        config["multiverse"][family]["batches"],
        SHARED[family],
    )


# --------------------------------------------------------------------------- robust ranges


def _range_numbers(prefix: str, values: pd.Series, what: str, digits: int) -> dict:
    return {
        f"{prefix}_median": number_entry(
            float(values.median()), "decimal", f"{what}: median over the specifications.", digits
        ),
        f"{prefix}_min": number_entry(
            float(values.min()), "decimal", f"{what}: lowest of the specifications.", digits
        ),
        f"{prefix}_max": number_entry(
            float(values.max()), "decimal", f"{what}: highest of the specifications.", digits
        ),
    }


def _share(mask: pd.Series, name: str, what: str) -> dict:
    return {name: number_entry(float(mask.mean()), "percent", what, 0)}


def robust_numbers(
    family: str, table: pd.DataFrame, main: Specification, every: pd.DataFrame | None = None
) -> dict[str, dict]:
    """The numbers the text quotes about a family's multiverse (``mv_<family>_…``).
    ``table``: its distinct fits (``distinct_fits``), over which every share and range is
    taken; ``every``: every specification's row (default ``table``), for the count of
    specifications and for comparisons between specifications that differ in one choice."""
    every = table if every is None else every
    count = {
        f"mv_{family}_specifications": number_entry(
            len(every), "count", f"Specifications of the {family} multiverse."
        ),
        f"mv_{family}_fits": number_entry(
            int(table["fit"].nunique()) if "fit" in table else len(table),
            "count",
            f"Distinct fits among the specifications of the {family} multiverse (those that "
            "give the same model counted once).",
        ),
    }
    row = every.set_index("specification").loc[main.ident]
    if family == "its":
        ratio = table["statement_ratio"]
        with_jap = table[table["jap"] != "none"]
        return (
            count
            | _range_numbers("mv_its_statement_ratio", ratio, "ITS, Statement level ratio", 3)
            | _range_numbers("mv_its_slope_ratio", table["slope_ratio"], "ITS, slope ratio", 3)
            | _share(
                table["statement_ratio_high"] < 1,
                "mv_its_share_fall",
                "Share of ITS specifications whose 95% interval of the Statement's level "
                "ratio lies below 1.",
            )
            | _share(
                table["statement_ratio"] < 1,
                "mv_its_share_point_fall",
                "Share of ITS specifications with a Statement level ratio below 1.",
            )
            | _share(
                table["slope_ratio_high"] < 1,
                "mv_its_share_slope_fall",
                "Share of ITS specifications whose 95% interval of the slope ratio lies below 1.",
            )
            | _share(
                with_jap["jap_ratio_high"] < 1,
                "mv_its_share_jap_fall",
                "Share of the ITS specifications with a Joint Action Plan term whose 95% "
                "interval of that term lies below 1.",
            )
            | _share(
                with_jap["jap_ratio_low"] > 1,
                "mv_its_share_jap_rise",
                "Share of the ITS specifications with a Joint Action Plan term whose 95% "
                "interval of that term lies above 1.",
            )
            | _main_numbers("mv_its_main", row, "statement_ratio", "ITS, main specification")
        )
    if family == "did":
        ratio = table["did_ratio"]
        return (
            count
            | _range_numbers("mv_did_ratio", ratio, "DiD ratio", 3)
            | _share(
                (table["did_ratio_low"] > 1) | (table["did_ratio_high"] < 1),
                "mv_did_share_excludes_one",
                "Share of DiD specifications whose 95% interval excludes 1.",
            )
            | _share(
                table["did_ratio_high"] < 1,
                "mv_did_share_fall",
                "Share of DiD specifications whose 95% interval lies below 1.",
            )
            | _share(
                table["pretrend_p"] < 0.05,
                "mv_did_share_pretrend_rejected",
                "Share of DiD specifications whose pre-trend test rejects parallel trends at 5%.",
            )
            | _main_numbers("mv_did_main", row, "did_ratio", "DiD, main specification")
        )
    if family == "indices":
        defined = table[table["practice_years"] > 0]
        return (
            count
            | _range_numbers(
                "mv_legislative_last", table["legislative_last"], "Legislative index, last year", 2
            )
            | _range_numbers(
                "mv_practice_max", defined["practice_max"], "Highest practice index", 2
            )
            | _share(
                defined["practice_max"] >= 0.5,
                "mv_share_practice_half",
                "Share of index specifications in which practice reaches half of its "
                "commitments in some year.",
            )
            | _share(
                table["legislative_min_after_jump"] > 0.5,
                "mv_share_legislation_half",
                "Share of index specifications in which legislation answers more than half "
                "of the acquis requirements in every year from its largest rise on.",
            )
            | {
                "mv_unverified_shift_max": number_entry(
                    _largest_shift(every, list(main.choices), "unverified", "legislative_last"),
                    "decimal",
                    "Largest change of the last year's legislative index when the unverified "
                    "rows are added, other choices equal.",
                    2,
                ),
                # Bounds the text states ("at most", "at least") are rounded outward to
                # the digits it prints, so that the printed bound is true of every coding.
                "mv_agreed_only_shift_last_max": number_entry(
                    _outward(
                        _largest_shift(every, list(main.choices), "coding", "legislative_last"),
                        2,
                        up=True,
                    ),
                    "decimal",
                    "Largest change of the last year's legislative index when only the units "
                    "the two coders agreed on are kept, other choices equal (rounded up to 2 "
                    "digits).",
                    2,
                ),
                "mv_agreed_only_shift_peak_max": number_entry(
                    _outward(
                        _largest_shift(every, list(main.choices), "coding", "legislative_max"),
                        2,
                        up=True,
                    ),
                    "decimal",
                    "Largest change of the legislative index's peak when only the units the "
                    "two coders agreed on are kept, other choices equal (rounded up to 2 "
                    "digits).",
                    2,
                ),
                # three digits: with the agreed-units coding the largest range is above
                # 0.04, and two digits rounded up would print 0.05 for it
                "mv_legislative_range_practice_years_max": number_entry(
                    _outward(defined["legislative_range_practice_years"].max(), 3, up=True),
                    "decimal",
                    "Largest range of the legislative index over the years practice is "
                    "measured, over the specifications (rounded up to 3 digits).",
                    3,
                ),
                "mv_practice_range_min": number_entry(
                    _outward(defined["practice_range"].min(), 2, up=False),
                    "decimal",
                    "Smallest range of the practice index over its years, over the "
                    "specifications (rounded down to 2 digits).",
                    2,
                ),
                "mv_practice_rise_min": number_entry(
                    _outward(defined["practice_rise"].min(), 2, up=False),
                    "decimal",
                    "Smallest rise of the practice index from its first year to its peak, over "
                    "the specifications (rounded down to 2 digits).",
                    2,
                ),
                "mv_practice_fell": number_entry(
                    int((defined["practice_fall"] > 0).sum()),
                    "count",
                    "Index specifications (distinct) in which practice fell after its peak.",
                ),
                # the decoupling test (asylum_regime.indices.decoupling_test)
                "mv_decoupling_testable": number_entry(
                    int((defined["decoupling_law_years"] > 0).sum()),
                    "count",
                    "Index specifications (distinct) with a year in the practice window in "
                    "which the legislative index changed (where the decoupling test can fail).",
                ),
                "mv_decoupling_contradicted": number_entry(
                    int(defined["decoupling_contradicted"].astype(bool).sum()),
                    "count",
                    "Index specifications (distinct) in which practice moved with the law: "
                    "in every year the law changed, in its direction and by more than in "
                    "any year it stood still.",
                ),
                "mv_decoupling_law_years_max": number_entry(
                    int(defined["decoupling_law_years"].max()),
                    "count",
                    "Most years in the practice window in which the legislative index "
                    "changed, over the specifications.",
                ),
                "mv_practice_peaked_last": number_entry(
                    int((defined["practice_fall"] <= 0).sum()),
                    "count",
                    "Index specifications (distinct) in which practice peaks in its last "
                    "measured year.",
                ),
            }
            | _share(
                table["practice_below_legislation"].astype(bool),
                "mv_share_practice_below",
                "Share of index specifications in which practice stays below legislation in "
                "every year both are measured.",
            )
            | {
                "mv_practice_years_min": number_entry(
                    int(table["practice_years"].min()),
                    "count",
                    "Fewest years with a practice index, over the specifications.",
                ),
                "mv_practice_years_max": number_entry(
                    int(table["practice_years"].max()),
                    "count",
                    "Most years with a practice index, over the specifications.",
                ),
            }
        )
    raise ValueError(f"unknown family {family!r}")


def _outward(value: float, digits: int, up: bool) -> float:
    """``value`` rounded to ``digits`` away from the values it bounds: up for a largest
    value ("at most"), down for a smallest ("at least")."""
    import math

    scale = 10**digits
    scaled = round(float(value) * scale, 9)  # a value already on the grid stays on it
    return (math.ceil(scaled) if up else math.floor(scaled)) / scale


def _largest_shift(
    table: pd.DataFrame, dimensions: list[str], dimension: str, column: str
) -> float:
    """The largest change of ``column`` between specifications that differ only in
    ``dimension`` (``dimensions``: all the family's dimensions)."""
    others = [name for name in dimensions if name != dimension]
    spread = table.groupby(others)[column].agg(lambda values: values.max() - values.min())
    return float(spread.max())


def _main_numbers(prefix: str, row: pd.Series, column: str, what: str) -> dict:
    return {
        f"{prefix}_ratio": number_entry(float(row[column]), "decimal", f"{what}: ratio.", 3),
        f"{prefix}_ratio_low": number_entry(
            float(row[f"{column}_low"]), "decimal", f"{what}: 95% CI, lower.", 3
        ),
        f"{prefix}_ratio_high": number_entry(
            float(row[f"{column}_high"]), "decimal", f"{what}: 95% CI, upper.", 3
        ),
    }

"""Running the specification multiverse of each model family, and what the text quotes
of it.

``family_batches`` splits a family's specifications (config ``multiverse``) into
its batch jobs; ``fit_batch`` fits one batch (each family reads its own inputs);
``robust_numbers`` summarises a family's results table for the text: how many
specifications, the median, lowest and highest estimate, the share whose 95%
interval excludes 1, and the main specification's value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asylum_regime.specifications import Specification, batches, expand, main_specification
from paperkit.numbers import number_entry

if TYPE_CHECKING:  # only in annotations: the workflow reads the batches without pandas
    import pandas as pd

FAMILIES = ("its", "did", "indices")
# Dimensions that change no fit, only its errors or estimator, kept in one batch so
# that their specifications share a design (its.fit_specifications).
SHARED = {"its": ("hac_lags", "estimator"), "did": (), "indices": ()}


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


def robust_numbers(family: str, table: pd.DataFrame, main: Specification) -> dict[str, dict]:
    """The numbers the text quotes about a family's multiverse (``mv_<family>_…``)."""
    count = {
        f"mv_{family}_specifications": number_entry(
            len(table), "count", f"Specifications of the {family} multiverse."
        )
    }
    row = table.set_index("specification").loc[main.ident]
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
                    _largest_shift(table, list(main.choices), "unverified", "legislative_last"),
                    "decimal",
                    "Largest change of the last year's legislative index when the unverified "
                    "rows are added, other choices equal.",
                    2,
                ),
                "mv_legislative_range_practice_years_max": number_entry(
                    float(defined["legislative_range_practice_years"].max()),
                    "decimal",
                    "Largest range of the legislative index over the years practice is "
                    "measured, over the specifications.",
                    2,
                ),
                "mv_practice_range_min": number_entry(
                    float(defined["practice_range"].min()),
                    "decimal",
                    "Smallest range of the practice index over its years, over the specifications.",
                    2,
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

"""Reading and writing at the edges: R data files, tidy CSVs, JSON results.

Writers are atomic (``analysis.atomic``). CSVs are written with fixed
formatting (LF, ISO dates, no index) so rebuilds are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from analysis.atomic import atomic_path, canonical_float, read_json, write_json, write_text
from analysis.validate import load_schema, validate

__all__ = [
    "atomic_path",
    "processed_codebook",
    "read_json",
    "read_processed",
    "read_rda",
    "read_validated_rda",
    "write_csv",
    "write_json",
    "write_text",
]

SCHEMAS = Path(__file__).resolve().parent.parent / "workflow" / "schemas" / "tables"


def read_rda(path: str | Path, name: str) -> pd.DataFrame:
    import pyreadr  # only the tidy jobs need it

    try:
        frames = pyreadr.read_r(str(path))
    except Exception as error:  # pyreadr's messages do not name the file
        raise ValueError(
            f"{path}: cannot read it as an R data file ({error}); if it is a downloaded "
            "source, the next build moves it aside and acquires the pinned file again"
        ) from None
    if name not in frames:
        raise KeyError(f"{path}: no object named {name!r} (found {sorted(frames)})")
    return frames[name]


def read_validated_rda(path: str | Path, name: str, dataset: str) -> pd.DataFrame:
    """Read object ``name`` from ``path`` and check it against the dataset's schema."""
    return validate(read_rda(path, name), load_schema(SCHEMAS / f"{dataset}.yaml"), str(path))


def processed_codebook() -> dict:
    with open(SCHEMAS / "processed.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def canonical_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every float column rounded to the declared significant digits (``canonical_float``)."""
    floats = frame.select_dtypes(include="floating").columns
    return frame.assign(
        **{name: frame[name].map(canonical_float, na_action="ignore") for name in floats}
    )


def write_csv(frame: pd.DataFrame, target: str | Path) -> None:
    """A canonical CSV: floats rounded, LF line ends, ISO dates, no index."""
    with atomic_path(target) as temp:
        canonical_frame(frame).to_csv(
            temp, index=False, lineterminator="\n", date_format="%Y-%m-%d"
        )


def read_processed(path: str | Path, dataset: str) -> pd.DataFrame:
    """Read a tidy table with the dtypes its codebook declares."""
    columns = processed_codebook()[dataset]["columns"]
    dates = [name for name, spec in columns.items() if spec["dtype"] == "date"]
    dtypes = {name: spec["dtype"] for name, spec in columns.items() if spec["dtype"] != "date"}
    frame = pd.read_csv(
        path, dtype=dtypes, parse_dates=dates, keep_default_na=False, na_values=[""]
    )
    if list(frame.columns) != list(columns):
        raise ValueError(
            f"{path}: columns {list(frame.columns)} differ from the codebook "
            f"{list(columns)}; rebuild it with `snakemake {path}`"
        )
    return frame

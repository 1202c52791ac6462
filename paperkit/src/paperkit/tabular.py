"""Tables at the edges: R data files in, canonical CSVs out, tidy CSVs back in.

Writers are atomic (``paperkit.atomic``). CSVs are written canonically: floats
rounded to the declared significant digits, LF line ends, ISO dates, no index,
so that rebuilds are byte-identical. A tidy table is read back with the dtypes
its codebook declares (a YAML mapping ``{dataset: {columns: {name: {dtype}}}}``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from paperkit.atomic import atomic_path, canonical_float
from paperkit.validate import load_schema, validate


def read_rda(path: str | Path, name: str) -> pd.DataFrame:
    """Object ``name`` of an R data file; an unreadable file is an error naming it."""
    import pyreadr  # only the jobs that read sources need it

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


def read_validated_rda(path: str | Path, name: str, schema: str | Path) -> pd.DataFrame:
    """Read object ``name`` from ``path`` and check it against the table schema ``schema``."""
    return validate(read_rda(path, name), load_schema(schema), str(path))


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


@cache
def _codebook(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_tidy(path: str | Path, codebook: str | Path, dataset: str) -> pd.DataFrame:
    """Read a tidy table with the dtypes its codebook declares for ``dataset``."""
    columns = _codebook(str(codebook))[dataset]["columns"]
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

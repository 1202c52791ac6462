"""This paper's tidy tables, read back with the dtypes of its codebook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from asylum_regime.paths import CODEBOOK, table_schema
from paperkit.tabular import read_tidy, read_validated_rda


def read_processed(path: str | Path, dataset: str) -> pd.DataFrame:
    """A tidy table of ``data/processed/`` (see workflow/schemas/tables/processed.yaml)."""
    return read_tidy(path, CODEBOOK, dataset)


def read_source(path: str | Path, name: str, dataset: str) -> pd.DataFrame:
    """Object ``name`` of a pinned R data source, validated against the dataset's schema."""
    return read_validated_rda(path, name, table_schema(dataset))

"""The specification multiverse: stable ids, batches, the main specification, and the
robust numbers the text quotes."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from asylum_regime.multiverse import SHARED, family_batches, family_main, robust_numbers
from asylum_regime.specifications import (
    Specification,
    SpecificationError,
    batches,
    expand,
    main_specification,
    specification_id,
)
from tests.conftest import ROOT

DIMENSIONS = {"estimator": ["nb", "poisson"], "lags": [6, 12], "trend": ["linear", "spline"]}


def test_every_combination_is_one_specification_with_a_stable_id():
    specifications = expand("its", DIMENSIONS)
    assert len(specifications) == 8
    assert len({s.ident for s in specifications}) == 8
    # the id is a hash of the choices: the order of dimensions and new options elsewhere
    # do not rename a specification
    choices = {"estimator": "nb", "lags": 6, "trend": "linear"}
    assert specification_id("its", choices) == specification_id(
        "its", dict(reversed(choices.items()))
    )
    wider = expand("its", {**DIMENSIONS, "trend": ["linear", "spline", "piecewise"]})
    assert {s.ident for s in specifications} < {s.ident for s in wider}


def test_the_main_specification_must_be_one_of_them():
    main = main_specification("its", DIMENSIONS, {"estimator": "nb", "lags": 12, "trend": "linear"})
    assert main in expand("its", DIMENSIONS)
    with pytest.raises(SpecificationError, match="lags: 24 is not one of"):
        main_specification("its", DIMENSIONS, {"estimator": "nb", "lags": 24, "trend": "linear"})
    with pytest.raises(SpecificationError, match="colour: not a dimension"):
        main_specification(
            "its", DIMENSIONS, {"estimator": "nb", "lags": 6, "trend": "linear", "colour": 1}
        )


@given(count=st.integers(min_value=1, max_value=12))
def test_batches_cover_every_specification_once_and_keep_shared_fits_together(count):
    specifications = expand("its", DIMENSIONS)
    split = batches(specifications, count, shared=("lags",))
    flat = [spec for batch in split for spec in batch]
    assert sorted(flat) == sorted(specifications)
    assert len(split) <= count
    for batch in split:  # specifications differing only in the lag share a batch
        keys = {spec.key("lags") for spec in batch}
        assert all(other in batch for other in specifications if other.key("lags") in keys)


def test_the_configured_multiverse_is_large_and_its_main_specifications_exist():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    sizes = {}
    for family in SHARED:
        main = family_main(config, family)
        split = family_batches(config, family)
        members = [spec for batch in split for spec in batch]
        assert main in members
        sizes[family] = len(members)
    assert sum(sizes.values()) >= 500


def table(ratios, lows, highs, main_index=0) -> tuple[pd.DataFrame, Specification]:
    frame = pd.DataFrame(
        {
            "specification": [f"did-{i}" for i in range(len(ratios))],
            "did_ratio": ratios,
            "did_ratio_low": lows,
            "did_ratio_high": highs,
            "pretrend_p": [0.001] * len(ratios),
        }
    )
    return frame, Specification("did", f"did-{main_index}", {})


def test_robust_numbers_summarise_the_family():
    frame, main = table([0.5, 1.0, 2.0, 0.8], [0.4, 0.8, 1.5, 0.6], [0.6, 1.2, 2.5, 1.1], 3)
    numbers = robust_numbers("did", frame, main)
    value = {name: entry["value"] for name, entry in numbers.items()}
    assert value["mv_did_specifications"] == 4
    assert value["mv_did_ratio_median"] == pytest.approx(0.9)
    assert (value["mv_did_ratio_min"], value["mv_did_ratio_max"]) == (0.5, 2.0)
    assert value["mv_did_share_excludes_one"] == 0.5
    assert value["mv_did_share_fall"] == 0.25
    assert value["mv_did_share_pretrend_rejected"] == 1.0
    assert value["mv_did_main_ratio"] == 0.8 and value["mv_did_main_ratio_high"] == 1.1

"""Tests of anchoring.schema: the declared layouts of the processed tables."""

from __future__ import annotations

import pandas as pd
import pytest

from anchoring.exceptions import AnchoringError
from anchoring.schema import ESTIMATES, EXCLUSIONS, GROUP_TESTS, PROCESSED_TABLES, SENSITIVITY


def test_every_table_declares_distinct_columns_with_a_meaning_and_keys_among_them():
    assert len({t.file for t in PROCESSED_TABLES}) == len(PROCESSED_TABLES)
    for table in PROCESSED_TABLES:
        assert len(set(table.names)) == len(table.names), table.name
        assert all(c.meaning for c in table.columns), table.name
        assert set(table.keys) <= set(table.names), table.name


def test_pandas_dtypes_follow_the_arrow_types():
    assert ESTIMATES.dtypes["df"] == "Int64"  # a nullable integer
    assert ESTIMATES.dtypes["n"] == "int64"
    assert ESTIMATES.dtypes["measure"] == EXCLUSIONS.dtypes["reason"] == "str"
    assert GROUP_TESTS.dtypes["is_significant"] == "bool"


def test_conform_orders_and_types_the_declared_columns_and_drops_others():
    frame = pd.DataFrame(
        {
            "is_suppressed": [0],
            "extra": ["x"],
            "estimate": [1],
            "se": [0.5],
            "ci_low": [0],
            "ci_high": [2],
            "variance": ["one_stage"],
            "group": ["sector"],
            "measure": ["pll"],
            "round_id": ["r"],
        }
    )
    table = SENSITIVITY.conform(frame)
    assert tuple(table.columns) == SENSITIVITY.names
    assert table["is_suppressed"].dtype == bool and table["estimate"].dtype == "float64"


def test_a_missing_column_names_the_file_and_the_column():
    with pytest.raises(AnchoringError, match=r"x\.parquet: column\(s\) \['se'\] missing"):
        SENSITIVITY.require(pd.DataFrame(columns=["estimate"]), "x.parquet", ["estimate", "se"])

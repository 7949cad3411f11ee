"""Output writers: rows gathered in output order are the plain Arrow ``take`` of the rows."""

import numpy as np
import pyarrow as pa
import pytest

from anchoring.cleaning.outputs import take_rows


@pytest.mark.parametrize(
    "order",
    [np.array([2, 0, 3, 1]), np.array([1, 1]), np.array([3, 2, 1, 0, 0])],
)
def test_take_rows_is_arrows_take(order):
    table = pa.table(
        {
            "round_id": pa.array(["r1"] * 4),
            "group": pa.array(["gp", "kommune", "gp", None]),
            "blank": pa.array([None] * 4, type=pa.string()),
            "value": pa.array([1, 2, 3, 4]),
        }
    )
    gathered = take_rows(table, order, ("round_id", "group", "blank"))
    # reference: Arrow's own take of every column
    expected = table.take(pa.array(order))
    assert gathered.equals(expected)
    assert all(column.num_chunks == 1 for column in gathered.columns)

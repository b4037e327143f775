"""Values the demo loader hands to COPY."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import BigInteger, Column, Float, Integer

from geodata.demo.loader import _column_values

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("kind", [Integer, BigInteger])
def test_whole_floats_in_integer_columns_become_ints(kind: type) -> None:
    # concatenating an int column with a frame lacking it gives floats and NaN
    series = pd.concat([pd.DataFrame({"n": [2014, 7]}), pd.DataFrame({"x": [1]})], ignore_index=True)["n"]
    assert series.dtype == np.float64
    values = list(_column_values(series, Column("n", kind())))
    assert values == [2014, 7, None]
    assert [type(v) for v in values[:2]] == [int, int]


def test_float_columns_keep_their_floats() -> None:
    values = list(_column_values(pd.Series([2.0, np.nan, 2.5]), Column("x", Float())))
    assert values == [2.0, None, 2.5]
    assert type(values[0]) is float

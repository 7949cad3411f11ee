"""Tests of anchoring.analysis.consensus: Tastle–Wierman consensus and Leik's ordinal dispersion.

Reference numbers: the frequency vector (30, 40, 210, 130, 530, 50, 10) on K = 7 is the example
of the R package agrmt (D. Ruedin; ``?consensus``: "The degree of consensus is given as
0.7256876"; ``Leik(V)`` gives 0.2866667), quoted in methodology §4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anchoring.analysis.consensus import (
    consensus_by_domain,
    leik_dispersion,
    tastle_wierman_consensus,
    weighted_category_shares,
)
from anchoring.exceptions import DesignError

AGRMT_VECTOR = [30, 40, 210, 130, 530, 50, 10]


def test_tastle_wierman_matches_agrmt_example():
    # agrmt::consensus(c(30,40,210,130,530,50,10)) = 0.7256876 (printed to 7 digits)
    assert tastle_wierman_consensus(AGRMT_VECTOR)[0] == pytest.approx(0.7256876, abs=5e-8)


def test_leik_matches_agrmt_example():
    # agrmt::Leik(c(30,40,210,130,530,50,10)) = 0.2866667 (methodology: 0.286667)
    assert leik_dispersion(AGRMT_VECTOR)[0] == pytest.approx(0.2866667, abs=5e-8)


def test_extremes():
    # identity: all mass in one category → consensus 1, dispersion 0
    assert tastle_wierman_consensus([0, 0, 7, 0, 0])[0] == 1.0
    assert leik_dispersion([0, 0, 7, 0, 0])[0] == 0.0
    # identity: an even split between the extremes → consensus 0, dispersion 1
    assert tastle_wierman_consensus([1, 0, 0, 0, 1])[0] == pytest.approx(0.0, abs=1e-15)
    assert leik_dispersion([1, 0, 0, 0, 1])[0] == pytest.approx(1.0)


def test_polarisation_is_seen_where_the_mean_is_not():
    # methodology §4: (1,0,0,0,1) and (0,0,1,0,0) have the same mean
    shares = np.array([[1, 0, 0, 0, 1], [0, 0, 1, 0, 0]], dtype=float)
    consensus = tastle_wierman_consensus(shares)
    assert consensus[0] < consensus[1]


def test_reversal_does_not_change_either_measure():
    rng = np.random.default_rng(3)
    shares = rng.dirichlet(np.ones(5), size=20)
    assert np.allclose(tastle_wierman_consensus(shares), tastle_wierman_consensus(shares[:, ::-1]))
    assert np.allclose(leik_dispersion(shares), leik_dispersion(shares[:, ::-1]))


def test_empty_row_is_nan_and_negative_is_an_error():
    assert np.isnan(tastle_wierman_consensus([0, 0, 0])[0])
    assert np.isnan(leik_dispersion([0, 0, 0])[0])
    with pytest.raises(DesignError):
        tastle_wierman_consensus([1, -1, 2])


def test_weighted_shares_by_group():
    data = pd.DataFrame(
        {
            "group": ["a", "a", "a", "b", "b"],
            "y": [1.0, 5.0, np.nan, 3.0, 3.0],
            "w": [1.0, 3.0, 10.0, 2.0, 1.0],
        }
    )
    shares = weighted_category_shares(data, "y", "w", ["group"], (1, 2, 3, 4, 5))
    # group a: weights 1 on 1 and 3 on 5 (the missing row is left out)
    assert shares.loc["a", [1, 2, 3, 4, 5]].tolist() == [0.25, 0, 0, 0, 0.75]
    assert shares.loc["a", "n"] == 2
    table = consensus_by_domain(shares, (1, 2, 3, 4, 5))
    assert table.loc["b", "consensus_tw"] == 1.0
    # same as computing from the hand-made shares
    assert table.loc["a", "consensus_tw"] == pytest.approx(
        tastle_wierman_consensus([0.25, 0, 0, 0, 0.75])[0]
    )

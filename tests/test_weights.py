"""Design weights (N_h/n_h)·(1/m_j), fpc, Kish efficiency and raking (methodology §§1, 8)."""

import numpy as np
import pandas as pd
import pytest

from anchoring.exceptions import DesignError
from anchoring.weights import design_weights, kish_efficiency, rake_weights


def _rows():
    return pd.DataFrame(
        {
            "stratum": ["a", "a", "a", "a", "b", "b"],
            "org_id": ["o1", "o1", "o1", "o2", "o3", "o4"],
        }
    )


def test_design_weights_by_hand():
    out = design_weights(_rows(), {"a": 10, "b": 4})
    # stratum a: N=10, n=2 organisations; o1 has 3 respondents: 10/2/3; o2 one: 10/2/1
    # stratum b: N=4, n=2; one respondent each: 4/2
    expected = [10 / 2 / 3] * 3 + [10 / 2, 4 / 2, 4 / 2]
    assert out["weight"].tolist() == pytest.approx(expected, rel=1e-15)
    assert out["fpc"].tolist() == [10, 10, 10, 10, 4, 4]
    assert out["fpc"].dtype == "int64"


def test_weights_of_a_stratum_sum_to_its_frame_size():
    rng = np.random.default_rng(7)
    rows = pd.DataFrame(
        {
            "stratum": rng.choice(["x", "y", "z"], 500),
            "org_id": rng.integers(0, 40, 500).astype(str),
        }
    )
    rows["org_id"] = rows["stratum"] + rows["org_id"]
    sizes = {"x": 50, "y": 80, "z": 45}
    out = design_weights(rows, sizes)
    # identity: Σ_j Σ_i (N_h/n_h)(1/m_j) = N_h
    totals = out["weight"].groupby(rows["stratum"]).sum()
    assert totals.to_dict() == pytest.approx(sizes, rel=1e-12)
    # each organisation counts once: its respondents' weights add up to N_h/n_h
    per_org = out["weight"].groupby([rows["stratum"], rows["org_id"]]).sum()
    n_h = rows.groupby("stratum")["org_id"].nunique()
    for (stratum, _), value in per_org.items():
        assert value == pytest.approx(sizes[stratum] / n_h[stratum], rel=1e-12)


def test_gps_are_their_own_psu():
    rows = pd.DataFrame({"stratum": ["gp:03"] * 3, "org_id": ["g:1", "g:2", "g:3"]})
    assert design_weights(rows, {"gp:03": 678})["weight"].tolist() == [226.0] * 3


def test_errors_for_unknown_strata_and_too_many_psus():
    with pytest.raises(DesignError, match="not in the sampling frame"):
        design_weights(_rows(), {"a": 10})
    with pytest.raises(DesignError, match="more responding organisations"):
        design_weights(_rows(), {"a": 1, "b": 4})


def test_kish_efficiency():
    assert kish_efficiency([2.0, 2.0, 2.0]) == 1.0
    # (1+3)² / (2·(1+9)) = 16/20
    assert kish_efficiency(np.array([1.0, 3.0])) == pytest.approx(0.8, rel=1e-15)
    assert np.isnan(kish_efficiency([]))


def test_raking_meets_both_margins():
    frame = pd.DataFrame({"county": ["a", "a", "b", "b"], "size": ["s", "l", "s", "l"]})
    weights = pd.Series([1.0, 1.0, 1.0, 1.0])
    margins = {"county": {"a": 30, "b": 70}, "size": {"s": 40, "l": 60}}
    raked = rake_weights(frame, weights, margins)
    assert raked.groupby(frame["county"]).sum().to_dict() == pytest.approx({"a": 30, "b": 70})
    assert raked.groupby(frame["size"]).sum().to_dict() == pytest.approx({"s": 40, "l": 60})
    with pytest.raises(DesignError, match="no population total"):
        rake_weights(frame, weights, {"county": {"a": 1}})

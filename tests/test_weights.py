"""Design weights (N_h/n_h)·(1/m_j), fpc, Kish efficiency and raking (methodology §§1, 8)."""

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from anchoring.exceptions import DesignError, FrameError
from anchoring.frames import load_frames
from anchoring.intake.round_config import EstimationSettings
from anchoring.survey import SurveyDesign
from anchoring.weights import design_weights, prepare_raking


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


def _raking_round(tmp_path, size_class=("small", "large")):
    """Two groups: six municipalities of two counties (one a size class column), two GPs."""
    frame = tmp_path / "kommuner.csv"
    lines = ["kommunenummer,kommunenavn,fylkesnummer,fylkesnavn,size_class"]
    for k in range(6):
        county = "11" if k < 3 else "15"
        lines.append(f"{1101 + k},K{k},{county},F{county},{size_class[k % 2]}")
    frame.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frames = load_frames({"municipality": frame})
    data = pd.DataFrame(
        {
            "group": ["municipality"] * 5 + ["gp"] * 2,
            "org_id": ["1101", "1102", "1102", "1104", "1105", "gp:1", "gp:2"],
            "stratum": ["municipality:11"] * 3 + ["municipality:15"] * 2 + ["gp:03"] * 2,
            "weight": [1.5, 0.75, 0.75, 1.5, 1.5, 300.0, 300.0],
        }
    )
    return data, frames


def test_raking_meets_the_frame_counts_and_keeps_other_groups(tmp_path):
    data, frames = _raking_round(tmp_path)
    rows, margins = prepare_raking(data, {"municipality": ["size_class"]}, frames)
    column = "margin__municipality__size_class"
    # each organisation of the frame counts once: 6 municipalities, 3 of them small, 3 large;
    # the GPs keep their 600; the first size class ("large") shares the reference level
    assert margins["margin__group"] == {"gp": 600.0, "municipality": 6.0}
    assert margins[column] == {"reference": 603.0, "municipality:small": 3.0}
    design = SurveyDesign(rows, weights="weight", psu="org_id", strata="stratum").rake(margins)
    raked = pd.Series(design.weights).groupby(rows["margin__group"].to_numpy()).sum()
    assert raked.to_dict() == pytest.approx(margins["margin__group"], rel=1e-9)
    small = (rows[column] == "municipality:small").to_numpy()
    assert design.weights[small].sum() == pytest.approx(3.0, rel=1e-9)
    np.testing.assert_allclose(design.weights[5:], [300.0, 300.0], rtol=1e-12)


def test_raking_to_two_margins_of_one_group(tmp_path):
    # two columns of one group: the other groups' rows must not repeat in both (collinear)
    data, frames = _raking_round(tmp_path)
    rows, margins = prepare_raking(data, {"municipality": ["fylkesnummer", "size_class"]}, frames)
    design = SurveyDesign(rows, weights="weight", psu="org_id", strata="stratum").rake(margins)
    is_municipality = (rows["group"] == "municipality").to_numpy()
    county = rows["stratum"].str.split(":").str[1].to_numpy()
    for code in ("11", "15"):  # three municipalities in each county of the frame
        chosen = is_municipality & (county == code)
        assert design.weights[chosen].sum() == pytest.approx(3.0, rel=1e-9)
    small = (rows["margin__municipality__size_class"] == "municipality:small").to_numpy()
    assert design.weights[small].sum() == pytest.approx(3.0, rel=1e-9)
    np.testing.assert_allclose(design.weights[~is_municipality], [300.0, 300.0], rtol=1e-12)


def test_raking_refuses_what_it_cannot_do(tmp_path):
    data, frames = _raking_round(tmp_path, size_class=("small", "tiny"))
    with pytest.raises(FrameError, match="no column 'size'"):
        prepare_raking(data, {"municipality": ["size"]}, frames)
    # the "tiny" municipalities are 1102, 1104, 1106: without 1102 and 1104 none answered
    data = data[data["org_id"] != "1102"].reset_index(drop=True)
    data = data[data["org_id"] != "1104"].reset_index(drop=True)
    with pytest.raises(DesignError, match="no respondents"):
        prepare_raking(data, {"municipality": ["size_class"]}, frames)


@pytest.mark.parametrize(
    ("estimation", "message"),
    [
        ({"weighting": "raked"}, "needs margins"),
        ({"margins": {"municipality": ["fylkesnummer"]}}, "would be ignored"),
        ({"weighting": "raked", "margins": {"gp": ["fylkesnummer"]}}, "margins.gp"),
    ],
)
def test_round_config_refuses_raking_without_usable_margins(estimation, message):
    with pytest.raises(ValidationError, match=message):
        EstimationSettings.model_validate(estimation)

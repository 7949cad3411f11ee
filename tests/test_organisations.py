"""Organisation ids onto the frame: zero padding, id maps, tolerant trust names, clear errors."""

import pandas as pd
import pytest

from anchoring.cleaning.organisations import (
    normalise_municipality_number,
    normalise_trust_name,
    resolve_organisations,
)
from anchoring.exceptions import FrameError
from anchoring.frames import load_frames
from anchoring.round_config import Source

FRAMES = load_frames()


def _source(group, org_id_map=None):
    return Source(id="src", group=group, file="x.csv", columns={}, org_id_map=org_id_map or {})


def test_municipality_numbers_regain_leading_zeros():
    assert normalise_municipality_number("301") == "0301"
    assert normalise_municipality_number("301.0") == "0301"
    assert normalise_municipality_number(" 4601 ") == "4601"
    assert normalise_municipality_number("0301 Oslo") == "0301"


def test_trust_names_fold_case_spacing_and_hf():
    assert normalise_trust_name("HELSE  BERGEN HF") == normalise_trust_name("helse bergen")
    assert normalise_trust_name("St. Olavs hospital HF") == "st olavs hospital"


def test_municipalities_resolve_with_padding_and_map():
    raw = pd.Series(["301", "4601", "1201", None], dtype="str")
    out = resolve_organisations(
        raw, _source("municipality", {"1201": "4601"}), FRAMES, "k.csv", "round.yaml"
    )
    assert out["org_id"].tolist()[:3] == ["0301", "4601", "4601"]
    assert out["stratum"].tolist()[:3] == ["municipality:03", "municipality:46", "municipality:46"]
    assert pd.isna(out["org_id"].tolist()[3])


def test_trusts_resolve_by_id_and_name():
    raw = pd.Series(
        ["helse bergen", "OUS", "Oslo universitetssykehus HF", "ST. OLAVS HOSPITAL"], dtype="str"
    )
    out = resolve_organisations(raw, _source("hospital"), FRAMES, "hf.xlsx", "round.yaml")
    assert out["org_id"].tolist() == ["HB", "OUS", "OUS", "STO"]
    assert out["stratum"].tolist() == [
        "hospital:HV",
        "hospital:HSO",
        "hospital:HSO",
        "hospital:HMN",
    ]


def test_gp_stratum_is_the_county_of_the_practice():
    raw = pd.Series(["301", "4601"], dtype="str")
    out = resolve_organisations(raw, _source("gp"), FRAMES, "gp.sav", "round.yaml")
    assert out["stratum"].tolist() == ["gp:03", "gp:46"]


def test_unknown_organisation_names_file_rows_value_and_fix():
    raw = pd.Series(["0301", "9999", "9999", "Helse Atlantis"], dtype="str")
    with pytest.raises(FrameError) as error:
        resolve_organisations(raw, _source("municipality"), FRAMES, "data/k.csv", "round.yaml")
    message = str(error.value)
    assert message.startswith("data/k.csv:")
    assert "'9999' in data row(s) 2, 3" in message
    assert "'Helse Atlantis' in data row(s) 4" in message
    assert "org_id_map" in message and "round.yaml" in message


def test_unknown_trust_is_an_error():
    with pytest.raises(FrameError, match="hospital trust frame"):
        resolve_organisations(
            pd.Series(["Helse Narnia HF"], dtype="str"),
            _source("hospital"),
            FRAMES,
            "hf.xlsx",
            "round.yaml",
        )

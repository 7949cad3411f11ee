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
from anchoring.intake.round_config import Source

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


def test_names_as_people_type_them_resolve():
    raw = pd.Series(
        ["Oslo kommune", "Hamar Kommune", "Bø (Nordland)", "Bø i Telemark", "Kautokeino", "3001"],
        dtype="str",
    )
    out = resolve_organisations(raw, _source("municipality"), FRAMES, "k.csv", "round.yaml")
    assert out["org_id"].tolist() == ["0301", "3403", "1867", "4020", "5612", "3101"]
    assert out["stratum"].tolist()[-1] == "municipality:31"


def test_org_id_map_wins_over_the_matcher():
    raw = pd.Series(["Herøy", "HERØY kommune", "Oslo", "1201"], dtype="str")
    source = _source("municipality", {"Herøy": "1818", "Oslo": "4601", "1201": "Bergen"})
    out = resolve_organisations(raw, source, FRAMES, "k.csv", "round.yaml")
    assert out["org_id"].tolist() == ["1818", "1818", "4601", "4601"]


def test_ambiguous_and_unknown_values_are_listed_with_candidates_and_fix():
    raw = pd.Series(["0301", "Herøy", "Atlantis", "Herøy", "Herøy", "Os"], dtype="str")
    raw.index = [0, 3, 5, 8, 10, 11]  # data rows 1, 4, 6, 9, 11, 12
    with pytest.raises(FrameError) as error:
        resolve_organisations(raw, _source("municipality"), FRAMES, "data/k.csv", "round.yaml")
    message = str(error.value)
    assert message.startswith("data/k.csv: 3 organisation value(s)")
    assert (
        "'Herøy' in data row(s) 4, 9, 11: ambiguous, one of 1515 Herøy (Møre og Romsdal), "
        "1818 Herøy (Nordland)"
    ) in message
    assert "'Os' in data row(s) 12: ambiguous, one of 3430 Os (Innlandet), 4624 Bjørnafjorden" in (
        message
    )
    assert "'Atlantis' in data row(s) 6: no municipality" in message
    assert "sources[src].org_id_map in round.yaml" in message
    assert "'0301'" not in message


def test_a_map_target_outside_the_frame_is_named():
    source = _source("hospital", {"Lovisenberg": "LDS"})
    with pytest.raises(FrameError, match="org_id_map maps it to 'LDS', which is not an id"):
        resolve_organisations(
            pd.Series(["Lovisenberg"], dtype="str"), source, FRAMES, "hf.xlsx", "round.yaml"
        )


def test_personal_data_in_a_value_is_masked_in_the_message():
    values = ["ola.nordmann@kommune.no", "912 34 567", "31129956715", "12345678901"]
    with pytest.raises(FrameError) as error:
        resolve_organisations(
            pd.Series(values, dtype="str"), _source("gp"), FRAMES, "gp.csv", "round.yaml"
        )
    message = str(error.value)
    for value in values:
        assert value not in message
    assert "[e-post]" in message and "[telefon]" in message
    assert message.count("[fødselsnummer]") == 2

"""Sampling frames: the packaged facts, and round-supplied overrides."""

from pathlib import Path

import pandas as pd
import pytest

from anchoring.exceptions import FrameError
from anchoring.frames import load_frames, qualify_stratum
from anchoring.frames.reference import load_reference_table, reference_source

FRAMES_DIR = Path(load_frames()["municipality"].path).parent


def test_municipality_frame_is_the_2024_classification():
    frame = load_frames()["municipality"]
    # SSB classification 131 in force from 2024-01-01: 357 municipalities in 15 counties.
    assert len(frame.units) == 357
    assert frame.strata["stratum"].nunique() == 15
    assert frame.psu_n()["municipality:03"] == 1  # Oslo is a county of one municipality
    assert frame.units["org_id"].str.fullmatch(r"\d{4}").all()
    assert (frame.units["org_id"].str[:2] == frame.units["stratum_code"]).all()
    assert not frame.is_illustrative


def test_hospital_frame_has_twenty_trusts_by_rhf():
    frame = load_frames()["hospital"]
    # Ministry of Health: Helse Sør-Øst 9, Helse Vest 4, Helse Midt-Norge 3, Helse Nord 4.
    assert frame.psu_n() == {
        "hospital:HSO": 9,
        "hospital:HV": 4,
        "hospital:HMN": 3,
        "hospital:HN": 4,
    }


def test_gp_frame_is_illustrative_and_totals_the_national_count():
    frame = load_frames()["gp"]
    assert frame.is_illustrative
    assert "ILLUSTRATIVE" in frame.source
    assert sum(frame.psu_n().values()) == 5224  # national GP count, October 2023
    assert not frame.lists_units


def test_frames_match_the_shared_reference_when_present(shared_reference):
    if shared_reference is None:
        pytest.skip("../shared/reference is absent; the packaged copy stands alone")
    shared = pd.read_csv(shared_reference / "helseforetak.csv", dtype=str)
    packaged = pd.read_csv(load_frames()["hospital"].path, dtype=str)
    pd.testing.assert_frame_equal(shared, packaged)
    for name in ("kommuner-2024-names.csv", "kommuner-history.csv"):  # unchanged copies
        shared = pd.read_csv(shared_reference / name, dtype=str, keep_default_na=False)
        packaged = pd.read_csv(FRAMES_DIR / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(shared, packaged)
    # the municipality frame is the shared one with the Norwegian name of every municipality
    shared = pd.read_csv(shared_reference / "kommuner-2024.csv", dtype=str)
    packaged = pd.read_csv(load_frames()["municipality"].path, dtype=str)
    names = pd.read_csv(shared_reference / "kommuner-2024-names.csv", dtype=str)
    norwegian = names[names["name_kind"] == "norwegian"].set_index("kommunenummer")["name"]
    renamed = shared.assign(kommunenavn=shared["kommunenummer"].map(norwegian))
    pd.testing.assert_frame_equal(renamed, packaged)
    changed = shared.loc[shared["kommunenavn"] != packaged["kommunenavn"], "kommunenummer"]
    assert len(changed) == 11  # listed under their Sami name only in the shared copy


def test_every_municipality_has_its_norwegian_name():
    units = load_frames()["municipality"].units
    names = load_reference_table("municipality_names")
    assert (names["name_kind"] == "norwegian").sum() == len(units) == 357
    norwegian = names[names["name_kind"] == "norwegian"].set_index("kommunenummer")["name"]
    assert units["org_name"].tolist() == units["org_id"].map(norwegian).tolist()
    assert units.set_index("org_id").loc["5612", "org_name"] == "Kautokeino"


def test_reference_tables_fit_the_frame():
    units = set(load_frames()["municipality"].units["org_id"])
    names = load_reference_table("municipality_names")
    history = load_reference_table("municipality_history")
    assert len(names) == 414 and set(names["kommunenummer"]) == units
    assert len(history) == 427 and set(history["new_number"]) <= units
    # every county number of a former municipality number is a 2024 county or a former one
    former = set(load_reference_table("former_counties")["fylkesnummer"])
    counties = {u[:2] for u in units}
    assert {n[:2] for n in history["old_number"]} <= counties | former
    assert not counties & former
    for table in ("municipality_names", "municipality_history", "trust_aliases"):
        meta = reference_source(table)
        assert meta["source"] and meta["holds_for"] == "2024-01-01", table


def test_override_replaces_a_frame(tmp_path):
    path = tmp_path / "gp.csv"
    path.write_text(
        "fylkesnummer,fylkesnavn,gp_n\n03,Oslo,700\n46,Vestland,600\n", encoding="utf-8"
    )
    frame = load_frames({"gp": path})["gp"]
    assert frame.psu_n() == {"gp:03": 700, "gp:46": 600}
    assert not frame.is_illustrative


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("fylkesnummer,fylkesnavn\n03,Oslo\n", "missing column"),
        ("fylkesnummer,fylkesnavn,gp_n\n03,Oslo,-4\n", "positive whole number"),
        ("fylkesnummer,fylkesnavn,gp_n\n03,Oslo,2.5\n", "positive whole number"),
        ("fylkesnummer,fylkesnavn,gp_n\n,Oslo,3\n", "is empty in data row 1"),
    ],
)
def test_broken_override_is_named(tmp_path, text, problem):
    path = tmp_path / "gp.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameError, match=problem) as info:
        load_frames({"gp": path})
    assert str(path) in str(info.value)


def test_unknown_group_and_missing_file(tmp_path):
    with pytest.raises(FrameError, match="unknown group"):
        load_frames({"pharmacy": tmp_path / "x.csv"})
    with pytest.raises(FrameError, match="not found"):
        load_frames({"hospital": tmp_path / "x.csv"})


def test_qualified_stratum():
    assert qualify_stratum("hospital", "HV") == "hospital:HV"

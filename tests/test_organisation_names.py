"""Organisations as people type them: every name form and former number, trusts by every alias."""

import pytest

from anchoring.frames import load_frames
from anchoring.frames.reference import load_reference_table
from anchoring.organisation_names import (
    KINDS,
    OrganisationMatcher,
    OrgMatch,
    fold_name,
    organisation_key,
)

FRAMES = load_frames()
MATCHER = OrganisationMatcher(FRAMES)
NAMES = load_reference_table("municipality_names")
HISTORY = load_reference_table("municipality_history")


@pytest.mark.parametrize(
    ("value", "kind", "org_id"),
    [
        ("Oslo kommune", "name", "0301"),
        ("Hamar Kommune", "name", "3403"),
        ("Karasjok kommune", "name", "5610"),
        ("Kautokeino", "name", "5612"),
        ("kautokeino kommune.", "name", "5612"),
        ("Guovdageaidnu", "name", "5612"),
        ("Guovdageaidnu - Kautokeino", "name", "5612"),
        ("Guovdageaidnu-Kautokeino", "name", "5612"),
        ("Hábmer - Hamarøy", "name", "1875"),
        ("Porsáŋgu", "name", "5622"),
        ("Porsanki", "name", "5622"),  # Kven
        ("  AURSKOG-HØLAND  ", "name", "3226"),
        ("Aurskog Høland", "name", "3226"),  # a hyphen typed as a space is spacing, not a typo
        ("Aurskog – Høland kommune", "name", "3226"),
        ("Tjeldsund", "name", "5512"),
        ("301", "id", "0301"),
        ("301.0", "id", "0301"),
        ("0301 Oslo", "id", "0301"),
        ("4601 - Bergen", "id", "4601"),
        ("Bø (Nordland)", "qualified", "1867"),
        ("Bø i Telemark", "qualified", "4020"),
        ("Våler i Østfold", "qualified", "3114"),
        ("Våler (Innlandet)", "name", "3419"),  # SSB's own form of the name
        ("Våler (Hedmark)", "qualified", "3419"),  # former county
        ("Herøy (Møre og Romsdal)", "name", "1515"),
        ("Herøy i Nordland", "qualified", "1818"),
        ("Os i Hedmark", "qualified", "3430"),
        ("Os (Hordaland)", "qualified", "4624"),
        ("Sande i Vestfold", "qualified", "3903"),
        ("3001", "historical", "3101"),
        ("5401", "historical", "5501"),
        ("1201", "historical", "4601"),
        ("1201 Bergen", "historical", "4601"),
        ("Skånland", "historical", "5512"),
        ("Kristiansan", "fuzzy", "4204"),
        ("Fredrikstadd kommune", "fuzzy", "3107"),
    ],
)
def test_municipalities_as_people_type_them(value, kind, org_id):
    match = MATCHER.match(value, "municipality")
    assert (match.kind, match.org_id, match.candidates) == (kind, org_id, (org_id,))
    assert match.note


@pytest.mark.parametrize(
    ("value", "candidates"),
    [
        ("Herøy", ("1515", "1818")),
        ("Våler", ("3114", "3419")),
        ("Os", ("3430", "4624")),  # 3430 Os, or the former 1243 Os (Hordaland) in Bjørnafjorden
        ("Sande", ("1514", "3903")),  # 1514 Sande, or the former 0713 Sande (Vestfold)
        ("Nes", ("3228", "3322")),  # 3228 Nes, or the former 0616 Nes (Buskerud) in Nesbyen
        ("Bø", ("1867", "4020")),
        ("Tysfjord", ("1806", "1875")),  # split in 2020
        ("1507", ("1508", "1580")),  # Ålesund split in 2024
        ("0301 Bergen", ("0301", "4601")),  # number and name disagree
    ],
)
def test_ambiguous_values_list_their_candidates(value, candidates):
    match = MATCHER.match(value, "municipality")
    assert (match.kind, match.org_id, match.candidates) == ("ambiguous", None, candidates)


def test_ambiguity_comes_from_the_data():
    # every base name (SSB's county qualifier dropped) that two municipalities share
    base = NAMES["name"].str.replace(r"\s*\(.*\)$", "", regex=True).map(fold_name)
    shared = NAMES.groupby(base)["kommunenummer"].agg(lambda ids: sorted(set(ids)))
    shared = shared[shared.map(len) > 1]
    assert len(shared) >= 2  # Herøy and Våler at least
    for name, ids in shared.items():
        match = MATCHER.match(name, "municipality")
        assert match.kind == "ambiguous" and set(ids) <= set(match.candidates), name


def test_every_name_form_resolves_to_its_number():
    for number, name in zip(NAMES["kommunenummer"], NAMES["name"], strict=True):
        for typed in (name, name.upper(), f"{name} kommune", f"  {name.lower()}  Kommune. "):
            match = MATCHER.match(typed, "municipality")
            assert match.org_id == number or (
                match.kind == "ambiguous" and number in match.candidates
            ), (typed, match)


def test_no_name_match_is_shared_silently():
    resolved = {}
    for name in NAMES["name"]:
        match = MATCHER.match(name, "municipality")
        if match.kind == "name":
            resolved.setdefault(fold_name(name), set()).add(match.org_id)
    assert all(len(ids) == 1 for ids in resolved.values())
    # and no name form of one municipality is a name form of another
    owners = NAMES.groupby(NAMES["name"].map(fold_name))["kommunenummer"].nunique()
    for name in owners[owners > 1].index:
        assert MATCHER.match(name, "municipality").kind == "ambiguous"


def test_every_former_number_and_name_leads_to_its_2024_number():
    targets = HISTORY.groupby("old_number")["new_number"].agg(set)
    for row in HISTORY.itertuples():
        for typed in (row.old_number, row.old_number.lstrip("0"), row.old_name):
            match = MATCHER.match(typed, "municipality")
            assert match.kind in ("id", "name", "qualified", "historical", "ambiguous")
            # a split municipality whose name lives on (1507 Ålesund → 1508 Ålesund, 1580 Haram):
            # the name is today's municipality of that name, one of the split's targets
            today = match.kind == "name" and match.org_id in targets[row.old_number]
            assert row.new_number in match.candidates or today, (typed, match)
        by_number = MATCHER.match(row.old_number, "municipality")
        assert by_number.kind in ("historical", "ambiguous")
        assert row.old_number in by_number.note and row.valid_to in by_number.note


def test_split_numbers_are_ambiguous_and_single_ones_are_not():
    targets = HISTORY.groupby("old_number")["new_number"].nunique()
    for number, n in targets.items():
        kind = MATCHER.match(number, "municipality").kind
        assert kind == ("historical" if n == 1 else "ambiguous"), number


def test_notes_explain_history_and_misspellings():
    assert MATCHER.match("3001", "municipality").note.startswith(
        "historical number 3001 (Halden, valid to 2023-12-31)"
    )
    tjeldsund = MATCHER.match("Tjeldsund", "municipality").note
    assert "1852" in tjeldsund and "1913 Skånland" in tjeldsund and "5412" in tjeldsund
    assert MATCHER.match("Guovdageaidnu", "municipality").note == "Sami name"
    assert MATCHER.match("Kristiansan", "municipality").note.startswith(
        "misspelling of Kristiansand (0."
    )


def test_unknown_and_fuzzy_limits():
    for value in ("9999", "Atlantis", "", "kommune", "Oslo Bergen Trondheim", "912 34 567"):
        match = MATCHER.match(value, "municipality")
        assert (match.kind, match.org_id, match.candidates) == ("unknown", None, ())
    # a single wrong letter in a short name is too far for the 0.9 cut-off
    assert MATCHER.match("Bo", "municipality").kind == "unknown"


def test_gps_match_their_practice_municipality():
    assert MATCHER.match("Oslo kommune", "gp").org_id == "0301"
    assert MATCHER.match("Herøy", "gp").kind == "ambiguous"


@pytest.mark.parametrize(
    ("value", "org_id"),
    [
        ("Helse Bergen HF (Haukeland)", "HB"),
        ("Sykehuset Østfold (Kalnes)", "SO"),
        ("UNN", "UNN"),
        ("Universitetssykehuset Nord-Norge", "UNN"),
        ("UNN Tromsø", "UNN"),
        ("OUS", "OUS"),
        ("Rikshospitalet", "OUS"),
        ("Ullevål", "OUS"),
        ("Ahus", "AHUS"),
        ("A-hus", "AHUS"),
        ("SUS", "SUS"),
        ("Helse Stavanger", "SUS"),
        ("St. Olavs", "STO"),
        ("St Olav", "STO"),
        ("St. Olavs hospital", "STO"),
        ("Haukeland", "HB"),
        ("Nordlandssykehuset", "NLSH"),
        ("Helse Bergen helseforetak", "HB"),
        ("Sykehuset Innlandet HF, Gjøvik", "SI"),
    ],
)
def test_trusts_by_names_people_use(value, org_id):
    match = MATCHER.match(value, "hospital")
    assert match.org_id == org_id and match.kind in ("id", "name"), match


def test_trusts_by_every_alias_id_and_name():
    aliases = load_reference_table("trust_aliases")
    units = FRAMES["hospital"].units
    assert set(aliases["hf_id"]) <= set(units["org_id"])
    typed = list(zip(aliases["alias"], aliases["hf_id"], strict=True))
    for org_id, name in zip(units["org_id"], units["org_name"], strict=True):
        typed += [(org_id, org_id), (org_id.lower(), org_id), (name, org_id)]
        typed += [(name.removesuffix(" HF"), org_id), (f"{name.upper()} (sykehus)", org_id)]
    for value, org_id in typed:
        match = MATCHER.match(value, "hospital")
        assert match.org_id == org_id and match.is_accepted, (value, match)


def test_trust_misspelling_and_unknown():
    assert MATCHER.match("Helse Stavangr", "hospital").kind == "fuzzy"
    assert MATCHER.match("Helse Narnia HF", "hospital").kind == "unknown"


def test_describe_candidates_for_init_round():
    herøy = MATCHER.match("Herøy", "municipality")
    assert MATCHER.describe_candidates(herøy) == (
        "1515 Herøy (Møre og Romsdal) or 1818 Herøy (Nordland)"
    )
    assert MATCHER.describe_candidates(MATCHER.match("Os", "municipality")) == (
        "3430 Os (Innlandet) or 4624 Bjørnafjorden (Vestland)"
    )
    assert MATCHER.describe("HB") == "HB Helse Bergen HF"


def test_match_many_matches_distinct_values_once():
    values = ["Oslo", "Herøy", None, "Oslo", float("nan"), "Kristiansan"]
    matches = MATCHER.match_many(values, "municipality")
    assert list(matches) == ["Oslo", "Herøy", "Kristiansan"]
    assert all(isinstance(m, OrgMatch) and m.kind in KINDS for m in matches.values())
    assert [m.needs_confirmation for m in matches.values()] == [False, False, True]


def test_a_round_frame_limits_the_candidates(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text(
        "kommunenummer,kommunenavn,fylkesnummer,fylkesnavn\n"
        "1818,Herøy (Nordland),18,Nordland\n4601,Bergen,46,Vestland\n",
        encoding="utf-8",
    )
    matcher = OrganisationMatcher(load_frames({"municipality": path}))
    assert matcher.match("Herøy", "municipality").org_id == "1818"
    assert matcher.match("1201", "municipality").org_id == "4601"
    assert matcher.match("Oslo", "municipality").kind == "unknown"


def test_org_id_map_keys():
    assert organisation_key("301", "municipality") == "0301"
    assert organisation_key("Herøy  Kommune", "gp") == "herøy"
    assert organisation_key("Helse Bergen HF", "hospital") == "helse bergen"

"""Typed cells: identities hashed (never «anonymous» as one person), ids stored safely."""

import pandas as pd

from anchoring.cleaning.cells import ANONYMOUS_IDENTITIES, identity_hashes, stored_respondent_ids


def test_equal_identities_hash_equal_whatever_their_case_and_spacing():
    hashes = identity_hashes(pd.Series(["Kari@Example.no", " kari@example.no ", "per@example.no"]))
    assert hashes[0] == hashes[1] != hashes[2]
    assert "kari" not in "".join(hashes)


def test_an_anonymous_response_has_no_identity():
    # Microsoft Forms writes «anonymous» in Email for every response of an anonymous form: two
    # of them are not the same person (else the later would drop the earlier as a resubmission)
    values = ["anonymous", "Anonymous", "", None, "kari@example.no"]
    hashes = identity_hashes(pd.Series(values, dtype="str"))
    assert hashes[:4].isna().all() and pd.notna(hashes[4])
    assert {"anonymous", "anonym"} <= ANONYMOUS_IDENTITIES


def test_respondent_ids_that_could_be_personal_data_are_hashed():
    ids = stored_respondent_ids(pd.Series(["R_abc", "kari@example.no", "01017012345"]), 3)
    assert ids[0] == "R_abc"
    assert ids[1].startswith("h") and "@" not in ids[1]
    assert ids[2].startswith("h") and ids[2] != "01017012345"


def test_forms_start_time_in_either_interface_language_gives_the_answer_time():
    from pathlib import Path

    from anchoring.cleaning.columns import start_time_column
    from anchoring.readers import RawTable

    for start in ("Start time", "Starttidspunkt"):
        frame = pd.DataFrame({"ID": ["1"], start: ["2026-03-02 09:00:00"]}, dtype="str")
        raw = RawTable(frame, Path("forms.xlsx"), "xlsx", tool="forms")
        assert start_time_column(raw) == start

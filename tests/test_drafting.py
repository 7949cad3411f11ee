"""Drafting a round.yaml: items by question text, metadata fields, answer label sets, numbers."""

from pathlib import Path

import pandas as pd

from anchoring.instrument import load_instrument
from anchoring.intake.drafting.answers import (
    draft_item_values,
    draft_number_values,
    draft_role_values,
    label_sets,
)
from anchoring.intake.drafting.fields import find_fields, tool_fields
from anchoring.intake.drafting.items import match_items, text_forms
from anchoring.readers import RawTable

INSTRUMENT = load_instrument()


def _raw(columns: dict, labels: dict | None = None, **kwargs) -> RawTable:
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})
    return RawTable(frame, Path("x.csv"), "csv", column_labels=labels or {}, **kwargs)


def _text(item_id: str) -> str:
    return INSTRUMENT.item(item_id).text["nb"]


def test_matrix_rows_match_by_their_statement_whatever_the_title():
    items = ["pll__kjennskap", "pll__nytte", "dho__ressurser", "kritisk_info__beredskap"]
    headers = {
        "pll__kjennskap": f"Hvor enig er du i påstandene om PLL?: {_text('pll__kjennskap')}",
        "pll__nytte": f"Hvor enig er du? - {_text('pll__nytte')}",
        "dho__ressurser": f"Ressurser: {_text('dho__ressurser')}",
        "kritisk_info__beredskap": _text("kritisk_info__beredskap"),
    }
    raw = _raw({h: ["1"] for h in headers.values()})
    mapping, notes = match_items(raw, list(headers.values()), INSTRUMENT)
    assert {i: mapping[i] for i in items} == headers
    assert not any(i in notes for i in items)  # exact statements need no confirmation


def test_own_organisation_wording_is_read_as_the_instruments():
    statement = _text("pll__ledelse").replace("vår organisasjon", "vår kommune")
    assert statement != _text("pll__ledelse")
    assert text_forms(f"Om PLL: {statement}")[-1].endswith(
        "organisasjon har drøftet og besluttet innføring av pll"
    )
    raw = _raw({statement: ["1"]})
    mapping, notes = match_items(raw, [statement], INSTRUMENT)
    assert mapping == {"pll__ledelse": statement} and "pll__ledelse" not in notes


def test_qualtrics_question_text_row_is_what_matches_not_the_export_tag():
    label = f"Hvor enig er du i følgende om PLL? - {_text('pll__medvirkning')}"
    raw = _raw({"Q3_6": ["4"]}, labels={"Q3_6": label})
    mapping, _ = match_items(raw, ["Q3_6"], INSTRUMENT)
    assert mapping == {"pll__medvirkning": "Q3_6"}


def test_qualtrics_metadata_by_its_documented_names_and_units():
    raw = _raw(
        {
            "StartDate": ["2026-03-02 09:00:00"],
            "EndDate": ["2026-03-02 09:10:00"],
            "Status": ["IP Address"],
            "Duration (in seconds)": ["600"],
            "Finished": ["True"],
            "RecordedDate": ["2026-03-02 09:10:01"],
            "ResponseId": ["R_1"],
            "RecipientEmail": ["ola@example.no"],
        },
        tool="qualtrics",
    )
    draft = tool_fields(raw)
    assert draft.columns == {
        "respondent_id": "ResponseId",
        "submitted_at": "RecordedDate",
        "answer_time_s": "Duration (in seconds)",
        "is_test": "Status",
        "is_complete": "Finished",
        "identity": "RecipientEmail",
    }
    assert "Survey Preview" in draft.lists["test_values"]
    assert draft.lists["complete_values"] == ["True", "1"]


def test_forms_completion_time_is_the_submission_and_anonymous_email_no_identity():
    columns = {
        "ID": ["1", "2"],
        "Start time": ["2026-03-02 09:00:00"] * 2,
        "Completion time": ["2026-03-02 09:10:00"] * 2,
        "Email": ["anonymous", "anonymous"],
        "Name": [None, None],
    }
    draft = tool_fields(_raw(columns, tool="forms"))
    assert draft.columns == {"respondent_id": "ID", "submitted_at": "Completion time"}
    columns["Email"] = ["kari@example.no", "per@example.no"]
    assert tool_fields(_raw(columns, tool="forms")).columns["identity"] == "Email"


def test_a_duration_without_unit_in_its_header_gets_one_from_its_values():
    for values, field in (
        (["612", "380", "905"], "answer_time_s"),
        (["612000", "380000"], "answer_time_ms"),
    ):
        raw = _raw({"Svartid": values})
        draft = find_fields(raw, INSTRUMENT, tool_fields(raw), set())
        assert draft.columns == {field: "Svartid"}
        assert "inferred from the values" in draft.notes[field]


def test_duration_in_seconds_is_never_drafted_as_milliseconds():
    raw = _raw({"Duration (in seconds)": ["61200"]})  # 17 hours: still seconds, the header says
    draft = find_fields(raw, INSTRUMENT, tool_fields(raw), set())
    assert draft.columns == {"answer_time_s": "Duration (in seconds)"}


def _items(labels: list[str]) -> RawTable:
    return _raw({"q1": labels, "q2": list(reversed(labels))})


def test_label_sets_are_recognised_and_drafted():
    cases = {
        ("Helt uenig", "Delvis uenig", "Verken enig eller uenig", "Delvis enig", "Helt enig"): {
            "Delvis uenig": 2,
            "Delvis enig": 4,
        },
        ("Svært uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Svært enig", "Vet ikke"): {
            "Svært uenig": 1,
            "Uenig": 2,
            "Enig": 4,
            "Svært enig": 5,
        },
        ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree", "N/A"): {
            "Disagree": 2,
            "Neutral": 3,
            "Agree": 4,
            "N/A": 9,
        },
    }
    for labels, expected in cases.items():
        draft = draft_item_values(_items(list(labels)), ["q1", "q2"], INSTRUMENT)
        assert draft.values == expected, labels
        assert "label set" in draft.note


def test_each_label_set_codes_its_points_in_order():
    sets, non_substantive = label_sets()
    for label_set in sets:
        assert sorted(label_set.codes.values()) == [1, 2, 3, 4, 5], label_set.id
    assert set(non_substantive.values()) == {8, 9}


def test_unmatched_answers_are_left_for_the_analyst():
    draft = draft_item_values(_items(["Helt enig", "Kanskje"]), ["q1"], INSTRUMENT)
    assert draft.values == {} and "'Kanskje'" in draft.note


def test_nettskjema_codes_8_and_9_are_a_guess_to_confirm_elsewhere_a_decision():
    values = {"q1": ["1", "5", "9", "8"]}
    nettskjema = draft_item_values(_raw(values, tool="nettskjema"), ["q1"], INSTRUMENT)
    assert nettskjema.values == {"9": 8, "8": 9} and "codebook" in nettskjema.note
    generic = draft_item_values(_raw(values), ["q1"], INSTRUMENT)
    assert generic.values == {} and "'8', '9' carry no label" in generic.decide


def test_roles_close_to_the_instruments_are_mapped_the_rest_are_other():
    raw = _raw(
        {"Rolle": ["Kommunalsjef for helse og omsorg", "Annet", "Kommuneoverlege", "Fysioterapeut"]}
    )
    draft = draft_role_values(raw, "Rolle", "municipality", INSTRUMENT)
    assert draft.values == {"Kommunalsjef for helse og omsorg": "helse_omsorgssjef"}
    assert "'Fysioterapeut'" in draft.note


def test_numbers_typed_as_text():
    draft = draft_number_values(_raw({"n": ["6", "ca 6", "7 leger", "5-6", "mange", "4,5"]}), "n")
    assert draft.values == {"7 leger": 7, "ca 6": 6}
    assert "'5-6'" in draft.note and "'mange'" in draft.note

"""The readers name the survey tool of an export and read each tool's layout right.

The exports are written by ``_tool_exports`` from each tool's documented convention, not by the
simulator; the expected values below come from the rows given to the writers.
"""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pyreadstat
import pytest

from _tool_exports import (
    AGREE_QUESTION,
    FORMS_LABELS,
    INSTRUMENT,
    NETTSKJEMA_LABELS,
    OSLO,
    QUALTRICS_LABELS,
    matrix_title,
    qualtrics_header_rows,
    write_forms_xlsx,
    write_intake_round,
    write_nettskjema_text_csv,
    write_qualtrics_csv,
    write_qualtrics_xlsx,
    write_questback_xlsx,
    write_surveyxact_csv,
)
from anchoring.exceptions import InputFileError
from anchoring.intake.round_config import Source
from anchoring.readers import TOOLS, detect_tool, read_export
from anchoring.readers.tools import import_id, is_qualtrics_header

ITEMS = INSTRUMENT.item_ids()
FIRST = INSTRUMENT.item(ITEMS[0])


def _rows(n: int, **extra) -> list[dict]:
    """``n`` answers with every code of the scale, one unanswered item each."""
    codes = [1, 2, 3, 4, 5, 8, 9]
    rows = []
    for i in range(n):
        started = dt.datetime(2026, 3, 2 + i, 9, 30, 15)
        items = {item: codes[(i + k) % len(codes)] for k, item in enumerate(ITEMS)}
        items[ITEMS[-1]] = None
        rows.append(
            {
                "org": ["Oslo kommune", "Bø i Telemark", "Herøy"][i % 3],
                "role": "Kommuneoverlege",
                "items": items,
                "barriers": f"Tekst {i}",
                "started": started,
                "submitted": started + dt.timedelta(minutes=12, seconds=i),
                "practice_size": "ca 6" if i == 0 else str(i + 2),
                "email": f"person{i}@example.no",
                "response_id": f"R_fixture{i:08d}",
                **extra,
            }
        )
    return rows


def _source(path, **options) -> Source:
    return Source(id="s", group="gp", file=path.name, columns={}, **options)


# --- detection of every tool ------------------------------------------------------------------


def test_intake_round_exports_are_read_and_their_tools_named(tmp_path):
    planted = write_intake_round(tmp_path, seed=14)
    for name in ("kommuner.csv", "helseforetak.xlsx", "fastleger.csv"):
        table = read_export(tmp_path / name)
        assert table.tool == planted[name]["tool"], name
        assert table.metadata()["tool"] == table.tool
        assert table.rows_read == planted[name]["rows"], name
        assert table.header_row == 1
    assert [planted[n]["rows"] for n in ("kommuner.csv", "helseforetak.xlsx", "fastleger.csv")] == [
        40,
        25,
        40,
    ]


def test_intake_round_planted_rows_are_where_it_says(tmp_path):
    planted = write_intake_round(tmp_path, seed=3)
    municipal = read_export(tmp_path / "kommuner.csv").frame
    (test,) = planted["kommuner.csv"]["test"]
    barrier = INSTRUMENT.barrier_text["nb"]
    assert "TEST" in municipal.loc[test - 1, barrier]
    start = planted["fieldwork"][0].isoformat()
    assert municipal.loc[test - 1, "$created"] < start <= municipal["$created"].iloc[1:].min()
    assert municipal["$submission_id"].iloc[test - 1] == planted["kommuner.csv"]["ids"]["test"][0]
    role = INSTRUMENT.background_text["role"]["nb"]
    assert municipal[role].iloc[planted["kommuner.csv"]["role_other"][0] - 1] == "Annet"

    trusts = read_export(tmp_path / "helseforetak.xlsx").frame
    first, again = (n - 1 for n in planted["helseforetak.xlsx"]["resubmission"])
    assert trusts.loc[first, "Email"] == trusts.loc[again, "Email"]
    assert trusts["Email"].duplicated().sum() == 1
    assert trusts.loc[first, "Completion time"] < trusts.loc[again, "Completion time"]
    assert trusts["ID"].tolist() == [str(n) for n in range(1, 26)]

    gps = read_export(tmp_path / "fastleger.csv").frame
    (preview,) = planted["fastleger.csv"]["preview"]
    assert gps.loc[preview - 1, "Status"] == "Survey Preview"
    assert (gps["Status"] == "Survey Preview").sum() == 1
    unfinished = [n - 1 for n in planted["fastleger.csv"]["unfinished"]]
    assert gps.index[gps["Finished"] == "False"].tolist() == unfinished
    assert (
        gps.loc[unfinished, "ResponseId"].tolist() == planted["fastleger.csv"]["ids"]["unfinished"]
    )
    (size,) = planted["fastleger.csv"]["practice_size_text"]
    assert gps.loc[size - 1, "Q3"] == "ca 6"


def test_intake_round_is_deterministic(tmp_path):
    first = write_intake_round(tmp_path / "a", seed=5)
    second = write_intake_round(tmp_path / "b", seed=5)
    assert first == second
    for name in ("kommuner.csv", "fastleger.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_nettskjema_without_codebook_reads_text_headers_labels_and_checkboxes(tmp_path):
    rows = _rows(4, measures_started=("pll",))
    table = read_export(write_nettskjema_text_csv(tmp_path / "ns.csv", rows))
    assert (table.format, table.tool, table.rows_read) == ("nettskjema", "nettskjema-text", 4)
    statement = f"{matrix_title(FIRST.measure)}: {FIRST.text['nb']}"
    expected = [NETTSKJEMA_LABELS[r["items"][FIRST.id]] for r in rows]
    assert table.frame[statement].tolist() == expected
    checkbox = f"Hvilke tiltak har dere startet å innføre?: {INSTRUMENT.measure('pll').short['nb']}"
    assert table.frame[checkbox].tolist() == ["1"] * 4
    assert table.frame["$answer_time_ms"].tolist() == [str((12 * 60 + i) * 1000) for i in range(4)]
    created = rows[0]["submitted"].replace(tzinfo=OSLO).isoformat()
    assert table.frame.loc[0, "$created"] == created
    assert pd.isna(
        table.frame.loc[0, f"{matrix_title('dho')}: {INSTRUMENT.item(ITEMS[-1]).text['nb']}"]
    )


def test_nettskjema_with_codebook_is_named_so(tmp_path):
    path = tmp_path / "ns.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(["$submission_id", "$created", "kommune", "pll_nytte", "$answer_time_ms"])
        writer.writerow(["11", "2026-03-02T10:00:00+01:00", "0301", "4", "120000"])
    assert read_export(path).tool == "nettskjema"
    # the same report configured as a plain CSV is still Nettskjema's
    assert read_export(path, _source(path, format="csv")).tool == "nettskjema"


@pytest.mark.parametrize(
    ("language", "start", "completion"),
    [("en", "Start time", "Completion time"), ("nb", "Starttidspunkt", "Fullføringstidspunkt")],
)
def test_forms_workbook_dates_are_iso_text_and_statements_are_headers(
    tmp_path, language, start, completion
):
    rows = _rows(3)
    table = read_export(write_forms_xlsx(tmp_path / "forms.xlsx", rows, language=language))
    assert (table.format, table.tool, table.header_row, table.rows_read) == ("xlsx", "forms", 1, 3)
    assert table.frame[start].tolist() == [r["started"].isoformat() for r in rows]
    assert table.frame[completion].tolist() == [r["submitted"].isoformat() for r in rows]
    # one column per statement, headed by its text; the first worded «vår kommune»
    variant = FIRST.text["nb"].replace("vår organisasjon", "vår kommune")
    assert variant != FIRST.text["nb"]
    assert table.frame[variant].tolist() == [FORMS_LABELS[r["items"][FIRST.id]] for r in rows]
    second = INSTRUMENT.item(ITEMS[1]).text["nb"]
    assert table.frame[second].tolist() == [FORMS_LABELS[r["items"][ITEMS[1]]] for r in rows]


def test_forms_is_recognised_by_its_first_columns_only(tmp_path):
    path = tmp_path / "nearly.csv"
    path.write_text("Start time;ID;Completion time\n1;2;3\n", encoding="utf-8")
    assert read_export(path).tool == "generic"
    path.write_text("id;start time;completion time;Spørsmål\n1;2;3;4\n", encoding="utf-8")
    assert read_export(path).tool == "forms"


def test_sav_is_spss(tmp_path):
    path = tmp_path / "x.sav"
    pyreadstat.write_sav(pd.DataFrame({"q1": [1.0, 2.0]}), str(path))
    table = read_export(path)
    assert table.tool == "spss" and detect_tool(table) == "spss"
    assert table.tool in TOOLS


@pytest.mark.parametrize("writer", [write_questback_xlsx, write_surveyxact_csv])
def test_generic_exports_read_with_question_text_headers(tmp_path, writer):
    rows = _rows(3)
    suffix = ".xlsx" if writer is write_questback_xlsx else ".csv"
    table = read_export(writer(tmp_path / f"generic{suffix}", rows))
    assert table.tool == "generic" and table.import_ids == {}
    assert table.rows_read == 3
    assert table.header_row == (3 if suffix == ".xlsx" else 1)  # Questback: a title row above
    answers = table.frame[FIRST.text["nb"]].tolist()
    if suffix == ".xlsx":
        assert answers == [NETTSKJEMA_LABELS[r["items"][FIRST.id]] for r in rows]
    else:
        assert table.encoding == "windows-1252" or table.encoding == "iso-8859-1"
        assert answers == [str(r["items"][FIRST.id]) for r in rows]


# --- Qualtrics' three header rows -------------------------------------------------------------


def _assert_qualtrics(table, rows, labels=QUALTRICS_LABELS):
    assert table.tool == "qualtrics"
    assert table.header_row == 1
    assert table.rows_read == len(rows)
    # the question text and ImportId rows are header rows, never data
    assert not table.frame["StartDate"].isin(["Start Date"]).any()
    assert not table.frame.apply(lambda c: c.str.startswith('{"ImportId"', na=False)).any().any()
    assert table.frame["ResponseId"].tolist() == [r["response_id"] for r in rows]
    assert table.frame["StartDate"].iloc[0] == rows[0]["started"].strftime("%Y-%m-%d %H:%M:%S")
    names, texts, ids = qualtrics_header_rows()
    assert list(table.frame.columns) == names
    assert table.column_labels["Q4_1"] == f"{AGREE_QUESTION} - {FIRST.text['nb']}"
    assert table.column_labels["Status"] == "Response Type"
    assert table.import_ids["StartDate"] == "startDate"
    assert table.import_ids["ResponseId"] == "_recordId"
    assert table.import_ids["Q4_1"] == "QID4_1"
    assert len(table.import_ids) == len(names) == len(texts) == len(ids)
    answer = [r["items"][FIRST.id] for r in rows]
    expected = [str(a) for a in answer] if labels is None else [labels[a] for a in answer]
    assert table.frame["Q4_1"].tolist() == expected


@pytest.mark.parametrize("numeric", [False, True])
def test_qualtrics_csv_header_rows_become_names_labels_and_import_ids(tmp_path, numeric):
    rows = _rows(5)
    table = read_export(write_qualtrics_csv(tmp_path / "q.csv", rows, numeric=numeric))
    assert (table.format, table.encoding, table.delimiter) == ("csv", "utf-8-sig", ",")
    _assert_qualtrics(table, rows, None if numeric else QUALTRICS_LABELS)
    assert table.frame["Finished"].tolist() == (["1"] * 5 if numeric else ["True"] * 5)
    assert table.frame["Duration (in seconds)"].tolist() == [str(12 * 60 + i) for i in range(5)]


def test_qualtrics_xlsx_has_the_same_header_rows(tmp_path):
    rows = _rows(4)
    table = read_export(write_qualtrics_xlsx(tmp_path / "q.xlsx", rows))
    assert table.format == "xlsx"
    _assert_qualtrics(table, rows)


@pytest.mark.parametrize("options", [{"format": "csv"}, {"format": "csv", "header_row": 1}, {}])
def test_qualtrics_with_format_csv_reads_the_same(tmp_path, options):
    rows = _rows(3)
    path = write_qualtrics_csv(tmp_path / "q.csv", rows)
    detected = read_export(path)
    configured = read_export(path, _source(path, **options))
    pd.testing.assert_frame_equal(configured.frame, detected.frame)
    assert configured.metadata() == detected.metadata()
    assert configured.column_labels == detected.column_labels
    assert configured.import_ids == detected.import_ids
    _assert_qualtrics(configured, rows)


def test_a_configured_header_row_still_wins(tmp_path):
    # the old workaround, header_row: 3 (the ImportId row as names), reads as configured
    rows = _rows(3)
    path = write_qualtrics_csv(tmp_path / "q.csv", rows)
    table = read_export(path, _source(path, format="csv", header_row=3))
    assert table.header_row == 3 and table.rows_read == 3
    assert table.frame.columns[0] == '{"ImportId":"startDate","timeZone":"Europe/Oslo"}'
    assert table.tool == "generic" and table.import_ids == {}


def test_qualtrics_question_text_spanning_lines_is_one_header_row(tmp_path):
    names, texts, ids = qualtrics_header_rows()
    texts[names.index("Q9")] = "Hva er de viktigste barrierene?\nSkriv fritt."
    path = tmp_path / "q.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerows([names, texts, ids])
        for i in range(3):
            writer.writerow([f"{name}-{i}" for name in names])
    table = read_export(path)
    assert table.tool == "qualtrics" and table.rows_read == 3
    assert table.frame["ResponseId"].tolist() == [f"ResponseId-{i}" for i in range(3)]
    assert table.column_labels["Q9"] == "Hva er de viktigste barrierene? Skriv fritt."


def test_qualtrics_data_rows_are_numbered_from_one_in_errors(tmp_path):
    rows = _rows(3)
    path = write_qualtrics_csv(tmp_path / "q.csv", rows)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0]  # data row 2 loses its last field
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(InputFileError, match="data row 2 does not have"):
        read_export(path)


def test_a_generic_csv_with_a_json_cell_is_not_qualtrics(tmp_path):
    path = tmp_path / "plain.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Kommune", "Svar", "Merknad"])
        writer.writerow(["Bærum", "Helt enig", "ok"])
        writer.writerow(["Ås", "Litt enig", '{"ImportId":"QID1"}'])
        writer.writerow(["Hamar", "Vet ikke", ""])
    table = read_export(path)
    assert table.tool == "generic" and table.import_ids == {}
    assert table.rows_read == 3
    assert table.column_labels == {"Kommune": "Kommune", "Svar": "Svar", "Merknad": "Merknad"}


def test_qualtrics_signature_helpers():
    assert import_id('{"ImportId":"QID3_1"}') == "QID3_1"
    assert import_id('{"ImportId":"startDate","timeZone":"Europe/Oslo"}') == "startDate"
    for cell in (None, "", "QID3_1", "{not json}", '{"id": 1}', "[1]"):
        assert import_id(cell) is None
    names, texts, ids = qualtrics_header_rows()
    data = ["x"] * len(names)
    assert is_qualtrics_header([names, texts, ids, data], 0)
    assert not is_qualtrics_header([names, texts, ids], 0)  # no data row after them
    assert not is_qualtrics_header([names, texts, data, data], 0)
    assert not is_qualtrics_header([["t"], names, texts, ids, data], 0)
    assert is_qualtrics_header([["t"], names, texts, ids, data], 1)

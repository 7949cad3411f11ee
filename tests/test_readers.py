"""Readers on real files written by the libraries users' tools use (csv, openpyxl, pyreadstat)."""

import csv
import datetime as dt

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from anchoring.exceptions import InputFileError
from anchoring.readers import detect_format, read_export
from anchoring.readers.detect import detect_delimiter, detect_encoding
from anchoring.round_config import Source

HEADER = ["Kommune", "Spørsmål 1", "Svartid"]
ROWS = [["Bærum", "Hverken enig eller uenig", "12,5"], ["Ås", "Litt enig", "3,25"]]


def _write_csv(path, encoding, delimiter=";", title=None, rows=ROWS, header=HEADER):
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)


def test_nettskjema_report_quoted_with_empty_answers_and_newlines(tmp_path):
    path = tmp_path / "nettskjema.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(["$submission_id", "$created", "$answer_time_ms", "pll_nytte", "tekst"])
        writer.writerow(["11", "2026-03-02T10:00:00+01:00", "120000", "3", "linje 1\nlinje 2"])
        writer.writerow(["12", "2026-03-02T11:00:00+01:00", "90000", "", ""])
    table = read_export(path)
    assert table.format == "nettskjema"
    assert (table.encoding, table.delimiter, table.header_row, table.rows_read) == (
        "utf-8",
        ";",
        1,
        2,
    )
    assert table.frame.loc[0, "tekst"] == "linje 1\nlinje 2"
    # an unanswered item (empty string in the export) is missing, not ""
    assert pd.isna(table.frame.loc[1, "pll_nytte"])
    assert table.frame["$submission_id"].tolist() == ["11", "12"]


@pytest.mark.parametrize(
    ("encoding", "title", "expected"),
    [
        ("utf-8", None, "utf-8"),
        ("utf-8-sig", None, "utf-8-sig"),
        # «–» (0x96) exists only in Windows-1252: it decides between the single-byte encodings
        ("cp1252", "Rapport – forankring", "windows-1252"),
        ("latin-1", None, "iso-8859-1"),
    ],
)
def test_csv_encodings_detected_and_reported(tmp_path, encoding, title, expected):
    path = tmp_path / "export.csv"
    _write_csv(path, encoding, title=title)
    table = read_export(path)
    assert table.format == "csv"
    assert table.encoding == expected
    assert list(table.frame.columns) == HEADER
    assert table.frame["Kommune"].tolist() == ["Bærum", "Ås"]
    assert table.header_row == (2 if title else 1)
    assert table.decimal == ","
    assert table.metadata()["rows_read"] == 2


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiters(tmp_path, delimiter):
    path = tmp_path / "export.txt"
    rows = [["Bærum", "Litt enig", "12.5"], ["Ås", "Helt enig, nesten", "3.25"]]
    _write_csv(path, "utf-8", delimiter=delimiter, rows=rows)
    table = read_export(path)
    assert table.delimiter == delimiter
    assert table.frame["Spørsmål 1"].tolist() == ["Litt enig", "Helt enig, nesten"]
    assert table.decimal == "."


def test_configured_settings_override_detection(tmp_path):
    path = tmp_path / "export.csv"
    _write_csv(path, "latin-1", title="Tittel")
    source = Source(
        id="s",
        group="municipality",
        file=path.name,
        columns={},
        format="csv",
        encoding="iso-8859-1",
        delimiter=";",
        header_row=2,
    )
    table = read_export(path, source)
    assert (table.encoding, table.header_row) == ("iso-8859-1", 2)


def test_xlsx_with_title_rows_finds_the_header(tmp_path):
    path = tmp_path / "hf.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Forankringsundersøkelsen 2026"])
    sheet.append(["Eksportert fra Questback"])
    sheet.append([])
    sheet.append(["ID", "Fullført", "Helseforetak", "Det er riktig å prioritere PLL nå."])
    sheet.append([1, dt.datetime(2026, 3, 2, 10, 15), "HELSE BERGEN", "Litt enig"])
    sheet.append([2, dt.datetime(2026, 3, 3, 9, 0), "ous hf", 4])
    sheet.append([None, None, None, None])
    book.save(path)
    table = read_export(path)
    assert table.format == "xlsx"
    assert table.header_row == 4
    assert table.rows_read == 2  # the trailing empty row is not a data row
    assert table.frame["ID"].tolist() == ["1", "2"]
    assert table.frame["Fullført"].tolist() == ["2026-03-02T10:15:00", "2026-03-03T09:00:00"]
    assert table.frame["Det er riktig å prioritere PLL nå."].tolist() == ["Litt enig", "4"]


def test_sav_keeps_value_labels_and_user_missing(tmp_path):
    path = tmp_path / "gp.sav"
    frame = pd.DataFrame({"kommnr": [301.0, 4601.0, 1103.0], "q1": [4.0, 9.0, None]})
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"q1": {4.0: "Litt enig", 9.0: "Vet ikke"}},
        missing_ranges={"q1": [9.0]},
        column_labels=["Kommunenummer", "Vi vet hva PLL betyr"],
    )
    table = read_export(path)
    assert table.format == "sav"
    # the number lost its leading zero in SPSS; the reader keeps the digits as text
    assert table.frame["kommnr"].tolist() == ["301", "4601", "1103"]
    # the user-missing «Vet ikke» stays its code, distinct from the system-missing answer
    assert table.frame["q1"].tolist()[:2] == ["4", "9"]
    assert pd.isna(table.frame.loc[2, "q1"])
    assert table.value_labels["q1"] == {"4": "Litt enig", "9": "Vet ikke"}
    assert table.user_missing["q1"] == ("9",)
    assert table.column_labels["q1"] == "Vi vet hva PLL betyr"


def test_detect_format_from_content_not_only_name(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    path = tmp_path / "export.dat"
    book.save(path)
    assert detect_format(path) == "xlsx"
    text = tmp_path / "r.txt"
    text.write_text('"$submission_id";"x"\n"1";"2"\n', encoding="utf-8")
    assert detect_format(text) == "nettskjema"


def test_detect_helpers():
    assert detect_encoding("Bærum".encode()) == "utf-8"
    assert detect_encoding("Bærum".encode("latin-1")) == "iso-8859-1"
    assert detect_encoding("Bærum – Ås".encode("cp1252")) == "windows-1252"
    assert detect_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\xef\xbb\xbf  \n\n", "is empty"),
        ("header_only.csv", b"a;b;c\n", "no data rows"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable .xlsx"),
        ("broken.sav", b"$FL2 not really spss", "not a readable SPSS"),
        ("repeated.csv", b"a;a;b\n1;2;3\n", "repeats column name"),
    ],
)
def test_bad_files_name_the_file(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError) as error:
        read_export(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_missing_file_names_it(tmp_path):
    with pytest.raises(InputFileError, match="file not found") as error:
        read_export(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in str(error.value)


def test_wrong_encoding_in_config_is_reported(tmp_path):
    path = tmp_path / "export.csv"
    _write_csv(path, "latin-1")
    source = Source(id="s", group="municipality", file=path.name, columns={}, encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot decode the file as utf-8") as error:
        read_export(path, source)
    assert "Set 'encoding'" in str(error.value)


def test_utf16_with_bom_is_detected(tmp_path):
    path = tmp_path / "export.txt"
    _write_csv(path, "utf-16", delimiter="\t")
    table = read_export(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.frame["Kommune"].tolist() == ["Bærum", "Ås"]


def test_mixed_encodings_are_refused_with_the_line(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("Kommune;Svar\nBærum;Litt enig\n".encode() + "Ås;Helt enig\n".encode("cp1252"))
    with pytest.raises(InputFileError, match="mixed text encodings") as error:
        read_export(path)
    assert "line 3" in str(error.value) and "encoding" in str(error.value)


def test_unclosed_quote_names_the_row(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('a;b\n1;"x\n2;y\n3;z\n', encoding="utf-8")
    with pytest.raises(InputFileError, match="never closed") as error:
        read_export(path)
    assert "data row 1" in str(error.value) and "quote.csv" in str(error.value)


def test_cells_of_only_spaces_are_missing(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text('a;b\n1;"   "\n2;x\n', encoding="utf-8")
    table = read_export(path)
    assert pd.isna(table.frame.loc[0, "b"])
    assert table.frame.loc[1, "b"] == "x"


def test_damaged_xlsx_is_a_project_error(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    data = bytearray(good.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 40] = b"\x00" * 40
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputFileError) as error:
        read_export(bad)
    assert "bad.xlsx" in str(error.value)


def test_values_spanning_lines_parse_the_same_whichever_attempt_comes_first(tmp_path):
    # the sample decides which Arrow chunker is tried first; both give the same table
    from anchoring.readers.csv_export import _parse, _quoted_newlines

    rows = [[str(i), f"linje {i}\nneste" if i % 7 == 0 else f"tekst {i}"] for i in range(5000)]
    path = tmp_path / "x.csv"
    _write_csv(path, "utf-8", rows=rows, header=["id", "tekst"])
    data = path.read_bytes()
    sample = data.decode("utf-8")
    assert _quoted_newlines(sample, ";") and not _quoted_newlines("a;b\r\n1;2\r\n", ";")
    first = _parse(path, data, ";", ["id", "tekst"], 1, multiline_first=True)
    second = _parse(path, data, ";", ["id", "tekst"], 1, multiline_first=False)
    assert first.equals(second) and first.num_rows == 5000
    assert first["tekst"][7].as_py() == "linje 7\nneste"

"""Readers on real files written by the libraries users' tools use (csv, openpyxl, pyreadstat)."""

import csv
import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest
import yaml

from _cleaning_fixtures import write_small_round
from anchoring.exceptions import InputFileError
from anchoring.intake.round_config import Source
from anchoring.readers import RawTable, detect_format, read_export, read_xlsx
from anchoring.readers.detect import detect_delimiter, detect_encoding, find_header_index
from anchoring.readers.excel import cell_text
from anchoring.simulate import simulate_round

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


# --- xlsx: the calamine reader gives what the openpyxl reader gave ------------------------------


def _openpyxl_reference_read_xlsx(path, sheet=None, header_row=None):  # noqa: C901 (as it was)
    """REFERENCE ONLY: ``read_xlsx`` as it was with openpyxl (commit e6573fc), the known-good.

    The package now reads workbooks with python-calamine; every xlsx test below builds a workbook
    and asserts that ``read_xlsx`` returns what this function returns (or raises the same error).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(
            f"{path}: file not found. Put the export in the round's raw folder "
            "or fix 'file' in round.yaml."
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputFileError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}). "
            "Open it in Excel and save it as .xlsx again."
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            worksheet = book[names[0]]
        elif isinstance(sheet, int) and 0 <= sheet < len(names):
            worksheet = book[names[sheet]]
        elif isinstance(sheet, str) and sheet in names:
            worksheet = book[sheet]
        else:
            raise InputFileError(
                f"{path}: no sheet {sheet!r} (sheets: {names}). Fix 'sheet' in round.yaml."
            )
        rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(
            f"{path}: the workbook is damaged ({type(exc).__name__} while reading the sheet). "
            "Open it in Excel and save it as .xlsx again."
        ) from None
    finally:
        book.close()
    while rows and all(cell_text(v) is None for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputFileError(
            f"{path}: sheet '{worksheet.title}' is empty. Export the survey again."
        )
    index = find_header_index(rows[:30]) if header_row is None else header_row - 1
    if index >= len(rows):
        raise InputFileError(
            f"{path}: header row {index + 1} is past the last row "
            f"({len(rows)}). Fix 'header_row' in round.yaml."
        )
    header = rows[index]
    while header and cell_text(header[-1]) is None:
        header = header[:-1]
    names = [" ".join((cell_text(v) or f"column_{i + 1}").split()) for i, v in enumerate(header)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputFileError(
            f"{path}: the header repeats column name(s) {repeated}. Rename them "
            "in the survey tool and export again, or set 'header_row'."
        )
    body = rows[index + 1 :]
    if not body:
        raise InputFileError(
            f"{path}: sheet '{worksheet.title}' has a header (row {index + 1}) but no data rows."
        )
    columns = {
        name: [cell_text(r[i]) if i < len(r) else None for r in body]
        for i, name in enumerate(names)
    }
    return RawTable(
        frame=pd.DataFrame(columns, dtype="str").iloc[:, : len(names)],
        path=path,
        format="xlsx",
        header_row=index + 1,
        sheet=worksheet.title,
        column_labels={n: n for n in names},
        sheets=tuple(book.sheetnames),
    )


def _library_neutral(message):
    """An error message without the name of the library's exception (``BadZipFile``, ...).

    A damaged workbook fails in openpyxl's code or in calamine's, with their own exception
    classes; the message names the class in parentheses, the rest is the same.
    """
    return re.sub(r"\(\w+( while reading the sheet)?\)", "(...)", message)


def _assert_reads_as_reference(path, **options):
    """``read_xlsx`` gives the reference's table, or raises its error with the same message."""
    try:
        expected = _openpyxl_reference_read_xlsx(path, **options)
    except InputFileError as error:
        with pytest.raises(InputFileError) as got:
            read_xlsx(path, **options)
        assert _library_neutral(str(got.value)) == _library_neutral(str(error))
        return None
    table = read_xlsx(path, **options)
    pd.testing.assert_frame_equal(table.frame, expected.frame)
    assert table.frame.columns.tolist() == expected.frame.columns.tolist()
    for name in ("format", "header_row", "sheet", "sheets", "column_labels", "path"):
        assert getattr(table, name) == getattr(expected, name), name
    assert table.metadata() == expected.metadata()
    return table


def _rewrite_parts(path, edit):
    """Rewrite a saved workbook's zip members through ``edit(name, text) -> text``."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename.endswith((".xml", ".rels")):
                data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
            archive.writestr(info.filename, data)


def _cache_results(path, part, results):
    """Give formula cells the cached results Excel saves with them (openpyxl saves none).

    ``results`` maps a cell reference to ``(t, value)``: ``("e", "#DIV/0!")`` is an error,
    ``("str", "ab")`` a text result, ``("n", "42")`` a number.
    """

    def edit(name, xml):
        if name != part:
            return xml
        for ref, (kind, value) in results.items():
            cell = rf'<c r="{ref}"><f>(.*?)</f><v\s*/></c>'
            xml, n = re.subn(cell, rf'<c r="{ref}" t="{kind}"><f>\1</f><v>{value}</v></c>', xml)
            assert n == 1, ref
        return xml

    _rewrite_parts(path, edit)


HEADER_XLSX = ["ID", "Fullført", "Dato", "Tid", "Varighet", "Andel", "Stor", "Samtykke", "Svar"]
HEADER_XLSX += ["Kommentar", "Feil", "Formel"]


def _rich_workbook(path):
    """Title rows, a used range from C2, two sheets, every kind of cell value, merged cells."""
    book = openpyxl.Workbook()
    book.active.title = "Forside"
    book.active["B2"] = "Les meg først"
    sheet = book.create_sheet("Svar")
    sheet["C2"] = "Forankringsundersøkelsen 2026 – helseforetak"
    sheet.merge_cells("C2:F2")
    sheet["C3"] = "Eksportert 05.10.2026"
    for j, name in enumerate(HEADER_XLSX):
        sheet.cell(row=5, column=3 + j, value=name)
    first = [1, dt.datetime(2026, 3, 2, 10, 15, 30), dt.datetime(2026, 3, 2), dt.time(9, 30)]
    second = [2.0, dt.datetime(2026, 3, 3, 0, 0, 1), dt.date(2026, 3, 3), dt.time(0, 0)]
    rows = [
        [*first, dt.timedelta(hours=26, minutes=3), 0.25, 10**15, True, "Litt enig"],
        [*second, dt.timedelta(0), 3.5, 12345678.0, False, "   ", "", None, '="a"&"b"'],
        [None] * len(HEADER_XLSX),  # an empty row between answers stays a row
        [3, None, None, None, None, -0.0, 1e20, None, "Vet ikke", "x" * 40000, "#REF!", "=2*21"],
        [" 4 ", "2026-03-04", "", "æøå ÆØÅ – «»", None, 1 / 3, 0.1 + 0.2, None, "Helt enig"],
    ]
    rows[0] += ["  Mangler folk\nog penger  ", "#N/A", "=1/0"]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            sheet.cell(row=6 + i, column=3 + j, value=value)
    sheet.merge_cells(start_row=7, start_column=11, end_row=8, end_column=12)
    sheet.cell(row=15, column=4).number_format = "0.00"  # styled, empty: a trailing empty row
    book.save(path)
    _cache_results(
        path,
        "xl/worksheets/sheet2.xml",
        {"N6": ("e", "#DIV/0!"), "N7": ("str", "ab"), "N9": ("n", "42")},
    )
    return path


@pytest.mark.parametrize(
    "options",
    [
        {"sheet": "Svar"},
        {"sheet": 1},
        {"sheet": 1, "header_row": 5},
        {"sheet": "Svar", "header_row": 2},
        {},
        {"sheet": 0, "header_row": 1},
    ],
)
def test_xlsx_rich_workbook_reads_as_the_openpyxl_reference(tmp_path, options):
    table = _assert_reads_as_reference(_rich_workbook(tmp_path / "rich.xlsx"), **options)
    if options.get("sheet") == "Svar" and "header_row" not in options:
        # the header is found below the title rows, as a sheet row, despite the range at C2
        assert table.header_row == 5 and table.sheet == "Svar"
        assert table.frame.columns.tolist() == ["column_1", "column_2", *HEADER_XLSX]
        assert table.rows_read == 5  # the styled empty row 15 is not read, row 8 is
        frame = table.frame.astype(object).where(table.frame.notna(), None)
        assert frame["Dato"].tolist()[:2] == ["2026-03-02T00:00:00", "2026-03-03T00:00:00"]
        assert frame["Feil"].tolist()[:4] == ["#N/A", None, None, "#REF!"]
        assert frame["Formel"].tolist()[:4] == ["#DIV/0!", "ab", None, "42"]
        assert frame["ID"].tolist() == ["1", "2", None, "3", "4"]
        assert frame["Samtykke"].tolist()[:2] == ["true", "false"]


def test_xlsx_corpus_and_fixture_workbooks_read_as_the_openpyxl_reference(tmp_path, repo_root):
    # past the size limits (tests/test_reader_limits.py): refused, where openpyxl reads on
    beyond_limits = {"far_cell.xlsx", "zip_bomb.xlsx"}
    paths = sorted(
        p
        for p in (repo_root / "tests" / "corpus" / "files").glob("*.xlsx")
        if p.name not in beyond_limits
    )
    assert len(paths) >= 8
    write_small_round(tmp_path)
    paths += sorted((tmp_path / "data" / "raw").rglob("*.xlsx"))
    for path in paths:
        for options in ({}, {"sheet": 1}, {"sheet": "Svar"}, {"header_row": 3}):
            _assert_reads_as_reference(path, **options)


def test_xlsx_simulated_export_reads_as_the_openpyxl_reference(tmp_path):
    raw = simulate_round(tmp_path, "r1", seed=11)
    source = next(
        s
        for s in yaml.safe_load((raw / "round.yaml").read_text())["sources"]
        if s.get("format") == "xlsx"
    )
    path = raw / source["file"]
    table = _assert_reads_as_reference(path, sheet=source["sheet"], header_row=source["header_row"])
    assert table.rows_read > 100
    assert _assert_reads_as_reference(path).header_row == source["header_row"]


def test_xlsx_dates_times_and_numbers_read_as_the_openpyxl_reference(tmp_path):
    # whole seconds and milliseconds, as survey tools write them, in both date systems
    rng = random.Random(20261126)
    for epoch in (openpyxl.utils.datetime.WINDOWS_EPOCH, openpyxl.utils.datetime.MAC_EPOCH):
        book = openpyxl.Workbook()
        book.epoch = epoch
        sheet = book.active
        sheet.append(["sekund", "millisekund", "tid", "varighet", "dato", "tall", "heltall"])
        for _ in range(400):
            second = dt.datetime(1990, 1, 1) + dt.timedelta(seconds=rng.randrange(2 * 10**9))
            milli = second + dt.timedelta(milliseconds=rng.randrange(1000))
            sheet.append(
                [
                    second,
                    milli,
                    milli.time(),
                    dt.timedelta(milliseconds=rng.randrange(10**9)),
                    second.date(),
                    round(rng.uniform(-1e6, 1e6), rng.randrange(7)),
                    rng.randrange(-(10**15), 10**15),
                ]
            )
        path = tmp_path / f"dates-{epoch.year}.xlsx"
        book.save(path)
        _assert_reads_as_reference(path)


def test_xlsx_number_formats_read_as_the_openpyxl_reference(tmp_path):
    # calamine and openpyxl decide separately whether a number format is a date or a duration
    formats = ["General", "0", "0.00", "#,##0", "0%", "0.00E+00", "@", "yyyy-mm-dd"]
    formats += ["dd.mm.yyyy", "d/m/yyyy h:mm", "h:mm:ss", "[h]:mm:ss", "mm:ss", "[mm]:ss"]
    formats += ["[$-414]d. mmmm yyyy", '"Dag "d', "[Red]0.00", '#,##0 "kr"', "0.00_);(0.00)"]
    formats += ["mm-dd-yy", "d-mmm-yy", "h:mm AM/PM", "yyyy-mm-dd hh:mm:ss.000", "# ?/?"]
    values = [0, 0.5, 1, 1.5, 45000, 46083.25, 46083.999988, 2.5e-6, 59.5, 60, 61, 100000.123]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"v{j}" for j in range(len(values))])
    for i, number_format in enumerate(formats, start=2):
        for j, value in enumerate(values, start=1):
            sheet.cell(row=i, column=j, value=value).number_format = number_format
    book.save(tmp_path / "formats.xlsx")
    _assert_reads_as_reference(tmp_path / "formats.xlsx")


def test_xlsx_cells_and_rows_without_references_read_as_the_openpyxl_reference(tmp_path):
    # the r attributes are optional (ECMA-376 §18.3.1.4, §18.3.1.73): positions are counted
    path = tmp_path / "norefs.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a", "b", "c"])
    sheet.append([1, "#N/A", "x"])
    sheet.append(["#DIV/0!", None, "y"])
    sheet["B5"] = "#NUM!"
    book.save(path)

    def drop_references(name, xml):
        if name != "xl/worksheets/sheet1.xml":
            return xml
        xml = xml.replace('<row r="5">', '<row r="5"><c t="inlineStr"><is><t>z</t></is></c>')
        xml = re.sub(r'<c r="B5"', "<c", xml)
        return re.sub(r'(<c|<row) r="[A-Z]*[1-3]"', r"\1", xml)

    _rewrite_parts(path, drop_references)
    assert 'r="A2"' not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    table = _assert_reads_as_reference(path)
    # row 3 has no cell C: without references "y" is its second cell, column b
    frame = table.frame.astype(object).where(table.frame.notna(), None)
    assert frame["a"].tolist() == ["1", "#DIV/0!", None, "z"]
    assert frame["b"].tolist() == ["#N/A", "y", None, "#NUM!"]


@pytest.mark.parametrize("target", ["/xl/worksheets/sheet1.xml", "worksheets/sheet1.xml"])
def test_xlsx_error_cells_are_found_through_either_relationship_target(tmp_path, target):
    path = tmp_path / "errors.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["svar", "merknad"])
    book.active.append(["#N/A", 'sa "e" og gikk'])  # "e" in text: a false alarm, read anyway
    book.save(path)
    _rewrite_parts(
        path, lambda name, xml: xml.replace('"/xl/worksheets/sheet1.xml"', f'"{target}"')
    )
    table = _assert_reads_as_reference(path)
    assert table.frame.loc[0].tolist() == ["#N/A", 'sa "e" og gikk']


def test_xlsx_character_escapes_are_decoded_unlike_openpyxl(tmp_path):
    # a known, deliberate difference: ECMA-376 §22.9.2.19 escapes a carriage return as _x000D_
    # and a literal "_x" as _x005F_x; calamine decodes both, openpyxl kept both as text in
    # inline strings (in shared strings it decoded only _x005F_)
    path = tmp_path / "escapes.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["tekst"])
    book.active.append(["linje 1_x000D_\nlinje 2"])
    book.active.append(["a_x005F_x000D_b"])
    book.save(path)
    assert read_xlsx(path).frame["tekst"].tolist() == ["linje 1\r\nlinje 2", "a_x000D_b"]
    expected = _openpyxl_reference_read_xlsx(path).frame["tekst"].tolist()
    assert expected == ["linje 1_x000D_\nlinje 2", "a_x005F_x000D_b"]


def _two_sheet_book():
    book = openpyxl.Workbook()
    book.active.title = "Svar"
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    book.create_sheet("Tom")
    return book


@pytest.mark.parametrize(
    ("rows", "options", "expected"),
    [
        ([["a", "b"], [1, 2]], {"sheet": "Answers"}, "no sheet 'Answers'"),
        ([["a", "b"], [1, 2]], {"sheet": 2}, "no sheet 2"),
        ([["a", "b"], [1, 2]], {"sheet": -1}, "no sheet -1"),
        ([["a", "b"], [1, 2]], {"sheet": "Tom"}, "is empty"),
        ([["a", "b"], [1, 2]], {"header_row": 9}, "past the last row"),
        ([["a", "a", "b"], [1, 2, 3]], {}, "repeats column name"),
        ([["Tittel"], ["a", "b"], [None, "  "]], {}, "no data rows"),
        ([[None], [" ", ""]], {}, "is empty"),
    ],
)
def test_xlsx_errors_are_the_openpyxl_reference_errors(tmp_path, rows, options, expected):
    book = _two_sheet_book()
    book.active.delete_rows(1, 2)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "bad.xlsx"
    book.save(path)
    _assert_reads_as_reference(path, **options)
    with pytest.raises(InputFileError, match=expected) as error:
        read_xlsx(path, **options)
    assert str(path) in str(error.value)


def test_xlsx_empty_workbook_is_the_openpyxl_reference_error(tmp_path):
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    _assert_reads_as_reference(tmp_path / "empty.xlsx")
    with pytest.raises(InputFileError, match="sheet 'Sheet' is empty"):
        read_xlsx(tmp_path / "empty.xlsx")


def test_xlsx_unreadable_files_are_one_clear_error(tmp_path):
    good = tmp_path / "good.xlsx"
    _two_sheet_book().save(good)
    data = good.read_bytes()
    without_sheet = tmp_path / "nosheet.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(without_sheet, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
    cases = {
        "notzip.xlsx": (b"PK\x03\x04 not really a zip", "not a readable .xlsx workbook"),
        "cut.xlsx": (data[: len(data) // 2], "not a readable .xlsx workbook"),
        "copy.zip": (data, "not a readable .xlsx workbook"),  # openpyxl opened .xlsx names only
        "copy.xls": (data, "not a readable .xlsx workbook"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(InputFileError, match=message) as error:
            read_xlsx(path)
        assert str(error.value).startswith(f"{path}: ")
        assert str(error.value).endswith("Open it in Excel and save it as .xlsx again.")
        with pytest.raises(InputFileError, match=message):  # the reference fails alike
            _openpyxl_reference_read_xlsx(path)
    # a known, deliberate difference: openpyxl skipped a sheet whose XML part is missing and
    # read the next one ('Tom', empty); calamine reports the workbook as damaged
    with pytest.raises(InputFileError, match=r"the workbook is damaged .* save it as \.xlsx again"):
        read_xlsx(without_sheet)
    with pytest.raises(InputFileError, match="sheet 'Tom' is empty"):
        _openpyxl_reference_read_xlsx(without_sheet)
    with pytest.raises(InputFileError, match="file not found"):
        read_xlsx(tmp_path / "nowhere.xlsx")
    # the macro-enabled and template names openpyxl read are read too
    for name in ("copy.xlsm", "copy.XLSX", "copy.xltx"):
        (tmp_path / name).write_bytes(data)
        assert _assert_reads_as_reference(tmp_path / name).rows_read == 1


def test_xlsx_a_wrong_dimension_tag_is_ignored_unlike_openpyxl(tmp_path):
    # a known, deliberate difference: some writers leave <dimension ref="A1"/> on a full sheet;
    # openpyxl's read-only mode trusted it and read row 1 only, calamine reads every cell
    path = tmp_path / "dimension.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["id", "svar"])
    book.active.append([1, "Litt enig"])
    book.save(path)

    def shrink(name, xml):
        return re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1"', xml)

    _rewrite_parts(path, shrink)
    assert read_xlsx(path).frame.to_dict("list") == {"id": ["1"], "svar": ["Litt enig"]}
    with pytest.raises(InputFileError, match="no data rows"):
        _openpyxl_reference_read_xlsx(path)


def test_count_byte_matches_bytes_count_across_chunks(monkeypatch):
    from anchoring.readers import csv_export

    data = b'a;"b""c";d\n"x"\n' * 7 + b'"'
    monkeypatch.setattr(csv_export, "_COUNT_CHUNK", 5)  # chunks that cut the file mid-line
    # reference: Python's own bytes.count
    assert csv_export._count_byte(data, ord('"')) == data.count(b'"')
    assert csv_export._count_byte(b"x", ord('"')) == 0


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Kommune;Svar\nBærum;Litt enig\nÅs;\n".encode(), "utf-8"),
        ("\ufeffKommune;Svar\nBærum;Litt enig\n".encode(), "utf-8-sig"),
        # no byte in 0x80-0x9f: detected as iso-8859-1 (detect_encoding)
        ("Kommune;Svar\nBærum;Litt enig\n".encode("cp1252"), "iso-8859-1"),
        ("Kommune;Svar\nBærum;Litt enig\n".encode("utf-16"), "utf-16"),
    ],
)
def test_mapped_file_reads_as_the_bytes_do(tmp_path, monkeypatch, content, encoding):
    from anchoring.readers import csv_export
    from anchoring.readers.detect import read_sample

    path = tmp_path / "export.csv"
    path.write_bytes(content)
    mapped = csv_export.read_csv_export(path)
    # reference: the same file read into bytes, as before the file was memory-mapped
    monkeypatch.setattr(csv_export, "_read_bytes", lambda p: read_sample(p, None))
    read = csv_export.read_csv_export(path)
    assert mapped.encoding == read.encoding == encoding
    pd.testing.assert_frame_equal(mapped.frame, read.frame)


def test_mapped_file_errors_name_the_row(tmp_path):
    from anchoring.readers.csv_export import read_csv_export

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="the file is empty"):
        read_csv_export(empty)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a;b;c\n1;2;3\n4;5;6\n7;8\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="data row 3 does not have"):
        read_csv_export(ragged)
    with pytest.raises(InputFileError, match="file not found"):
        read_csv_export(tmp_path / "missing.csv")

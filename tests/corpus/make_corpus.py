"""Write the hostile-input corpus: broken and tricky survey exports and their expected outcomes.

Run from the checkout: ``.venv/bin/python tests/corpus/make_corpus.py``. It (re)writes
``tests/corpus/files/`` and ``tests/corpus/cases.yaml`` deterministically (fixed content, no
timestamps; the xlsx files get a fixed creation date, the sav files are written by pyreadstat,
which stores no time of writing that varies between runs of this script on one day — run it
twice and compare with ``git diff --stat`` if in doubt).

Every case is one round of one or more sources. ``cases.yaml`` gives per case the files, the
``sources`` entries of the round.yaml used (the round itself: id ``c``, fieldwork
2026-03-01..2026-03-31, measure ``pll``), why the case is there, and the expected outcome:

- ``error``: an :class:`anchoring.exceptions.AnchoringError` subclass (``error_class``) whose
  message contains every fragment in ``message`` (case-insensitive) and names the file
  (``names``), with nothing written to ``data/processed`` and the raw files unchanged;
- ``ok``: ``kept`` rows in ``responses.parquet``, ``excluded`` rows in ``exclusions.parquet`` and
  the listed ``values`` (``source_row``, ``column``, expected value as text); ``analyse: true``
  runs the analysis too and checks its small-cell suppression.

The base data: 8 municipality leaders in Oslo (0301), Bergen (4601), Stavanger (1103) and
Trondheim (5001), 7 items of PLL, a role and a barrier comment each (``BASE_ROWS``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import yaml

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CASES_FILE = HERE / "cases.yaml"

DIMENSIONS = ("kjennskap", "prioritet", "nytte", "ledelse", "ressurser", "medvirkning", "beredskap")
ITEMS = [f"pll__{d}" for d in DIMENSIONS]
ITEM_COLUMNS = [f"pll_{d[:5]}" for d in DIMENSIONS]
LABELS_NB = {
    1: "Helt uenig",
    2: "Litt uenig",
    3: "Verken enig eller uenig",
    4: "Litt enig",
    5: "Helt enig",
    8: "Vet ikke",
    9: "Ikke relevant",
}
LABELS_EN = {
    1: "Strongly disagree",
    2: "Somewhat disagree",
    3: "Neither agree nor disagree",
    4: "Somewhat agree",
    5: "Strongly agree",
    8: "Don't know",
    9: "Not applicable",
}
ROLES_NB = {
    "helse_omsorgssjef": "Kommunalsjef helse og omsorg",
    "kommuneoverlege": "Kommuneoverlege",
    "it_leder": "IT- eller digitaliseringsleder",
    "leder_hjemmetjeneste": "Leder hjemmetjeneste eller sykehjem",
    "leder_legevakt": "Leder legevakt",
}
ROLES_EN = {
    "helse_omsorgssjef": "Head of health and care",
    "kommuneoverlege": "Municipal chief physician",
    "it_leder": "IT or digitalisation lead",
    "leder_hjemmetjeneste": "Head of home care or nursing homes",
    "leder_legevakt": "Head of out-of-hours service",
}
# id, submitted (Oslo local time, March 2026 = UTC+1), municipality, role, answers, comment
BASE_ROWS: list[tuple[str, str, str, str, list[int], str]] = [
    ("K1", "2026-03-02 10:00", "0301", "helse_omsorgssjef", [4, 5, 4, 3, 2, 4, 5], "Budsjett"),
    ("K2", "2026-03-02 11:00", "0301", "kommuneoverlege", [5, 4, 4, 4, 3, 8, 4], "Opplæring"),
    ("K3", "2026-03-03 09:30", "4601", "it_leder", [3, 3, 2, 4, 2, 3, 3], ""),
    ("K4", "2026-03-03 12:00", "4601", "helse_omsorgssjef", [2, 3, 3, 2, 4, 2, 2], "Tid"),
    ("K5", "2026-03-04 08:15", "1103", "leder_legevakt", [4, 4, 5, 5, 3, 4, 4], "Leverandør"),
    ("K6", "2026-03-04 13:45", "1103", "kommuneoverlege", [1, 2, 2, 1, 5, 9, 2], ""),
    ("K7", "2026-03-05 10:00", "5001", "it_leder", [5, 5, 4, 5, 2, 4, 5], "Personell"),
    ("K8", "2026-03-05 14:30", "5001", "leder_hjemmetjeneste", [3, 4, 3, 3, 3, 3, 4], "Ingen"),
]
HEADER = ["id", "innsendt", "tid_ms", "kommunenr", "rolle", *ITEM_COLUMNS, "barrierer"]
COLUMNS = {
    "respondent_id": "id",
    "submitted_at": "innsendt",
    "answer_time_ms": "tid_ms",
    "org_id": "kommunenr",
    "role": "rolle",
    **dict(zip(ITEMS, ITEM_COLUMNS, strict=True)),
    "barriers": "barrierer",
}
_FIXED_TIME = dt.datetime(2026, 1, 1)


def base_records(
    labels: dict[int, str] | None = LABELS_NB,
    roles: dict[str, str] = ROLES_NB,
    rows: list[tuple] | None = None,
) -> list[list[str]]:
    """The base rows as text records (header first); ``labels=None`` writes answer codes."""
    out = [list(HEADER)]
    for i, (rid, at, org, role, answers, text) in enumerate(rows or BASE_ROWS):
        coded = [str(a) if labels is None else labels[a] for a in answers]
        out.append([rid, at, str(300000 + 1000 * i), org, roles[role], *coded, text])
    return out


def csv_bytes(
    records: list[list[str]],
    delimiter: str = ";",
    encoding: str = "utf-8",
    quoting: int = csv.QUOTE_MINIMAL,
    newline: str = "\n",
) -> bytes:
    """Records as delimited text in the given encoding and line ending."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline).writerows(
        records
    )
    return buffer.getvalue().encode(encoding)


def source(file: str, **changes: object) -> dict:
    """The round.yaml source entry of a municipality export, with ``changes`` applied."""
    entry: dict = {
        "id": "kommuner",
        "group": "municipality",
        "file": file,
        "format": "csv",
        "columns": dict(COLUMNS),
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def _fixed_book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.properties.created = _FIXED_TIME
    book.properties.modified = _FIXED_TIME
    return book


def xlsx_bytes(sheets: dict[str, list[list[object]]], text_cells: bool = False) -> bytes:
    """A workbook with the given sheets (rows of cells); ``text_cells`` stores '=' as text."""
    book = _fixed_book()
    first = True
    for name, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        sheet.title = name
        first = False
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str) and value[:1] in "=+-@" and text_cells:
                    cell.value = value
                    cell.data_type = "s"
                    cell.quotePrefix = True
                else:
                    cell.value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return _zip_fixed_dates(buffer.getvalue())


def _zip_fixed_dates(data: bytes) -> bytes:
    """Rewrite a zip with a fixed member date so the bytes do not depend on today."""
    import zipfile

    source_zip = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source_zip.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source_zip.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", content
                )
            target.writestr(fixed, content)
    return out.getvalue()


def sav_bytes(frame: pd.DataFrame, **kwargs: object) -> bytes:
    """An SPSS file of ``frame`` written by pyreadstat (kwargs go to ``write_sav``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.sav"
        pyreadstat.write_sav(frame, str(path), **kwargs)
        data = bytearray(path.read_bytes())
    # The header stores the date and time of writing (bytes 92-108): fix them.
    data[92:109] = b"01 Jan 2600:00:00"
    return bytes(data)


def base_sav_frame(string_answers: bool = False, numeric_org: bool = True) -> pd.DataFrame:
    """The base rows as an SPSS frame: codes (or label strings), numeric municipality number."""
    data: dict[str, list] = {"id": [], "kommnr": [], "rolle": []}
    for item_column in ITEM_COLUMNS:
        data[item_column] = []
    for rid, _at, org, role, answers, _text in BASE_ROWS:
        data["id"].append(rid)
        data["kommnr"].append(float(int(org)) if numeric_org else org)
        data["rolle"].append(ROLES_NB[role])
        for column, a in zip(ITEM_COLUMNS, answers, strict=True):
            data[column].append(LABELS_NB[a] if string_answers else float(a))
    return pd.DataFrame(data)


SAV_COLUMNS = {
    "respondent_id": "id",
    "org_id": "kommnr",
    "role": "rolle",
    **dict(zip(ITEMS, ITEM_COLUMNS, strict=True)),
}
SAV_LABELS = {float(k): v for k, v in LABELS_NB.items()}


def _record(row: int, column: str, value: object) -> dict:
    return {"source_row": row, "column": column, "value": str(value)}


def ok(
    kept: int, excluded: int | None = 0, values: list[dict] | None = None, **more: object
) -> dict:
    """An expected successful outcome."""
    return {"outcome": "ok", "kept": kept, "excluded": excluded, "values": values or [], **more}


def error(
    error_class: str, *fragments: str, names: str | None = None, forbidden: list[str] | None = None
) -> dict:
    """An expected error: class, message fragments, the file it names, texts it must not show."""
    out = {"outcome": "error", "error_class": error_class, "message": list(fragments)}
    if names is not None:
        out["names"] = names
    if forbidden:
        out["forbidden"] = forbidden
    return out


Builder = Callable[[], bytes]
CASES: list[dict] = []


def case(
    case_id: str,
    why: str,
    files: dict[str, Builder],
    sources: list[dict],
    expected: dict,
) -> None:
    """Register a corpus case."""
    CASES.append(
        {"id": case_id, "why": why, "files": files, "sources": sources, "expected": expected}
    )


def _replace_column(records: list[list[str]], column: str, values: list[str]) -> list[list[str]]:
    index = records[0].index(column)
    out = [list(r) for r in records]
    for row, value in zip(out[1:], values, strict=True):
        row[index] = value
    return out


def _utf8_sig(records: list[list[str]], **kw: object) -> bytes:
    return b"\xef\xbb\xbf" + csv_bytes(records, **kw)


def _junk(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def _base_xlsx_rows(labels: dict[int, str] = LABELS_NB) -> list[list[object]]:
    records = base_records(labels)
    rows: list[list[object]] = [records[0]]
    for record in records[1:]:
        row: list[object] = list(record)
        row[1] = dt.datetime.strptime(record[1], "%Y-%m-%d %H:%M")
        row[2] = int(record[2])
        rows.append(row)
    return rows


def _register_empty_and_junk() -> None:
    header = csv_bytes(base_records()[:1])
    case(
        "empty_file",
        "0-byte export",
        {"empty.csv": lambda: b""},
        [source("empty.csv")],
        error("InputFileError", "empty", names="empty.csv"),
    )
    case(
        "whitespace_only",
        "only blank lines and spaces",
        {"blank.csv": lambda: b"\n  \n\r\n"},
        [source("blank.csv")],
        error("InputFileError", "empty", names="blank.csv"),
    )
    case(
        "header_only",
        "a header and no data rows",
        {"header_only.csv": lambda: header},
        [source("header_only.csv")],
        error("InputFileError", "no data rows", names="header_only.csv"),
    )
    case(
        "header_and_blank_lines",
        "header then empty lines",
        {"header_blank.csv": lambda: header + b"\n\n;;\n"},
        [source("header_blank.csv")],
        error("InputFileError", "row 1", names="header_blank.csv"),
    )
    case(
        "binary_junk_csv",
        "random bytes with a .csv name",
        {"junk.csv": lambda: _junk(4096, 1)},
        [source("junk.csv")],
        error("InputFileError", names="junk.csv"),
    )
    case(
        "png_named_csv",
        "a PNG image renamed .csv",
        {"image.csv": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _junk(600, 2)},
        [source("image.csv")],
        error("InputFileError", names="image.csv"),
    )
    case(
        "xlsx_name_csv_content",
        "a CSV saved with an .xlsx name",
        {"fake.xlsx": lambda: csv_bytes(base_records())},
        [source("fake.xlsx", format=None)],
        error("InputFileError", "xlsx", names="fake.xlsx"),
    )
    case(
        "truncated_xlsx",
        "an xlsx cut in half (interrupted download)",
        {"truncated.xlsx": lambda: xlsx_bytes({"Svar": _base_xlsx_rows()})[:3000]},
        [source("truncated.xlsx", format="xlsx")],
        error("InputFileError", "xlsx", names="truncated.xlsx"),
    )
    case(
        "truncated_sav",
        "an SPSS file cut short",
        {"truncated.sav": lambda: sav_bytes(base_sav_frame())[:700]},
        [source("truncated.sav", format="sav", columns=SAV_COLUMNS)],
        error("InputFileError", "sav", names="truncated.sav"),
    )
    case(
        "missing_file",
        "round.yaml names a file that is not there",
        {},
        [source("not_there.csv")],
        error("InputFileError", "not found", names="not_there.csv"),
    )


def _register_encodings() -> None:
    records = base_records()
    records[1][-1] = "Økonomi og kapasitet på sykehjem, særlig i Tromsø"
    spss = [list(r) for r in records]
    spss[0][spss[0].index("pll_nytte")] = "Spørsmål nytte"
    enc_columns = {**COLUMNS, "pll__nytte": "Spørsmål nytte"}
    row1 = _record(1, "pll__nytte", 4)
    case(
        "utf16_declared",
        "UTF-16 (Excel 'Unicode text'), tab-separated, encoding set",
        {"utf16_declared.txt": lambda: csv_bytes(spss, delimiter="\t", encoding="utf-16")},
        [source("utf16_declared.txt", encoding="utf-16", columns=enc_columns)],
        ok(8, 0, [row1]),
    )
    case(
        "utf16_detected",
        "UTF-16 with its byte-order mark, no encoding in round.yaml",
        {"utf16.txt": lambda: csv_bytes(spss, delimiter="\t", encoding="utf-16")},
        [source("utf16.txt", columns=enc_columns)],
        ok(8, 0, [row1]),
    )
    case(
        "bom_semicolon",
        "UTF-8 with BOM and ';' (Excel 'CSV UTF-8' on Norwegian Windows)",
        {"bom.csv": lambda: _utf8_sig(spss)},
        [source("bom.csv", columns=enc_columns)],
        ok(8, 0, [row1]),
    )
    case(
        "windows_1252",
        "Windows-1252 «æøå» in header and text, with a € (0x80)",
        {"cp1252.csv": lambda: csv_bytes(_with_euro(spss), encoding="cp1252")},
        [source("cp1252.csv", columns=enc_columns)],
        ok(8, 0, [row1]),
    )
    case(
        "iso_8859_1",
        "ISO-8859-1 «æøå» (older Triple-S exports)",
        {"latin1.csv": lambda: csv_bytes(spss, encoding="iso-8859-1")},
        [source("latin1.csv", columns=enc_columns)],
        ok(8, 0, [row1]),
    )
    case(
        "mixed_encodings",
        "UTF-8 header, one data row saved as Windows-1252",
        {"mixed.csv": lambda: _mixed_encoding(spss)},
        [source("mixed.csv", columns=enc_columns)],
        error("InputFileError", "encoding", names="mixed.csv"),
    )
    case(
        "wrong_declared_encoding",
        "round.yaml says utf-8 but the file is Windows-1252",
        {"declared_wrong.csv": lambda: csv_bytes(spss, encoding="cp1252")},
        [source("declared_wrong.csv", encoding="utf-8", columns=enc_columns)],
        error("InputFileError", "encoding", names="declared_wrong.csv"),
    )


def records_col(records: list[list[str]], column: str) -> list[str]:
    """The values of one column of text records (data rows only)."""
    index = records[0].index(column)
    return [r[index] for r in records[1:]]


def _with_euro(records: list[list[str]]) -> list[list[str]]:
    out = [list(r) for r in records]
    out[2][-1] = "Koster 2 mill. € – «for mye»"
    return out


def _mixed_encoding(records: list[list[str]]) -> bytes:
    middle = [list(records[3])]
    middle[0][-1] = "Tromsø og Bodø"
    return csv_bytes(records[:3]) + csv_bytes(middle, encoding="cp1252") + csv_bytes(records[4:])


def _register_structure() -> None:
    records = base_records()
    case(
        "semicolon_in_quoted_text",
        "';' inside a quoted comment",
        {
            "semicolon_text.csv": lambda: csv_bytes(
                _replace_column(records, "barrierer", ["a; b; c"] * 8), quoting=csv.QUOTE_ALL
            )
        },
        [source("semicolon_text.csv")],
        ok(8, 0, [_record(8, "pll__beredskap", 4)]),
    )
    case(
        "quoted_newlines",
        "comments spanning lines inside quotes; row numbers must not shift",
        {
            "newlines.csv": lambda: csv_bytes(
                _replace_column(records, "barrierer", ["Linje 1\nLinje 2\r\nLinje 3"] * 8)
            )
        },
        [source("newlines.csv")],
        ok(8, 0, [_record(8, "pll__beredskap", 4), _record(6, "pll__medvirkning", 9)]),
    )
    case(
        "long_comment",
        "a 10,000-character comment",
        {
            "long_comment.csv": lambda: csv_bytes(
                _replace_column(records, "barrierer", ["Lang tekst om budsjett. " * 417] + [""] * 7)
            )
        },
        [source("long_comment.csv")],
        ok(8, 0, [_record(1, "pll__kjennskap", 4)]),
    )
    case(
        "crlf_line_ends",
        "CRLF line ends",
        {"crlf.csv": lambda: csv_bytes(records, newline="\r\n")},
        [source("crlf.csv")],
        ok(8, 0, [_record(8, "pll__beredskap", 4)]),
    )
    case(
        "tab_separated",
        "tab-separated .txt",
        {"tabs.txt": lambda: csv_bytes(records, "\t")},
        [source("tabs.txt")],
        ok(8, 0, [_record(3, "pll__nytte", 2)]),
    )
    case(
        "comma_separated",
        "',' separated, every field quoted",
        {"comma.csv": lambda: csv_bytes(records, ",", quoting=csv.QUOTE_ALL)},
        [source("comma.csv")],
        ok(8, 0, [_record(3, "pll__nytte", 2)]),
    )
    dup = [list(r) for r in records]
    dup[0][dup[0].index("pll_nytte")] = "pll_prior"
    case(
        "duplicate_column_names",
        "two columns with the same name",
        {"dup_columns.csv": lambda: csv_bytes(dup)},
        [source("dup_columns.csv")],
        error("InputFileError", "pll_prior", "repeat", names="dup_columns.csv"),
    )
    extra = [[*r, f"x{i}", ""] for i, r in enumerate(records)]
    extra[0][-2:] = ["Ukjent kolonne", "$ip_address"]
    case(
        "extra_unknown_columns",
        "columns the config does not know",
        {"extra_columns.csv": lambda: csv_bytes(extra)},
        [source("extra_columns.csv")],
        ok(8, 0, [_record(2, "pll__kjennskap", 5)]),
    )
    missing = [[v for j, v in enumerate(r) if j != HEADER.index("kommunenr")] for r in records]
    case(
        "missing_required_column",
        "the organisation column is absent",
        {"no_org.csv": lambda: csv_bytes(missing)},
        [source("no_org.csv")],
        error("InputFileError", "kommunenr", "not found", names="no_org.csv"),
    )
    ragged = csv_bytes(records).replace(b"K5;", b"K5;extra;", 1)
    case(
        "ragged_row",
        "one data row with an extra field",
        {"ragged.csv": lambda: ragged},
        [source("ragged.csv")],
        error("InputFileError", "row 5", names="ragged.csv"),
    )
    unbalanced = csv_bytes(records).replace(b"Tid", b'"Tid', 1)
    case(
        "unbalanced_quote",
        "a quote opened and never closed in row 4",
        {"unbalanced.csv": lambda: unbalanced},
        [source("unbalanced.csv")],
        error("InputFileError", "row", names="unbalanced.csv"),
    )
    titled = [["Forankringsundersøkelsen 2026"], ["Eksportert fra verktøyet"], [], *records]
    case(
        "title_rows_csv",
        "two title rows and a blank line above the header",
        {"title_rows.csv": lambda: csv_bytes(titled)},
        [source("title_rows.csv")],
        ok(8, 0, [_record(1, "pll__kjennskap", 4)]),
    )
    width = len(HEADER) + 2
    trailing = csv_bytes([[*r, "", ""] for r in records] + [[""] * width] * 2)
    case(
        "trailing_empty_fields_csv",
        "Excel CSV: trailing empty columns, rows of only ';'",
        {"trailing.csv": lambda: trailing},
        [source("trailing.csv")],
        ok(8, None),
    )
    case(
        "nettskjema_without_submission_id",
        "format nettskjema but not a Nettskjema report",
        {"not_nettskjema.csv": lambda: csv_bytes(records)},
        [source("not_nettskjema.csv", format="nettskjema")],
        error("InputFileError", "$submission_id", names="not_nettskjema.csv"),
    )
    case(
        "header_row_past_end",
        "header_row set beyond the file",
        {"short.csv": lambda: csv_bytes(records)},
        [source("short.csv", header_row=40)],
        error("InputFileError", "header_row", names="short.csv"),
    )
    case(
        "file_name_with_spaces",
        "a file name with spaces and «æøå»",
        {"Svar fra kommunene æøå.csv": lambda: csv_bytes(records)},
        [source("Svar fra kommunene æøå.csv")],
        ok(8, 0),
    )


def _register_answers() -> None:
    records = base_records()
    case(
        "english_labels",
        "English answer and role labels",
        {"english.csv": lambda: csv_bytes(base_records(LABELS_EN, ROLES_EN))},
        [source("english.csv")],
        ok(
            8,
            0,
            [
                _record(2, "pll__medvirkning", 8),
                _record(6, "pll__medvirkning", 9),
                _record(1, "role", "helse_omsorgssjef"),
            ],
        ),
    )
    variants = {
        1: "helt  UENIG",
        2: " litt uenig ",
        3: "Hverken enig eller uenig",
        4: "4 - Litt enig",
        5: "Helt enig (5)",
        8: "VET IKKE",
        9: "ikke relevant.",
    }
    case(
        "label_spelling_variants",
        "case, spacing, «Hverken», code before/after the label",
        {"variants.csv": lambda: csv_bytes(base_records(variants))},
        [source("variants.csv")],
        ok(
            8,
            0,
            [
                _record(1, "pll__nytte", 4),
                _record(1, "pll__ressurser", 2),
                _record(1, "pll__ledelse", 3),
                _record(2, "pll__medvirkning", 8),
            ],
        ),
    )
    nbsp = {k: v.replace(" ", "\u00a0") for k, v in LABELS_NB.items()}
    nbsp_roles = {k: v.replace(" ", "\u00a0") for k, v in ROLES_NB.items()}
    case(
        "nbsp_in_labels",
        "no-break spaces inside answer and role labels",
        {"nbsp.csv": lambda: csv_bytes(base_records(nbsp, nbsp_roles))},
        [source("nbsp.csv")],
        ok(8, 0, [_record(1, "pll__kjennskap", 4), _record(2, "pll__medvirkning", 8)]),
    )
    codes = base_records(None)
    case(
        "codes_with_value_map",
        "Nettskjema codes: 8 = Ikke relevant, 9 = Vet ikke (values map)",
        {"codes.csv": lambda: csv_bytes(_swap_codes(codes), quoting=csv.QUOTE_ALL)},
        [source("codes.csv", values={"items": {"9": 8, "8": 9}})],
        ok(8, 0, [_record(2, "pll__medvirkning", 8), _record(6, "pll__medvirkning", 9)]),
    )
    case(
        "codes_without_value_map",
        "codes 8 and 9 with no map: must not be taken as scale points",
        {"codes_nomap.csv": lambda: csv_bytes(codes)},
        [source("codes_nomap.csv")],
        error("MappingError", "'8'", "values", names="codes_nomap.csv"),
    )
    all_dk = _replace_columns(records, ITEM_COLUMNS, "Vet ikke")
    case(
        "all_vet_ikke",
        "every answer «Vet ikke» (answered, not incomplete)",
        {"all_dont_know.csv": lambda: csv_bytes(all_dk)},
        [source("all_dont_know.csv")],
        ok(
            8,
            0,
            [_record(r, i, 8) for r in (1, 8) for i in ("pll__kjennskap", "pll__nytte")],
            analyse=True,
        ),
    )
    blanks = _replace_columns(records, ITEM_COLUMNS, "", rows=[3])
    case(
        "one_blank_row",
        "one respondent answered nothing: excluded as incomplete",
        {"one_blank.csv": lambda: csv_bytes(blanks)},
        [source("one_blank.csv")],
        ok(7, 1, excluded_reasons={"incomplete": 1}),
    )
    unknown = _replace_column(
        records, "pll_nytte", ["Kanskje", *records_col(records, "pll_nytte")[1:]]
    )
    case(
        "unknown_label",
        "an answer that is no label of the scale",
        {"unknown_label.csv": lambda: csv_bytes(unknown)},
        [source("unknown_label.csv")],
        error(
            "MappingError", "Kanskje", "pll_nytte", "row(s) 1", "values", names="unknown_label.csv"
        ),
    )
    as_text_numbers = _replace_column(records, "tid_ms", ["300 000,0"] * 8)
    case(
        "numbers_with_decimal_comma",
        "answer time '300 000,0' (space thousands, decimal comma)",
        {"decimal_comma.csv": lambda: csv_bytes(as_text_numbers)},
        [source("decimal_comma.csv", decimal=",")],
        ok(8, 0, [_record(1, "answer_time_s", 300.0)]),
    )
    bad_time = _replace_column(records, "tid_ms", ["300000"] * 6 + ["fem minutter", "1"])
    case(
        "non_numeric_answer_time",
        "text in the answer-time column",
        {"bad_time.csv": lambda: csv_bytes(bad_time)},
        [source("bad_time.csv")],
        error("MappingError", "tid_ms", "7", names="bad_time.csv"),
    )


def _swap_codes(records: list[list[str]]) -> list[list[str]]:
    out = [list(r) for r in records]
    idx = [out[0].index(c) for c in ITEM_COLUMNS]
    for row in out[1:]:
        for j in idx:
            row[j] = {"8": "9", "9": "8"}.get(row[j], row[j])
    return out


def _replace_columns(
    records: list[list[str]], columns: list[str], value: str, rows: list[int] | None = None
) -> list[list[str]]:
    out = [list(r) for r in records]
    idx = [out[0].index(c) for c in columns]
    for n, row in enumerate(out[1:], start=1):
        if rows is None or n in rows:
            for j in idx:
                row[j] = value
    return out


def _register_organisations_and_dates() -> None:
    records = base_records()
    orgs = records_col(records, "kommunenr")
    no_zeros = _replace_column(records, "kommunenr", [o.lstrip("0") for o in orgs])
    case(
        "leading_zero_lost",
        "301 for 0301 (Excel dropped the zero)",
        {"zero_lost.csv": lambda: csv_bytes(no_zeros)},
        [source("zero_lost.csv")],
        ok(8, 0, [_record(1, "org_id", "0301"), _record(2, "org_id", "0301")]),
    )
    old = _replace_column(records, "kommunenr", ["3005", "3005", *orgs[2:]])
    case(
        "pre_2024_number_without_map",
        "3005 (Drammen before 2024) with no org_id_map: read from SSB's history as 3301 "
        "(issue #14)",
        {"old_numbers.csv": lambda: csv_bytes(old)},
        [source("old_numbers.csv")],
        ok(8, 0, [_record(1, "org_id", "3301"), _record(2, "stratum", "municipality:33")]),
    )
    old_ambiguous = _replace_column(records, "kommunenr", ["Herøy", *orgs[1:]])
    case(
        "ambiguous_name_without_map",
        "«Herøy» names two municipalities: the error lists both and asks for org_id_map "
        "(issue #14)",
        {"ambiguous_name.csv": lambda: csv_bytes(old_ambiguous)},
        [source("ambiguous_name.csv")],
        error("FrameError", "Herøy", "1515", "1818", "org_id_map", names="ambiguous_name.csv"),
    )
    case(
        "pre_2024_number_with_map",
        "3005 mapped to 3301 (Drammen, Buskerud) by org_id_map",
        {"old_numbers_mapped.csv": lambda: csv_bytes(old)},
        [source("old_numbers_mapped.csv", org_id_map={"3005": "3301"})],
        ok(8, 0, [_record(1, "org_id", "3301"), _record(1, "stratum", "municipality:33")]),
    )
    unknown = _replace_column(records, "kommunenr", ["9999", *orgs[1:]])
    case(
        "organisation_not_in_frame",
        "a municipality number that does not exist",
        {"no_such_org.csv": lambda: csv_bytes(unknown)},
        [source("no_such_org.csv")],
        error("FrameError", "9999", "row(s) 1", names="no_such_org.csv"),
    )
    dates = _replace_column(
        records,
        "innsendt",
        [
            "2026-03-02T10:00:00+01:00",
            "02.03.2026 11:00",
            "2026-03-03 09:30:00",
            "2026-03-03T11:00:00Z",
            "04.03.2026 08:15",
            "2026-03-04 13:45",
            "4.3.2026 14:00",
            "2026-03-05T14:30:00+0100",
        ],
    )
    case(
        "dates_in_several_formats",
        "ISO with offset, Norwegian DD.MM.YYYY, naive ISO, Z",
        {"dates.csv": lambda: csv_bytes(dates)},
        [source("dates.csv")],
        ok(
            8,
            0,
            [
                _record(1, "submitted_at", "2026-03-02 09:00:00+00:00"),
                _record(2, "submitted_at", "2026-03-02 10:00:00+00:00"),
                _record(3, "submitted_at", "2026-03-03 08:30:00+00:00"),
                _record(4, "submitted_at", "2026-03-03 11:00:00+00:00"),
                _record(7, "submitted_at", "2026-03-04 13:00:00+00:00"),
                _record(8, "submitted_at", "2026-03-05 13:30:00+00:00"),
            ],
        ),
    )
    bad_date = _replace_column(
        records, "innsendt", ["i går", *records_col(records, "innsendt")[1:]]
    )
    case(
        "unparseable_date",
        "a date that is not a date",
        {"bad_date.csv": lambda: csv_bytes(bad_date)},
        [source("bad_date.csv")],
        error("MappingError", "innsendt", "row(s) 1", names="bad_date.csv"),
    )
    before = _replace_column(
        records, "innsendt", ["2026-02-20 10:00", *records_col(records, "innsendt")[1:]]
    )
    case(
        "row_before_fieldwork",
        "a test answer before fieldwork started",
        {"before.csv": lambda: csv_bytes(before)},
        [source("before.csv")],
        ok(7, 1, excluded_reasons={"before_fieldwork": 1}),
    )


def _register_injection_and_pii() -> None:
    records = base_records()
    texts = [
        '=HYPERLINK("http://x","klikk")',
        "+47 912 34 567",
        "-2+3",
        "@SUM(A1:A2)",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "fnr 14077595091",
        "ola.nordmann@kommune.no",
    ]
    injected = _replace_column(records, "barrierer", texts)
    case(
        "formulas_and_html_in_text",
        "=, +, -, @ formulas, script and img tags, PII in comments",
        {"injection.csv": lambda: csv_bytes(injected)},
        [source("injection.csv")],
        ok(8, 0, [_record(1, "has_barrier_text", "True")], forbidden=texts),
    )
    ids = _replace_column(
        records, "id", ["ola@kommune.no", "14077595091", "=1+1", "<b>x</b>", "K5", "K6", "K7", "K8"]
    )
    case(
        "pii_and_formulas_as_respondent_ids",
        "an e-mail, a fødselsnummer, a formula as ids",
        {"pii_ids.csv": lambda: csv_bytes(ids)},
        [source("pii_ids.csv")],
        ok(8, 0, forbidden=["ola@kommune.no", "14077595091", "=1+1", "<b>"]),
    )
    role = _replace_column(
        records, "rolle", ["=cmd|'/c calc'!A0", *records_col(records, "rolle")[1:]]
    )
    case(
        "formula_as_role",
        "a formula where the role label should be: read as the «other» role (issue #14)",
        {"formula_role.csv": lambda: csv_bytes(role)},
        [source("formula_role.csv")],
        ok(8, values=[{"source_row": 1, "column": "role", "value": "annet"}]),
    )
    orgs = records_col(records, "kommunenr")
    personal_orgs = _replace_column(records, "kommunenr", ["14077595091", "912 34 567", *orgs[2:]])
    case(
        "pii_in_organisation_column",
        "a fødselsnummer and a phone number typed as the organisation: the error masks them "
        "(issue #19)",
        {"pii_orgs.csv": lambda: csv_bytes(personal_orgs)},
        [source("pii_orgs.csv")],
        error(
            "FrameError",
            "[fødselsnummer]",
            "row(s) 1",
            names="pii_orgs.csv",
            forbidden=["14077595091", "912 34 567"],
        ),
    )


def _register_xlsx() -> None:
    rows = _base_xlsx_rows()
    info = [["Om eksporten"], ["Verktøy", "Questback"], ["Antall svar", 8]]
    case(
        "xlsx_plain",
        "a clean Excel export with Excel dates",
        {"plain.xlsx": lambda: xlsx_bytes({"Svar": rows})},
        [source("plain.xlsx", format="xlsx")],
        ok(8, 0, [_record(1, "submitted_at", "2026-03-02 09:00:00+00:00")]),
    )
    case(
        "xlsx_several_sheets_named",
        "data on the second of three sheets, 'sheet' set",
        {"sheets.xlsx": lambda: xlsx_bytes({"Info": info, "Svar": rows, "Tom": []})},
        [source("sheets.xlsx", format="xlsx", sheet="Svar")],
        ok(8, 0),
    )
    case(
        "xlsx_several_sheets_unnamed",
        "data on the second sheet, 'sheet' not set",
        {"sheets_unset.xlsx": lambda: xlsx_bytes({"Info": info, "Svar": rows})},
        [source("sheets_unset.xlsx", format="xlsx")],
        error("InputFileError", "sheet", "Svar", names="sheets_unset.xlsx"),
    )
    case(
        "xlsx_unknown_sheet",
        "'sheet' names a sheet the workbook lacks",
        {"wrong_sheet.xlsx": lambda: xlsx_bytes({"Svar": rows})},
        [source("wrong_sheet.xlsx", format="xlsx", sheet="Resultater")],
        error("InputFileError", "Resultater", "sheet", names="wrong_sheet.xlsx"),
    )
    padded = [[*r, None, None] for r in rows] + [[None] * 16] * 5
    case(
        "xlsx_trailing_empty_rows_columns",
        "formatted but empty rows and columns at the end",
        {"trailing.xlsx": lambda: _xlsx_with_styled_blanks(padded)},
        [source("trailing.xlsx", format="xlsx")],
        ok(8, 0),
    )
    titled = [["Forankringsundersøkelsen 2026 – kommuner"], [], *rows]
    case(
        "xlsx_title_row",
        "a title row and a blank row above the header",
        {"title.xlsx": lambda: xlsx_bytes({"Svar": titled})},
        [source("title.xlsx", format="xlsx")],
        ok(8, 0, [_record(8, "pll__beredskap", 4)]),
    )
    text_numbers = [rows[0]] + [[str(v) if isinstance(v, int) else v for v in r] for r in rows[1:]]
    coded = [text_numbers[0]] + [
        [*r[:5], *[str(a) for a in BASE_ROWS[i][4]], r[-1]] for i, r in enumerate(text_numbers[1:])
    ]
    case(
        "xlsx_numbers_as_text",
        "codes and answer times stored as text cells",
        {"text_numbers.xlsx": lambda: xlsx_bytes({"Svar": coded})},
        [source("text_numbers.xlsx", format="xlsx", values={"items": {"8": 8, "9": 9}})],
        ok(8, 0, [_record(2, "pll__medvirkning", 8), _record(1, "answer_time_s", 300.0)]),
    )
    numeric_org = [rows[0]] + [[*r[:3], int(r[3]), *r[4:]] for r in rows[1:]]
    case(
        "xlsx_leading_zero_lost",
        "municipality numbers as Excel numbers (301)",
        {"numeric_org.xlsx": lambda: xlsx_bytes({"Svar": numeric_org})},
        [source("numeric_org.xlsx", format="xlsx")],
        ok(8, 0, [_record(1, "org_id", "0301")]),
    )
    formula_text = [rows[0]] + [
        [*r[:-1], t]
        for r, t in zip(
            rows[1:],
            ["=1+1", "+47 99 88 77 66", "-1", "@A1", "<script>x()</script>", "ok", "ok", "ok"],
            strict=True,
        )
    ]
    case(
        "xlsx_formula_text",
        "comments that look like formulas, stored as text",
        {"formula_text.xlsx": lambda: xlsx_bytes({"Svar": formula_text}, text_cells=True)},
        [source("formula_text.xlsx", format="xlsx")],
        ok(8, 0, forbidden=["=1+1", "<script>"]),
    )
    case(
        "xlsx_english_labels",
        "English labels in an Excel export",
        {"english.xlsx": lambda: xlsx_bytes({"Svar": _base_xlsx_rows(LABELS_EN)})},
        [source("english.xlsx", format="xlsx")],
        ok(8, 0, [_record(6, "pll__medvirkning", 9)]),
    )
    dup = [list(rows[0]), *rows[1:]]
    dup[0][2] = "innsendt"
    case(
        "xlsx_duplicate_headers",
        "two header cells with the same text",
        {"dup_headers.xlsx": lambda: xlsx_bytes({"Svar": dup})},
        [source("dup_headers.xlsx", format="xlsx")],
        error("InputFileError", "innsendt", "repeat", names="dup_headers.xlsx"),
    )
    case(
        "xlsx_empty_workbook",
        "a workbook with one empty sheet",
        {"empty.xlsx": lambda: xlsx_bytes({"Ark1": []})},
        [source("empty.xlsx", format="xlsx")],
        error("InputFileError", "empty", names="empty.xlsx"),
    )


def _xlsx_with_styled_blanks(rows: list[list[object]]) -> bytes:
    book = _fixed_book()
    sheet = book.active
    sheet.title = "Svar"
    for row in rows:
        sheet.append(row)
    for r in range(1, len(rows) + 8):
        for c in range(len(rows[0]) + 1, len(rows[0]) + 4):
            sheet.cell(row=r, column=c).number_format = "0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return _zip_fixed_dates(buffer.getvalue())


def _register_sav() -> None:
    labels = {c: SAV_LABELS for c in ITEM_COLUMNS}
    case(
        "sav_codes_with_labels",
        "SPSS codes with value labels, 9 declared user-missing",
        {
            "codes.sav": lambda: sav_bytes(
                base_sav_frame(),
                variable_value_labels=labels,
                missing_ranges={c: [9.0] for c in ITEM_COLUMNS},
            )
        },
        [source("codes.sav", format="sav", columns=SAV_COLUMNS)],
        ok(
            8,
            0,
            [
                _record(1, "org_id", "0301"),
                _record(2, "pll__medvirkning", 8),
                _record(6, "pll__medvirkning", 9),
            ],
        ),
    )
    case(
        "sav_labels_no_codes",
        "SPSS string variables holding the label texts, no codes",
        {"labels_only.sav": lambda: sav_bytes(base_sav_frame(string_answers=True))},
        [source("labels_only.sav", format="sav", columns=SAV_COLUMNS)],
        ok(8, 0, [_record(1, "pll__kjennskap", 4), _record(6, "pll__medvirkning", 9)]),
    )
    frame = base_sav_frame()
    frame.loc[0, "pll_nytte"] = 7.0
    case(
        "sav_code_without_label",
        "a code (7) that has no value label",
        {"code7.sav": lambda: sav_bytes(frame, variable_value_labels=labels)},
        [source("code7.sav", format="sav", columns=SAV_COLUMNS)],
        error("MappingError", "'7'", "pll_nytte", names="code7.sav"),
    )
    case(
        "sav_no_rows",
        "an SPSS file with variables but no cases",
        {"no_rows.sav": lambda: sav_bytes(base_sav_frame().iloc[:0])},
        [source("no_rows.sav", format="sav", columns=SAV_COLUMNS)],
        error("InputFileError", "no data rows", names="no_rows.sav"),
    )


def _register_small_groups() -> None:
    one = base_records(rows=BASE_ROWS[:1])
    case(
        "one_respondent",
        "one respondent in the round's only group",
        {"one.csv": lambda: csv_bytes(one)},
        [source("one.csv")],
        ok(1, 0, analyse=True),
    )
    hospital_rows = [["id", "tid", "hf", "rolle", *ITEM_COLUMNS, "test"]] + [
        [f"H{i}", dt.datetime(2026, 3, 3, 10, i), "OUS", "Lege", *["Litt enig"] * 7, "ja"]
        for i in range(3)
    ]
    hospital = {
        "id": "helseforetak",
        "group": "hospital",
        "file": "hospital_tests.xlsx",
        "format": "xlsx",
        "columns": {
            "respondent_id": "id",
            "submitted_at": "tid",
            "org_id": "hf",
            "role": "rolle",
            "is_test": "test",
            **dict(zip(ITEMS, ITEM_COLUMNS, strict=True)),
        },
    }
    case(
        "group_with_no_respondents",
        "a hospital export whose every row is a test answer",
        {
            "base.csv": lambda: csv_bytes(base_records()),
            "hospital_tests.xlsx": lambda: xlsx_bytes({"Svar": hospital_rows}),
        },
        [source("base.csv"), hospital],
        ok(8, 3, analyse=True),
    )
    case(
        "base_round_analysed",
        "the base round through the analysis (strata of 2: suppressed)",
        {"base.csv": lambda: csv_bytes(base_records())},
        [source("base.csv")],
        ok(8, 0, analyse=True),
    )


def _xlsx_edited(rows: list[list[object]], edit: Callable[[bytes], bytes]) -> bytes:
    """A workbook of ``rows`` whose sheet XML is passed through ``edit`` (dates fixed)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Svar": rows})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, edit(data) if info.filename.endswith("sheet1.xml") else data)
    return out.getvalue()


def _register_limits() -> None:
    """Workbooks past the readers' size limits (issue #19): refused before they are read."""
    rows = _base_xlsx_rows()
    far = '<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
    case(
        "xlsx_far_away_cell",
        "one value at XFD1048576 (the reader allocated 512 GiB and aborted)",
        {
            "far_cell.xlsx": lambda: _xlsx_edited(
                rows,
                lambda xml: xml.replace(
                    b"</sheetData>", f'<row r="1048576">{far}</row></sheetData>'.encode()
                ),
            )
        },
        [source("far_cell.xlsx", format="xlsx")],
        error("InputFileError", "XFD1048576", "10,000,000 cells", names="far_cell.xlsx"),
    )
    case(
        "xlsx_zip_bomb",
        "a sheet padded with 4 MiB of spaces, compressed about 1,000 to 1",
        {
            "zip_bomb.xlsx": lambda: _xlsx_edited(
                rows, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (4 << 20))
            )
        },
        [source("zip_bomb.xlsx", format="xlsx")],
        error("InputFileError", "zip bomb", "100 to 1", names="zip_bomb.xlsx"),
    )


def build_cases() -> list[dict]:
    """Register and return every case (idempotent)."""
    if not CASES:
        for register in (
            _register_empty_and_junk,
            _register_encodings,
            _register_structure,
            _register_answers,
            _register_organisations_and_dates,
            _register_injection_and_pii,
            _register_xlsx,
            _register_sav,
            _register_small_groups,
            _register_limits,
        ):
            register()
    return CASES


def write_corpus(folder: Path = FILES, cases_file: Path = CASES_FILE) -> list[dict]:
    """Write every case's files and the manifest; return the manifest entries."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    manifest = []
    for entry in build_cases():
        for name, build in entry["files"].items():
            (folder / name).write_bytes(build())
        manifest.append({**entry, "files": sorted(entry["files"])})
    header = (
        "# Hostile-input corpus: written by tests/corpus/make_corpus.py (do not edit by hand).\n"
        "# Per case: files under files/, the round.yaml 'sources' used, and the expected outcome.\n"
    )
    text = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=100)
    cases_file.write_text(header + text, encoding="utf-8", newline="\n")
    return manifest


if __name__ == "__main__":
    written = write_corpus()
    print(f"{len(written)} cases written to {FILES} and {CASES_FILE}")

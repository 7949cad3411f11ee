"""The tables spreadsheet: sheets, number formats, frozen headers, filters, contents, bytes."""

import base64
import dataclasses
import io
import re

import openpyxl
import pytest

from _report_fixtures import build_round
from anchoring.instrument import Theme
from anchoring.report import (
    XLSX_FILE_NAMES,
    load_report,
    spreadsheet_section,
    write_spreadsheet,
    write_tables_xlsx,
)
from anchoring.report.numbers import (
    MINUS,
    NBSP,
    SUPPRESSED,
    format_number,
    format_p_value,
    format_percent,
)
from anchoring.report.xlsx import (
    FORMULA_STARTS,
    MAX_SHEET_NAME,
    MEDIA_TYPE,
    _sheets,
    measure_sheet_part,
    sheet_name,
    spreadsheet_bytes,
)

# Sheet names: contents and «about» first, then one sheet per table; the measures' sheets carry
# the measure's short name, or its last whole words when the name and the kind would pass
# Excel's 31 characters («Datadeling for digital hjemmeoppfølging» → «Hjemmeoppfølging»).
EXPECTED_SHEETS = {
    "nb": ["Innhold", "Om tabellene", "Oversikt", "PLL indeks", "PLL dimensjoner",
           "Journaldokumenter indeks", "Journaldokumenter dimensjoner",
           "Kritisk informasjon indeks", "Kritisk informasjon dimensjoner",
           "Hjemmeoppfølging indeks", "Hjemmeoppfølging dimensjoner", "Svarprosent",
           "Svarprosent per region", "Barrierer", "Endring", "Rader tatt ut",
           "Fjernet fra fritekst"],
    "en": ["Contents", "About the tables", "Overview", "PLL index", "PLL dimensions",
           "Document sharing index", "Document sharing dimensions",
           "Critical information index", "Critical information dimensions",
           "Home follow-up index", "Home follow-up dimensions", "Response rates",
           "Response rates by region", "Barriers", "Change", "Rows excluded",
           "Removed from free text"],
}  # fmt: skip
FIRST_TABLE_SHEET = 2  # after the contents and «about» sheets
FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\tTAB", "\rCR"]  # fmt: skip


@pytest.fixture()
def root(tmp_path):
    build_round(tmp_path)
    return tmp_path


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_sheet_names_and_headers_in_the_report_language(root, tmp_path, lang):
    path = write_tables_xlsx(load_report(root, "fixture", lang), tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == EXPECTED_SHEETS[lang]
    overview = book[EXPECTED_SHEETS[lang][FIRST_TABLE_SHEET]]
    headers = [c.value for c in overview[2]]
    assert headers[0] == {"nb": "Tiltak", "en": "Measure"}[lang]
    assert headers[-1] == "Status"


def test_suppressed_cells_are_colons_and_values_are_numbers(root, tmp_path):
    book = openpyxl.load_workbook(
        write_tables_xlsx(load_report(root, "fixture", "nb"), tmp_path / "t.xlsx")
    )
    rows = {r[0].value: r for r in book["Oversikt"].iter_rows(min_row=3)}
    dho = rows["Datadeling for digital hjemmeoppfølging"]
    # Columns: measure, then per group/sector value, lower, upper (3 each), then status.
    municipality, hospital = dho[1:4], dho[4:7]
    assert municipality[0].value == pytest.approx(45.0) and municipality[0].data_type == "n"
    assert [c.value for c in hospital] == [SUPPRESSED] * 3


def test_no_cell_runs_as_a_formula(root, tmp_path):
    report = load_report(root, "fixture", "en")
    themes = tuple(
        Theme(t.id, {"nb": f, "en": f}, t.keywords_nb)
        for t, f in zip(report.instrument.themes, [*FORMULAS, "ok"], strict=False)
    )
    evil = dataclasses.replace(
        report, instrument=dataclasses.replace(report.instrument, themes=themes)
    )
    book = openpyxl.load_workbook(write_tables_xlsx(evil, tmp_path / "t.xlsx"))
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} lacks the prefix"
                    seen.add(cell.value)
    assert {f for f in FORMULAS if not f.startswith("\r")} <= seen


def test_same_estimates_give_the_same_bytes(root, tmp_path):
    report = load_report(root, "fixture", "nb")
    a = write_tables_xlsx(report, tmp_path / "a.xlsx").read_bytes()
    b = write_tables_xlsx(report, tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_the_spreadsheet_is_written_by_its_own_step_and_the_section_embeds_the_same_bytes(root):
    report = load_report(root, "fixture", "nb")
    path = report.paths.reports_dir / XLSX_FILE_NAMES["nb"]
    path.unlink(missing_ok=True)
    html = spreadsheet_section(report).html
    assert not path.exists()
    assert write_spreadsheet(report) == path and path.is_file()
    link = re.search(r'<a href="data:([^;"]+);base64,([A-Za-z0-9+/=]+)" download="([^"]+)">', html)
    assert link, html[:200]
    assert link.group(1) == MEDIA_TYPE and link.group(3) == XLSX_FILE_NAMES["nb"]
    assert base64.b64decode(link.group(2), validate=True) == path.read_bytes()


def test_sheet_names_are_valid_unique_and_of_whole_words():
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("A B C", taken) == "A B C (2)"
    long = "Datadeling for digital hjemmeoppfølging i kommunene"
    assert sheet_name(long, taken) == "Datadeling for digital"
    assert sheet_name(long, taken) == "Datadeling for digital (2)"
    assert len(sheet_name("x" * 40, taken)) == MAX_SHEET_NAME  # one word: cut, nothing else fits


def test_a_measure_keeps_its_last_whole_words_and_no_leading_preposition():
    assert measure_sheet_part("deling av journaldokumenter", 19) == "Journaldokumenter"
    assert measure_sheet_part("data sharing for digital home follow-up", 22) == (
        "Digital home follow-up"
    )
    assert measure_sheet_part("data sharing for digital home follow-up", 21) == "Home follow-up"
    assert measure_sheet_part("PLL", 19) == "PLL"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_sheet_names_fit_are_unique_and_cut_no_word(root, lang):
    report = load_report(root, "fixture", lang)
    names = openpyxl.load_workbook(io_bytes(report)).sheetnames
    assert all(0 < len(n) <= MAX_SHEET_NAME for n in names)
    assert len({n.lower() for n in names}) == len(names)
    shorts = {m: report.labels.measure_short(m).lower().split() for m in report.measures}
    for name, (title, _) in zip(names[FIRST_TABLE_SHEET:], _sheets(report), strict=True):
        assert name == title  # every title fits: nothing was cut
    measure_names = names[FIRST_TABLE_SHEET + 1 : FIRST_TABLE_SHEET + 1 + 2 * len(shorts)]
    for name, measure in zip(measure_names, [m for m in shorts for _ in (1, 2)], strict=True):
        *part, _kind = name.lower().split()
        assert part == shorts[measure][len(shorts[measure]) - len(part) :]  # whole last words


def io_bytes(report):
    """The workbook in memory, as openpyxl reads it."""
    return io.BytesIO(spreadsheet_bytes(report))


def _shown(value, number_format: str, lang: str) -> str:
    """What Excel shows for ``value`` in the few format shapes the spreadsheet uses.

    Written from Excel's format-code rules (sections ``positive;negative;zero``, an optional
    ``[<limit]`` condition, quoted literals, ``%`` multiplying by 100, ``#,##0`` grouping, the
    decimals given by the zeros after «.»), with the report's separators; independent of the
    module's own choice of formats.
    """
    condition = re.fullmatch(r'\[<([0-9.]+)\]"([^"]*)";(.*)', number_format)
    if condition:
        if value < float(condition.group(1)):
            return condition.group(2)
        number_format = condition.group(3)
    sections = number_format.split(";")
    if len(sections) == 3:
        section = sections[0] if value > 0 else sections[1] if value < 0 else sections[2]
        sign = section[0] if section[0] in "+-" else ""
        body, magnitude = section.lstrip("+-"), abs(value)
    else:
        sign, body, magnitude = ("-" if value < 0 else ""), sections[0], abs(value)
    percent = body.endswith("%")
    places = len(body.split(".")[1].rstrip(" %")) if "." in body else 0
    digits = f"{magnitude * (100 if percent else 1):,.{places}f}"
    if float(digits.replace(",", "")) == 0:
        sign = ""
    if lang == "nb":
        digits = digits.replace(",", " ").replace(".", ",")
    suffix = (" %" if " %" in body else "%") if percent else ""
    return sign + digits + suffix


def _plain(text: str) -> str:
    return text.replace(NBSP, " ").replace(MINUS, "-")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_number_shows_as_the_report_shows_it(root, lang):
    """Each number cell, shown through its format, reads as the HTML table's cell text."""
    report = load_report(root, "fixture", lang)
    book = openpyxl.load_workbook(io_bytes(report))
    checked = 0
    for sheet, (_, table) in zip(book.worksheets[FIRST_TABLE_SHEET:], _sheets(report), strict=True):
        headers, _ = table.to_records()
        position = {h: j for j, h in enumerate(headers, start=1)}
        for i, row in enumerate(table.rows, start=3):
            for column, cell in zip(table.columns, row, strict=True):
                target = sheet.cell(i, position[column.header])
                if cell.is_suppressed:
                    assert target.value == SUPPRESSED and target.data_type == "s"
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert target.data_type == "n", f"{sheet.title}!{target.coordinate}"
                    shown = _shown(target.value, target.number_format, lang)
                    assert _plain(cell.text).startswith(_plain(shown)), (
                        f"{sheet.title}!{target.coordinate}: {shown!r} vs {cell.text!r}"
                    )
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_index_share_and_p_columns_get_the_report_precision(root, lang):
    report = load_report(root, "fixture", lang)
    change = report.change.copy()
    change.loc[change.index[0], "p_value_holm"] = 2e-27  # shown «< 0,001», never «0,000»
    report = dataclasses.replace(report, change=change)
    book = openpyxl.load_workbook(io_bytes(report))
    sheets = book.sheetnames
    overview, dimensions = book[sheets[FIRST_TABLE_SHEET]], book[sheets[FIRST_TABLE_SHEET + 2]]
    index = overview["B3"]
    assert index.number_format == "#,##0.0"
    assert _shown(index.value, index.number_format, lang) == _plain(
        format_number(index.value, lang, 1)
    )
    share = dimensions["B3"]
    assert share.number_format == {"nb": "0 %", "en": "0%"}[lang]
    assert _shown(share.value, share.number_format, lang) == _plain(
        format_percent(share.value, lang)
    )
    p_sheet = book[EXPECTED_SHEETS[lang][EXPECTED_SHEETS["nb"].index("Endring")]]
    header = [c.value for c in p_sheet[2]]
    p_column = header.index(report.labels.text("p_holm")) + 1
    tiny = p_sheet.cell(3, p_column)
    assert tiny.value == pytest.approx(2e-27) and tiny.data_type == "n"
    assert tiny.number_format == f'[<0.001]"{format_p_value(0, lang)}";0.000'
    assert _shown(tiny.value, tiny.number_format, lang) == format_p_value(2e-27, lang)
    for row in range(3, p_sheet.max_row + 1):
        cell = p_sheet.cell(row, p_column)
        if isinstance(cell.value, float) and cell.value >= 0.001:
            assert _shown(cell.value, cell.number_format, lang) == format_p_value(cell.value, lang)


def test_every_table_sheet_freezes_its_header_and_filters_its_table(root):
    report = load_report(root, "fixture", "nb")
    book = openpyxl.load_workbook(io_bytes(report))
    for sheet, (_, table) in zip(book.worksheets[FIRST_TABLE_SHEET:], _sheets(report), strict=True):
        headers, records = table.to_records()
        assert sheet["A1"].value == table.caption
        assert [c.value for c in sheet[2]][: len(headers)] == headers
        assert sheet.freeze_panes == "B3", sheet.title
        last = openpyxl.utils.get_column_letter(len(headers))
        assert sheet.auto_filter.ref == f"A2:{last}{2 + len(records)}", sheet.title
        notes = [
            sheet.cell(2 + len(records) + 2 + k, 1).value for k in range(len(table.all_notes()))
        ]
        assert notes == table.all_notes()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_contents_sheet_links_every_sheet_with_its_title(root, lang):
    report = load_report(root, "fixture", lang)
    book = openpyxl.load_workbook(io_bytes(report))
    contents = book.worksheets[0]
    assert contents.freeze_panes == "A3"
    rows = list(contents.iter_rows(min_row=3))
    assert [r[0].value for r in rows] == book.sheetnames[1:]
    for row in rows:
        assert row[0].hyperlink.location == f"'{row[0].value}'!A1"
    titles = [r[1].value for r in rows]
    assert titles[0] == report.labels.text("sheet_about")
    assert titles[1:] == [table.caption for _, table in _sheets(report)]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_about_sheet_explains_the_numbers(root, lang):
    report = load_report(root, "fixture", lang)
    about = openpyxl.load_workbook(io_bytes(report)).worksheets[1]
    text = " ".join(str(c.value) for r in about.iter_rows() for c in r if c.value)
    settings = report.config.estimation
    assert report.labels.text("note_index") in text
    assert (
        report.labels.text("note_suppressed", min_n=settings.min_n, min_orgs=settings.min_orgs)
        in text
    )
    assert "fixture" in text and "95" in text and format_p_value(0, lang) in text

"""The tables spreadsheet: sheet names per language, suppression, no formula cells, determinism."""

import dataclasses

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
from anchoring.report.numbers import SUPPRESSED
from anchoring.report.xlsx import FORMULA_STARTS, sheet_name

# Sheet names: the report's words, then the measures' short names capitalised and cut at
# Excel's limit of 31 characters («Datadeling for digital hjemmeoppfølging»[:31]).
EXPECTED_SHEETS = {
    "nb": ["Oversikt", "PLL", "Deling av journaldokumenter", "Kritisk informasjon",
           "Datadeling for digital hjemmeop", "Svarprosent", "Barrierer", "Endring",
           "Datakvalitet"],
    "en": ["Overview", "PLL", "Record document sharing", "Critical information",
           "Data sharing for digital home f", "Response rates", "Barriers", "Change",
           "Data quality"],
}  # fmt: skip
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
    overview = book[EXPECTED_SHEETS[lang][0]]
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


def test_the_spreadsheet_is_written_by_its_own_step_and_the_section_only_links_it(root):
    report = load_report(root, "fixture", "nb")
    path = report.paths.reports_dir / XLSX_FILE_NAMES["nb"]
    path.unlink(missing_ok=True)
    block = spreadsheet_section(report)
    assert f'href="{XLSX_FILE_NAMES["nb"]}"' in block.html
    assert not path.exists()
    assert write_spreadsheet(report) == path and path.is_file()


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("A B C", taken) == "A B C (2)"
    assert len(sheet_name("x" * 40, taken)) == 31

"""The regional view: the index per county and RHF, as the analysis stage published it."""

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from _report_fixtures import REAL_ROUND, build_round, real_round_root
from anchoring.frames import qualify_stratum
from anchoring.paths import RoundPaths
from anchoring.report import load_report
from anchoring.report.estimates import Estimate
from anchoring.report.figure_regional import build_regional_figure
from anchoring.report.figures import regional_figure
from anchoring.report.numbers import SUPPRESSED, format_interval, format_number
from anchoring.report.regional import regional_section, regional_sheets
from anchoring.report.strata import Region, clearly_lowest
from anchoring.report.xlsx import HEADER_ROW, build_workbook


class _Tables(HTMLParser):
    """Every ``<table id>`` of a page as rows of cell texts (a cell's detail line after a «|»)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "span" and self._cell is not None:
            self._cell.append("|")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._table[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """A simulated round cleaned and analysed by the pipeline's own stages."""
    root = real_round_root(tmp_path_factory.mktemp("regional"))
    return root, load_report(root, REAL_ROUND, "nb")


def _published_strata(root, group: str) -> pd.DataFrame:
    """The per-county index rows of ``estimates.parquet``, read straight from the file."""
    table = pd.read_parquet(RoundPaths(root, REAL_ROUND).estimates_file)
    return table[
        (table["breakdown"] == "stratum")
        & (table["statistic"] == "mean")
        & (table["dimension"] == "index")
        & (table["group"] == group)
    ]


def test_regional_table_shows_every_county_value_of_the_municipalities(real):
    root, report = real
    rows = _tables(regional_section(report).html)["table-regions-municipality"]
    header, body = rows[0], rows[1:]
    by_county = {row[0]: row for row in body}
    names = dict(
        zip(
            report.frames["municipality"].strata["stratum"],
            report.frames["municipality"].strata["stratum_name"],
            strict=True,
        )
    )
    assert list(by_county) == list(names.values())  # every county, in frame order
    columns = {m: 1 + k for k, m in enumerate(report.measures)}
    assert len(header) == 1 + len(columns)
    published = _published_strata(root, "municipality")
    assert published["is_suppressed"].any() and (~published["is_suppressed"]).any()
    for row in published.itertuples(index=False):
        cell = by_county[names[row.domain]][columns[row.measure]]
        if row.is_suppressed:
            assert cell == SUPPRESSED
        else:
            value, _, interval = cell.partition("|")
            assert value == format_number(row.estimate, "nb")
            assert interval == f"({format_interval(row.ci_low, row.ci_high, 'nb')})"
    checked = {
        (names[d], m) for d, m in zip(published["domain"], published["measure"], strict=True)
    }
    assert checked == {(c, m) for c in by_county for m in columns}  # no cell left unchecked


def test_a_hidden_county_carries_the_footnote(real):
    _, report = real
    html = regional_section(report).html
    note = report.labels.text("note_suppressed", min_n=5, min_orgs=3).split(",")[0]
    start = html.index('id="table-regions-municipality"')
    assert note in html[start : html.index("</div>", start)]


def test_every_group_has_its_table_and_sheet(real):
    _, report = real
    tables = _tables(regional_section(report).html)
    assert {"table-regions-municipality", "table-regions-hospital", "table-regions-gp"} <= set(
        tables
    )
    rhfs = [row[0] for row in tables["table-regions-hospital"][1:]]
    assert rhfs == list(report.frames["hospital"].strata["stratum_name"])
    assert [name for name, _ in regional_sheets(report)] == [
        "Kommuner per region",
        "Helseforetak per region",
        "Fastleger per region",
    ]


def test_the_spreadsheet_holds_the_same_county_values(real):
    root, report = real
    sheet = build_workbook(report)["Kommuner per region"]
    headers = [c.value for c in sheet[HEADER_ROW]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    names = dict(
        zip(
            report.frames["municipality"].strata["stratum"],
            report.frames["municipality"].strata["stratum_name"],
            strict=True,
        )
    )
    for row in _published_strata(root, "municipality").itertuples(index=False):
        short = report.labels.measure_short(row.measure)
        column = headers.index(short[:1].upper() + short[1:])
        value = rows[names[row.domain]][column]
        if row.is_suppressed:
            assert value == SUPPRESSED
        else:
            assert value == pytest.approx(row.estimate)
            assert rows[names[row.domain]][column + 1] == pytest.approx(row.ci_low)


def test_regional_figure_is_inline_svg_with_title_and_description(real):
    _, report = real
    measure = report.measures[0]
    figure = regional_figure(report, measure)
    assert figure is not None
    html = figure.to_html()
    assert html.startswith("<figure") and "<figcaption>" in html
    assert figure.svg.startswith('<svg role="img"')
    assert f'<title id="{figure.figure_id}-title">' in figure.svg
    assert f'<desc id="{figure.figure_id}-desc">' in figure.svg
    assert "<image" not in figure.svg and "data:image/png" not in figure.svg
    # The description names every county with its value or ":".
    shown = _published_strata(real[0], "municipality")
    shown = shown[shown["measure"] == measure]
    for row in shown.itertuples(index=False):
        value = SUPPRESSED if row.is_suppressed else format_number(row.estimate, "nb")
        name = report.frames["municipality"].strata.set_index("stratum").loc[row.domain]
        assert f"{name['stratum_name']} {value}" in figure.description


def test_no_regional_section_without_stratum_estimates(tmp_path):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", "en")
    assert regional_section(report).html == ""
    assert regional_sheets(report) == []
    assert build_regional_figure(report, "pll") is None


def _estimate(value: float, half: float) -> Estimate:
    return Estimate(value, half / 1.96, value - half, value + half, 30, 10, False)


def _regions(*values: tuple[float, float]) -> list[Region]:
    return [Region(f"municipality:{k:02d}", f"R{k}", _estimate(*v)) for k, v in enumerate(values)]


def test_lowest_is_named_only_when_its_interval_clears_every_other():
    clear = _regions((70, 3), (66, 3), (50, 4), (72, 2))
    assert clearly_lowest(clear).name == "R2"
    # One other interval reaches down into the lowest one: no claim.
    assert clearly_lowest(_regions((70, 3), (58, 5), (50, 4), (72, 2))) is None
    # A hidden region might be lower still; two regions are too few to call one the lowest.
    hidden = [*clear, Region("municipality:09", "R9", Estimate(*[None] * 4, 2, 1, True))]
    assert clearly_lowest(hidden) is None
    missing = [*clear, Region("municipality:09", "R9", None)]
    assert clearly_lowest(missing) is None
    assert clearly_lowest(_regions((70, 1), (40, 1))) is None


def _with_county_rows(tmp_path, lowest: str | None) -> None:
    """Add per-county PLL rows to the fixture round: all near 70, ``lowest`` at 40 if named."""
    paths = build_round(tmp_path, previous=None)
    table = pd.read_parquet(paths.estimates_file)
    template = table[
        (table["measure"] == "pll")
        & (table["group"] == "municipality")
        & (table["statistic"] == "mean")
        & (table["dimension"] == "index")
    ].iloc[0]
    strata = load_report(tmp_path, "fixture", "nb").frames["municipality"].strata
    rows = []
    for k, code in enumerate(strata["stratum_code"]):
        value = 40.0 if code == lowest else 70.0 + (k % 3)
        row = template.copy()
        row["breakdown"], row["domain"] = "stratum", qualify_stratum("municipality", code)
        row["estimate"], row["se"] = value, 2.0
        row["ci_low"], row["ci_high"] = value - 3.92, value + 3.92
        rows.append(row)
    extra = pd.DataFrame(rows).astype(table.dtypes.to_dict())
    pd.concat([table, extra], ignore_index=True).to_parquet(paths.estimates_file, index=False)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_title_names_a_clearly_lowest_county_and_the_plot_puts_it_last(tmp_path, lang):
    _with_county_rows(tmp_path, "42")
    report = load_report(tmp_path, "fixture", lang)
    figure = regional_figure(report, "pll")
    expected = {"nb": "Kommunene i Agder ligger lavest på PLL", "en": "The municipalities in Agder"}
    assert figure.title.startswith(expected[lang])
    drawn = build_regional_figure(report, "pll")
    names = [t.get_text() for t in drawn.axes[0].get_yticklabels()]
    assert names[-1] == "Agder" and len(names) == 15
    values = [float(v.replace(",", ".")) for v in _right_values(drawn.axes[0])]
    assert values == sorted(values, reverse=True)


def _right_values(ax) -> list[str]:
    """The values printed beside the points (the texts that are numbers), top to bottom."""
    return [t.get_text() for t in ax.texts if re.fullmatch(r"\d+[.,]\d", t.get_text())]


def test_without_a_clear_lowest_the_title_claims_nothing(tmp_path):
    _with_county_rows(tmp_path, None)
    report = load_report(tmp_path, "fixture", "nb")
    assert regional_figure(report, "pll").title == (
        "Forankringsindeksen for PLL per fylke og regionalt helseforetak"
    )

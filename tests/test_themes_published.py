"""The barrier-theme counts and the last response as published tables (issue 16, one data contract).

The analysis publishes ``themes.parquet`` (:mod:`anchoring.analysis.themes`, suppression
:func:`anchoring.analysis.suppression.suppress_theme_counts`) and the cleaning stage the last
response in ``quality.json``; the report reads those and never ``responses.parquet``. The counts
are checked against a count of ``responses.parquet`` made here with pandas; the report against
the same count, and against itself on a copy of the round whose respondent rows were deleted.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from _report_fixtures import REAL_PREVIOUS, REAL_ROUND, real_round_root
from anchoring.analysis.suppression import (
    MIN_THEME_COUNT,
    SECONDARY_SECTOR,
    TOO_FEW_MENTIONS,
    suppress_theme_counts,
)
from anchoring.groups import GROUPS, SECTOR
from anchoring.instrument import load_instrument
from anchoring.paths import RoundPaths
from anchoring.report import load_report, title_section
from anchoring.report.numbers import SUPPRESSED, format_count
from anchoring.report.tables import response_table, theme_table
from anchoring.schema import THEMES

REPORT_PACKAGE = Path(__file__).resolve().parent.parent / "src" / "anchoring" / "report"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    root = real_round_root(tmp_path_factory.mktemp("themes"))
    return root, RoundPaths(root, REAL_ROUND)


def _counted_here(responses: pd.DataFrame) -> pd.DataFrame:
    """Respondents per group flagged with each theme, counted directly with pandas."""
    flags = [c for c in responses.columns if c.startswith("theme__")]
    long = responses.melt(id_vars="group", value_vars=flags, var_name="theme", value_name="said")
    long["said"] = long["said"].fillna(False).astype(bool)
    counts = long.groupby(["group", "theme"])["said"].sum().unstack("group", fill_value=0)
    counts.index = counts.index.str.removeprefix("theme__")
    return counts.reindex(columns=list(GROUPS), fill_value=0).astype(int)


def test_themes_parquet_is_written_as_declared(real):
    _, paths = real
    written = pq.read_schema(paths.processed_dir / THEMES.file).remove_metadata()
    assert written.equals(THEMES.arrow_schema())


def test_the_analysis_counts_the_theme_flags_of_the_responses(real):
    _, paths = real
    responses = pd.read_parquet(paths.responses_file)
    table = pd.read_parquet(paths.processed_dir / THEMES.file)
    expected = _counted_here(responses)
    themes = load_instrument().theme_ids()
    assert sorted(expected.index) == sorted(themes)
    assert expected.to_numpy().sum() > 0  # the simulated comments mention themes
    assert table["round_id"].unique().tolist() == [REAL_ROUND]
    assert table[["group", "theme"]].values.tolist() == [
        [g, t] for g in (*GROUPS, SECTOR) for t in themes
    ]
    published = table.pivot(index="theme", columns="group", values="count")
    for group in GROUPS:
        assert published[group].to_dict() == expected[group].to_dict(), group
    assert published[SECTOR].to_dict() == expected.sum(axis=1).to_dict()
    sizes = responses["group"].value_counts()
    for group in GROUPS:
        assert (table.loc[table["group"] == group, "respondents"] == sizes[group]).all()
    assert (table.loc[table["group"] == SECTOR, "respondents"] == len(responses)).all()
    # hidden exactly where a group's count is 1 or 2, and the theme's total with it
    small = (published[list(GROUPS)] > 0) & (published[list(GROUPS)] < MIN_THEME_COUNT)
    flagged = table.pivot(index="theme", columns="group", values="is_suppressed")
    assert flagged[list(GROUPS)].equals(small)
    assert flagged[SECTOR].equals(small.any(axis=1).rename(SECTOR))


def test_a_small_theme_count_and_its_total_are_flagged_and_kept():
    counts = {"municipality": 7, "hospital": 2, "gp": 0}
    table = pd.DataFrame(
        {
            "round_id": "r",
            "group": [*GROUPS, SECTOR] * 2,
            "theme": ["okonomi"] * 4 + ["kapasitet"] * 4,
            "count": [*counts.values(), 9, 3, 4, 5, 12],
            "respondents": [40, 20, 30, 90] * 2,
            "is_suppressed": False,
            "suppression_reason": "",
        }
    )
    hidden = suppress_theme_counts(table)
    assert hidden["suppression_reason"].tolist() == [
        "",
        TOO_FEW_MENTIONS,
        "",  # zero is shown
        SECONDARY_SECTOR,
        *[""] * 4,
    ]
    assert hidden["is_suppressed"].tolist() == [False, True, False, True, *[False] * 4]
    assert hidden["count"].tolist() == table["count"].tolist()
    assert tuple(hidden.columns) == THEMES.names


def test_quality_json_holds_the_last_response_and_the_report_reads_it(real):
    root, paths = real
    responses = pd.read_parquet(paths.responses_file)
    quality = json.loads(paths.quality_file.read_text(encoding="utf-8"))
    last = pd.Timestamp(quality["totals"]["last_response_at"])
    assert last == responses["submitted_at"].max()
    report = load_report(root, REAL_ROUND, "nb")
    assert report.last_response_at == last
    assert report.respondents == responses["group"].value_counts().to_dict()


def test_the_report_shows_the_theme_counts_of_the_responses(real):
    root, paths = real
    expected = _counted_here(pd.read_parquet(paths.responses_file))
    report = load_report(root, REAL_ROUND, "en")
    table = theme_table(report)
    assert len(table.rows) == len(expected)
    for row in table.rows:
        theme = next(t for t in expected.index if report.labels.theme(t) == row[0].text)
        values = expected.loc[theme]
        hidden = [0 < v < MIN_THEME_COUNT for v in values]
        shown = [
            SUPPRESSED if h else format_count(int(v), "en")
            for v, h in zip(values, hidden, strict=True)
        ]
        total = SUPPRESSED if any(hidden) else format_count(int(values.sum()), "en")
        assert [c.text for c in row[1:]] == [*shown, total], theme
    in_order = expected.reindex(report.instrument.theme_ids())  # ties keep instrument order
    totals = in_order.sum(axis=1).sort_values(ascending=False, kind="stable")
    assert [r[0].text for r in table.rows] == [report.labels.theme(t) for t in totals.index]


def test_the_report_needs_no_respondent_rows(real, tmp_path):
    root, _ = real
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    for round_id in (REAL_ROUND, REAL_PREVIOUS):
        RoundPaths(copy, round_id).responses_file.unlink()
    for lang in ("nb", "en"):
        original, without = load_report(root, REAL_ROUND, lang), load_report(copy, REAL_ROUND, lang)
        for build in (theme_table, response_table):
            assert build(without).to_html() == build(original).to_html()
        assert title_section(without).html == title_section(original).html
        assert without.last_response_at is not None


def test_no_report_module_reads_the_respondent_rows():
    pattern = re.compile(r"responses\.parquet|responses_file|RESPONSES\b|theme__")
    readers = {
        path.name: pattern.findall(path.read_text(encoding="utf-8"))
        for path in REPORT_PACKAGE.glob("*.py")
    }
    # inputs.py names the file only to say it is not read
    assert {name: found for name, found in readers.items() if found} == {
        "inputs.py": ["responses.parquet"]
    }

"""Tests of anchoring.pipeline.stages: the stages, their executions and report languages."""

from __future__ import annotations

import pytest

from anchoring.exceptions import PipelineError
from anchoring.pipeline.stages import STAGES, report_languages


def test_three_stages_in_order_with_the_architecture_files():
    assert [s.notebook for s in STAGES] == ["01_clean.ipynb", "02_analyse.ipynb", "03_report.ipynb"]
    assert set(STAGES[0].required_outputs) == {
        "responses.parquet",
        "exclusions.parquet",
        "quality.json",
    }
    assert set(STAGES[1].required_outputs) == {
        "estimates.parquet",
        "status.parquet",
        "group_tests.parquet",
        "drivers.parquet",
        "sensitivity.parquet",
        "distributions.parquet",
        "themes.parquet",
    }


def test_report_runs_once_per_language_with_its_own_file_names():
    report = STAGES[2].executions("2025", report_languages("both"))
    assert [(e.executed_name, e.html_name, e.parameters) for e in report] == [
        ("03_report.nb.ipynb", "rapport.nb.html", {"round_id": "2025", "lang": "nb"}),
        ("03_report.en.ipynb", "report.en.html", {"round_id": "2025", "lang": "en"}),
    ]
    (clean,) = STAGES[0].executions("2025", ("en",))
    assert (clean.executed_name, clean.html_name, clean.parameters) == (
        "01_clean.ipynb",
        None,
        {"round_id": "2025"},
    )


def test_unknown_language_is_refused():
    assert report_languages("en") == ("en",)
    with pytest.raises(PipelineError, match="unknown report language 'de'"):
        report_languages("de")

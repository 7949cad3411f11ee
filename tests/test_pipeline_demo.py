"""Tests of anchoring.pipeline.demo: simulate the demo rounds once, run both, return the reports.

The notebooks are the tiny stand-ins (the real ones are exercised end to end in
``test_pipeline_run.py``); the simulation is the real :func:`simulate_demo_rounds`.
"""

from __future__ import annotations

import json

import pytest

import anchoring.pipeline.render
import anchoring.simulate
from _pipeline_fixtures import fake_render_report, write_tiny_notebooks
from anchoring.paths import RoundPaths
from anchoring.pipeline import run_demo
from anchoring.pipeline.demo import DEMO_ROUNDS, demo_raw_unchanged

pytestmark = pytest.mark.slow


def test_demo_simulates_once_runs_both_rounds_and_returns_the_demo_reports(tmp_path, monkeypatch):
    monkeypatch.setattr(anchoring.pipeline.render, "render_report", fake_render_report)
    notebooks = write_tiny_notebooks(tmp_path / "notebooks")
    root = tmp_path / "root"
    assert not demo_raw_unchanged(root)
    reports = run_demo(root, notebooks_dir=notebooks)
    demo = RoundPaths(root, "demo")
    assert reports == [demo.reports_dir / "rapport.nb.html", demo.reports_dir / "report.en.html"]
    assert all(p.is_file() for p in reports)
    for round_id in DEMO_ROUNDS:
        assert RoundPaths(root, round_id).manifest_file.is_file()
    manifest = json.loads(demo.manifest_file.read_text(encoding="utf-8"))
    assert manifest["parameters"]["earlier_rounds"] == ["demo-previous"]
    assert demo_raw_unchanged(root)

    def must_not_simulate(root):
        raise AssertionError("simulated again although the raw folders are unchanged")

    monkeypatch.setattr(anchoring.simulate, "simulate_demo_rounds", must_not_simulate)
    assert run_demo(root, notebooks_dir=notebooks) == reports
    manifest = json.loads(demo.manifest_file.read_text(encoding="utf-8"))
    assert manifest["skipped_stages"] == ["clean", "analyse", "report"]

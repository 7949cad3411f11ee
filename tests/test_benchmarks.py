"""Smoke tests of the performance suite (``benchmarks/``), so that it cannot rot.

The full suite (``make bench``) takes 10–15 minutes on two cores and is not part of ``make test``;
here the harness runs end to end on one tiny simulated round (``--quick``), and the pieces
that decide the figures (memory measurement, agreement, the Markdown writer) are checked on
inputs whose answer is known.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.cleaning_compare import build_nettskjema_round, no_rule_inputs  # noqa: E402
from benchmarks.cleaning_skeleton import (  # noqa: E402
    clean_without_rules,
    clean_without_rules_in_polars,
)
from benchmarks.jupyter_floor import empty_code_cells  # noqa: E402
from benchmarks.report import BEGIN, END, write_performance_doc  # noqa: E402
from benchmarks.results import Result, relative_difference  # noqa: E402
from benchmarks.survey_compare import max_differences, svy_available  # noqa: E402
from benchmarks.timing import run_measured, time_interleaved  # noqa: E402


def _result(figure: float = 2.0) -> Result:
    return Result("1. x / y", "10^4", figure, "×", "≥ 1×", figure >= 1, 0.5, "y", 1.0, 3)


def test_quick_run_writes_a_table(tmp_path):
    out = tmp_path / "performance.md"
    command = [
        sys.executable,
        "-m",
        "benchmarks",
        "--quick",
        "--no-r",
        "--only",
        "survey,cleaning,analysis",
        "--workdir",
        str(tmp_path / "work"),
        "--out",
        str(out),
        "--strict",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    # svy is a benchmark-only package (`make bench` installs it); without it the table says so.
    survey_row = "1. mean by group" if svy_available() else "svy not installed"
    for comparison in (survey_row, "2. clean_round", "no rule applied", "3. analyse_round"):
        assert comparison in text
    assert "**CPU**" in text and "**BLAS**" in text
    assert "FAILED" not in text


def test_generated_part_is_replaced_and_prose_kept(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Preface\n\nmethod.\n\n{BEGIN}\nold table\n{END}\n\n## Profiles\n\nkept.\n")
    write_performance_doc(doc, [_result()], {"CPU": "test"}, ["a note"])
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Preface\n\nmethod.\n")
    assert "old table" not in text
    assert "## Profiles\n\nkept." in text
    assert "| 1 | 1. x / y | 10^4 | 2.00× | ≥ 1× | yes |" in text
    assert text.count(BEGIN) == 1 and text.count(END) == 1


def test_peak_memory_of_a_child_is_measured():
    # A child that holds 300 MB of touched memory must show at least that as its peak.
    code = "b = bytearray(300 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    run = run_measured([sys.executable, "-c", code])
    assert run.returncode == 0
    assert run.max_rss_bytes >= 300 * 1024 * 1024
    assert run.max_rss_bytes < 600 * 1024 * 1024


def test_interleaved_timing_returns_every_repetition():
    timings, results = time_interleaved({"a": lambda: 1, "b": lambda: 2}, reps=3)
    assert [t.reps for t in timings.values()] == [3, 3]
    assert results == {"a": 1, "b": 2}


def test_agreement_is_relative_and_domainwise():
    ours = pd.DataFrame({"domain": ["a", "b"], "estimate": [10.0, 0.5], "se": [1.0, 0.0]})
    other = pd.DataFrame({"domain": ["b", "a"], "estimate": [0.5, 10.1], "se": [0.0, 1.0]})
    est, se = max_differences(ours, other)
    assert est == pytest.approx(0.1 / 10.1)  # |10 − 10.1| / 10.1
    assert se == 0.0
    missing = other.iloc[:1]
    assert max_differences(ours, missing) == (float("inf"), float("inf"))
    assert relative_difference(0.0, 1e-17) < 1e-7  # zero SEs compare as equal
    # Rounding noise next to an exact zero SE is measured against 1e-6 of the largest estimate.
    noisy = ours.assign(se=[1.0, 2e-12])
    assert max_differences(noisy, other)[1] == pytest.approx(2e-12 / (1e-6 * 10.0))
    empty = pd.DataFrame({"domain": ["c"], "estimate": [float("nan")], "se": [float("nan")]})
    assert max_differences(pd.concat([ours, empty]), pd.concat([other, empty]))[1] == 0.0


def test_floor_notebook_has_no_code(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# title"),
        nbformat.v4.new_code_cell("round_id = 'x'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import pandas"),
    ]
    source = tmp_path / "nb.ipynb"
    nbformat.write(notebook, source)
    emptied = nbformat.read(empty_code_cells(source, tmp_path / "out" / "nb.ipynb"), 4)
    assert [c.source for c in emptied.cells] == ["# title", "", ""]
    assert emptied.cells[1].metadata["tags"] == ["parameters"]


@pytest.mark.parametrize("polars_only", [False, True], ids=["arrow", "polars"])
def test_cleaning_without_rules_writes_the_output_shape_in_output_order(tmp_path, polars_only):
    # The no-rule contenders must do the work they stand for: every raw row written, the schema
    # of responses.parquet, rows by organisation then respondent key, and the items coded as
    # clean_round codes them (1-5; the round maps '8'/'9' by config, the skeletons do not).
    # polars is a benchmark-only package (`make bench` installs it with svy).
    import pyarrow.parquet as pq

    from anchoring.cleaning import clean_round
    from anchoring.simulate import simulate_round

    if polars_only:
        pytest.importorskip("polars")
    simulate_round(tmp_path, "tiny", seed=5, scale=1)
    path = build_nettskjema_round(tmp_path, "tiny", "tiny-nettskjema", 700)
    target = tmp_path / "no-rule.parquet"
    skeleton = clean_without_rules_in_polars if polars_only else clean_without_rules
    rows = skeleton(path, *no_rule_inputs(tmp_path, "tiny-nettskjema"), target)
    assert rows == 700
    written = pq.read_table(target).to_pandas()
    assert len(written) == 700
    cleaned = pd.read_parquet(clean_round(tmp_path, "tiny-nettskjema").responses_file)
    assert list(written.columns) == list(cleaned.columns)
    in_order = written.sort_values(["org_id", "respondent_key"], kind="stable")
    assert in_order.index.equals(written.index)
    items = [c for c in cleaned.columns if "__" in c and not c.startswith("theme__")]
    both = written.set_index("respondent_key").loc[cleaned["respondent_key"], items]
    on_scale = cleaned[items].isin([1, 2, 3, 4, 5]).to_numpy(dtype=bool)
    assert on_scale.sum() > 1000
    ours = both.to_numpy(dtype="float64", na_value=-1.0)[on_scale]
    assert (ours == cleaned[items].to_numpy(dtype="float64", na_value=-1.0)[on_scale]).all()

"""Smoke tests of the performance suite (``benchmarks/``), so that it cannot rot.

``make bench`` is not part of ``make test``. Here the suite's pieces run on tiny inputs (one
small simulated round; R and svy when installed), and the parts that decide what the table
says (agreement of estimates, the Markdown writer, the emptied notebooks of the Jupyter floor)
are checked on inputs whose answer is known. Nothing here asserts a time.
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

from benchmarks.jupyter_floor import empty_code_cells  # noqa: E402
from benchmarks.report import BEGIN, END, write_performance_doc  # noqa: E402
from benchmarks.results import Result  # noqa: E402
from benchmarks.survey_compare import (  # noqa: E402
    max_differences,
    r_available,
    replicate,
    svy_available,
)


def test_quick_run_of_the_estimators_and_the_cleaning_writes_a_table(tmp_path):
    out = tmp_path / "performance.md"
    command = [sys.executable, "-m", "benchmarks", "--quick", "--only", "survey,cleaning"]
    command += ["--workdir", str(tmp_path / "work"), "--out", str(out), "--strict"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    assert "| clean_round: three exports in, cleaned files out | tiny |" in text
    assert "**CPU**" in text and "**Python**" in text
    assert "FAILED" not in text
    # Every contender that is installed is timed and agrees with SurveyDesign.
    available = {"svy": svy_available(), "R survey": r_available()}
    contenders = [name for name, ok in available.items() if ok]
    for name in contenders:
        assert f"| mean by group: {name} ÷ anchoring | tiny |" in text
        assert f"max rel. diff vs {name}: estimate inf" not in text
    if not contenders:
        assert "survey estimators (no contender available)" in text


def test_generated_part_is_replaced_and_prose_kept(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Preface\n\nmethod.\n\n{BEGIN}\nold table\n{END}\n\n## After\n\nkept.\n")
    row = Result("mean by group: R survey ÷ anchoring", "10^5", 0.01, 5, "R survey", 1.6, 160.0)
    write_performance_doc(doc, [row], {"CPU": "test"}, ["a note"])
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Preface\n\nmethod.\n")
    assert "old table" not in text
    assert text.endswith("## After\n\nkept.\n")
    assert "| mean by group: R survey ÷ anchoring | 10^5 | 10 ms (median of 5) |" in text
    assert "| R survey: 1.60 s | 160.0× |" in text
    assert "- **CPU**: test" in text and "- a note" in text
    assert text.count(BEGIN) == 1 and text.count(END) == 1


def test_a_budget_says_whether_it_was_kept():
    within = Result("demo run", "demo", 12.0, budget_s=15.0).cells()["Budget"]
    over = Result("demo run", "demo", 16.0, budget_s=15.0).cells()["Budget"]
    assert (within, over) == ("< 15 s: yes", "< 15 s: **NO**")


def test_agreement_is_relative_and_domainwise():
    ours = pd.DataFrame({"domain": ["a", "b"], "estimate": [10.0, 0.5], "se": [1.0, 0.0]})
    other = pd.DataFrame({"domain": ["b", "a"], "estimate": [0.5, 10.1], "se": [0.0, 1.0]})
    est, se = max_differences(ours, other)
    assert est == pytest.approx(0.1 / 10.1)  # |10 − 10.1| / 10.1
    assert se == 0.0
    # A domain with answers that the other table lacks is infinitely different ...
    assert max_differences(ours, other.iloc[:1]) == (float("inf"), float("inf"))
    # ... and so is a domain only the other table has.
    extra = pd.DataFrame({"domain": ["c"], "estimate": [0.0], "se": [0.0]})
    assert max_differences(ours, pd.concat([other, extra])) == (float("inf"), float("inf"))
    # A domain without answers (NaN here; left out by svy, 0 ± 0 from R) is not compared.
    empty = pd.DataFrame({"domain": ["c"], "estimate": [float("nan")], "se": [float("nan")]})
    assert max_differences(pd.concat([ours, empty]), other) == (est, se)
    assert max_differences(pd.concat([ours, empty]), pd.concat([other, extra])) == (est, se)
    # Rounding noise next to an exact zero SE is measured against 1e-6 of the largest estimate.
    noisy = ours.assign(se=[1.0, 2e-12])
    assert max_differences(noisy, other)[1] == pytest.approx(2e-12 / (1e-6 * 10.0))


def test_copies_of_a_design_are_one_design_with_the_same_means():
    from anchoring.survey import SurveyDesign

    frame = pd.DataFrame(
        {
            "group": ["a", "a", "b", "b", "b", "a"],
            "stratum": ["s", "s", "s", "t", "t", "t"],
            "psu": ["1", "2", "2", "3", "4", "4"],
            "fpc": [5.0, 5.0, 5.0, 3.0, 3.0, 3.0],
            "weight": [2.0, 2.5, 2.5, 1.5, 1.0, 1.0],
            "y_mean": [1.0, 2.0, 4.0, 3.0, 5.0, 0.5],
        }
    )
    copies = replicate(frame, 3)
    assert len(copies) == 18 and copies["psu"].nunique() == 12
    assert copies["fpc"].tolist() == [15.0, 15.0, 15.0, 9.0, 9.0, 9.0] * 3

    def means(data: pd.DataFrame) -> list[float]:
        design = SurveyDesign(data, weights="weight", psu="psu", strata="stratum", fpc="fpc")
        return design.mean("y_mean", by="group")["estimate"].tolist()

    assert means(copies) == pytest.approx(means(frame), rel=1e-12)


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

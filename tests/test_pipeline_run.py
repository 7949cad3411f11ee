"""End-to-end tests of anchoring.pipeline.run: the real notebooks on a small simulated round.

One session-wide pair of runs (:func:`_pipeline_fixtures.completed_rounds`) is shared; tests that
change inputs work on a copy of its root. Covers: a full run and what it writes, a cached rerun
that skips every stage, a changed raw file that reruns from cleaning, a failing stage that names
the notebook and cell and leaves the earlier outputs untouched, no respondent-level data in the
executed notebooks, and the command line's exit codes.
"""

from __future__ import annotations

import csv
import json
import time

import pytest

from _pipeline_fixtures import (
    CURRENT,
    PREVIOUS,
    completed_rounds,
    copy_root,
    full_run_seconds,
    tree_digest,
)
from anchoring.cli import main
from anchoring.exceptions import PipelineError
from anchoring.intake.round_config import load_round_config
from anchoring.paths import RoundPaths
from anchoring.pipeline import run_round
from anchoring.pipeline.staging import STAGING_DIR, failed_run_dir
from anchoring.readers import read_export

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return completed_rounds(tmp_path_factory)


def _outputs(root):
    paths = RoundPaths(root, CURRENT)
    return tree_digest(paths.processed_dir) | {
        f"reports/{k}": v for k, v in tree_digest(paths.reports_dir).items()
    }


def test_full_run_writes_every_output_and_a_manifest(root):
    paths = RoundPaths(root, CURRENT)
    for name in (
        "responses.parquet",
        "exclusions.parquet",
        "quality.json",
        "estimates.parquet",
        "status.parquet",
    ):
        assert (paths.processed_dir / name).is_file(), name
    executed = sorted(p.name for p in (paths.reports_dir / "notebooks").iterdir())
    assert executed == [
        "01_clean.ipynb",
        "02_analyse.ipynb",
        "03_report.en.ipynb",
        "03_report.nb.ipynb",
    ]
    for html in ("rapport.nb.html", "report.en.html"):
        assert (paths.reports_dir / html).stat().st_size > 10_000
    manifest = json.loads(paths.manifest_file.read_text(encoding="utf-8"))
    assert manifest["round_id"] == CURRENT
    assert manifest["skipped_stages"] == []
    assert [s["name"] for s in manifest["stages"]] == ["clean", "analyse", "report"]
    assert manifest["parameters"]["lang"] == ["nb", "en"]
    assert manifest["parameters"]["earlier_rounds"] == [PREVIOUS]
    assert set(manifest["inputs"]["raw"]) == {
        f"data/raw/{CURRENT}/{p.name}" for p in paths.raw_dir.iterdir()
    }
    assert f"data/processed/{PREVIOUS}/estimates.parquet" in manifest["inputs"]["previous_round"]
    assert manifest["inputs"]["instrument"] and manifest["inputs"]["frames"]
    assert {"commit", "dirty"} <= set(manifest["git"])
    assert "pandas" in manifest["environment"]["packages"]
    recorded = {k: v for k, v in manifest["outputs"].items()}
    actual = {
        f"data/processed/{CURRENT}/{k}": v for k, v in tree_digest(paths.processed_dir).items()
    }
    assert {k: recorded[k] for k in actual} == actual
    run_log = (paths.reports_dir / "run.log").read_text(encoding="utf-8")
    assert "Stage clean: running 01_clean.ipynb" in run_log
    assert "Stage report: done" in run_log
    # ipykernel's developer log (TCP warning, shutdown interrupt) is not the analyst's business
    assert "[IPKernelApp]" not in run_log
    # the executed notebooks show the real root, not the staging folder they ran in
    clean = json.loads((paths.reports_dir / "notebooks/01_clean.ipynb").read_text())
    assert any(str(root) in "".join(c["source"]) for c in clean["cells"])
    assert not any(STAGING_DIR in "".join(c["source"]) for c in clean["cells"])
    assert clean["metadata"]["papermill"]["parameters"]["root"] == str(root)
    assert not (root / STAGING_DIR).exists()
    # the report's footer shows the run's record the manifest holds, passed to the notebook as
    # parameters, so the two can be matched
    html = (paths.reports_dir / "rapport.nb.html").read_text(encoding="utf-8")
    assert len(manifest["inputs_digest"]) == 64
    assert f'data-provenance="inputs_digest">{manifest["inputs_digest"]}<' in html
    assert f'data-provenance="git_commit">{manifest["git"]["commit"]}<' in html
    run_at = manifest["started_at"][:19].replace("T", " ") + " UTC"
    assert f'data-provenance="run_at">{run_at}<' in html
    executed = json.loads((paths.reports_dir / "notebooks/03_report.en.ipynb").read_text())
    injected = executed["metadata"]["papermill"]["parameters"]
    assert injected["inputs_digest"] == manifest["inputs_digest"]
    assert {"git_commit", "run_at"} <= injected.keys()


def _completed_started_at(root):
    return json.loads((root / "reports" / CURRENT / "manifest.json").read_text())["started_at"]


def test_rerun_with_nothing_changed_skips_every_stage_quickly(root):
    full_run_started_at = _completed_started_at(root)
    before = _outputs(root)
    started = time.perf_counter()
    result = run_round(root, CURRENT, lang="both")
    seconds = time.perf_counter() - started
    assert result.skipped_stages == ["clean", "analyse", "report"]
    assert seconds < 0.1 * full_run_seconds(), (seconds, full_run_seconds())
    after = _outputs(root)
    del before["reports/run.log"], before["reports/manifest.json"]
    assert {k: after[k] for k in before} == before  # the outputs are carried over unchanged
    paths = RoundPaths(root, CURRENT)
    manifest = json.loads(paths.manifest_file.read_text())  # written by the cached rerun
    assert manifest["skipped_stages"] == ["clean", "analyse", "report"]
    assert {s["seconds"] for s in manifest["stages"]} == {0}
    assert {s["produced_at"] for s in manifest["stages"]} == {full_run_started_at}
    run_log = (paths.reports_dir / "run.log").read_text(encoding="utf-8")
    assert run_log.index("Stage clean: running") < run_log.index("Stage clean: skipped")


def _some_export(root, round_id):
    """The first source's export file and its config entry."""
    paths = RoundPaths(root, round_id)
    source = load_round_config(paths.config_file).sources[0]
    return paths.raw_dir / source.file, source


def test_changed_raw_file_reruns_from_cleaning(root, tmp_path):
    copy = copy_root(root, tmp_path / "copy")
    export, _source = _some_export(copy, CURRENT)
    responses_before = RoundPaths(copy, CURRENT).responses_file.read_bytes()
    if export.suffix == ".csv":  # drop the last data row: one respondent fewer
        lines = export.read_bytes().splitlines(keepends=True)
        export.write_bytes(b"".join(lines[:-1]))
    else:
        pytest.skip(f"first export {export.name} is not CSV")
    result = run_round(copy, CURRENT, lang="nb")
    assert result.skipped_stages == []
    assert RoundPaths(copy, CURRENT).responses_file.read_bytes() != responses_before
    assert [p.name for p in result.report_paths] == ["rapport.nb.html"]


def _plant_unknown_label(root):
    """Write answer code 7 (no label has it) into the last row of a copy of the CSV export."""
    export, source = _some_export(root, CURRENT)
    if export.suffix != ".csv":
        pytest.skip(f"first export {export.name} is not CSV")
    delimiter = source.delimiter or ";"
    with export.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=delimiter))
    item_column = rows[0].index(next(c for f, c in source.columns.items() if "__" in f))
    rows[-1][item_column] = "7"
    with export.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows(rows)
    return export.name


def test_failing_stage_names_notebook_and_cell_and_keeps_earlier_outputs(root, tmp_path):
    copy = copy_root(root, tmp_path / "copy")
    before = _outputs(copy)
    name = _plant_unknown_label(copy)
    with pytest.raises(PipelineError) as caught:
        run_round(copy, CURRENT, lang="both")
    message = str(caught.value)
    assert "notebook 01_clean.ipynb failed in cell" in message
    assert "clean_round(root, round_id)" in message  # the first lines of the failing cell
    assert "value '7'" in message and name in message  # the cleaning error's own words
    assert "Traceback" not in message
    assert _outputs(copy) == before  # hashed before and after: nothing changed
    kept = failed_run_dir(RoundPaths(copy, CURRENT))
    assert (kept / "notebooks" / "01_clean.ipynb").is_file()
    assert not (kept / "notebooks" / "02_analyse.ipynb").exists()  # stopped at the first failure
    # the command line: one message naming the notebook, exit status 1
    assert main(["run", "--root", str(copy), "--round", CURRENT]) == 1
    assert _outputs(copy) == before


def _planted_strings(root, round_id):
    """PII strings from truth.json and the sentences of the raw free-text comments."""
    paths = RoundPaths(root, round_id)
    truth = json.loads(paths.truth_file.read_text(encoding="utf-8"))
    strings = {p["text"] for p in truth["pii"]}
    for source in load_round_config(paths.config_file).sources:
        column = source.columns.get("barriers")
        if column is None:
            continue
        raw = read_export(paths.raw_dir / source.file, source)
        for comment in raw.frame[column].dropna():
            strings |= {s.strip() for s in str(comment).split(".") if len(s.strip()) >= 30}
    return strings


def test_executed_notebooks_hold_no_personal_data_or_free_text(root):
    planted = _planted_strings(root, CURRENT)
    assert len(planted) > 10  # the simulation planted PII and wrote comments
    folder = RoundPaths(root, CURRENT).reports_dir / "notebooks"
    for notebook in sorted(folder.iterdir()):
        text = json.loads(notebook.read_text(encoding="utf-8"))
        blob = json.dumps(text, ensure_ascii=False)
        leaked = sorted(s for s in planted if s in blob)
        assert not leaked, f"{notebook.name} contains {leaked[:3]}"


def test_cli_exit_codes(root, capsys):
    assert main(["run", "--root", str(root), "--round", CURRENT]) == 0
    assert capsys.readouterr().out.split() == [
        str(RoundPaths(root, CURRENT).reports_dir / n)
        for n in ("rapport.nb.html", "report.en.html")
    ]
    assert main(["validate", "--root", str(root), "--round", CURRENT]) == 0
    assert main(["run", "--root", str(root), "--round", "no-such-round"]) == 1
    assert "round configuration not found" in capsys.readouterr().err

"""Tests of anchoring.pipeline.runner: papermill execution, errors, time limit, kernel env."""

from __future__ import annotations

import _thread
import json
import threading
import time

import pytest

from _pipeline_fixtures import write_notebook
from anchoring.exceptions import PipelineError
from anchoring.pipeline import runner
from anchoring.pipeline.runner import NotebookRun, describe_cell_failure, execute_notebook

pytestmark = pytest.mark.slow  # each test starts a Jupyter kernel (a few seconds)


def _outputs_text(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return "".join(
        "".join(o.get("text", "")) for c in notebook["cells"] for o in c.get("outputs", [])
    )


def test_parameters_injected_hash_seed_fixed_and_kernel_log_captured(tmp_path):
    body = (
        "import os, logging\n"
        "logging.getLogger('anchoring.test').info('kernel says hello')\n"
        "print(round_id, root, os.environ['PYTHONHASHSEED'])\n"
    )
    template = write_notebook(tmp_path / "nb.ipynb", body)
    executed, log_file = tmp_path / "out" / "nb.ipynb", tmp_path / "run.log"
    execute_notebook(NotebookRun(template, executed, {"round_id": "r9", "root": "/x"}, log_file))
    assert "r9 /x 0" in _outputs_text(executed)
    assert "[kernel nb] anchoring.test: kernel says hello" in log_file.read_text(encoding="utf-8")


def test_anchoring_error_in_a_cell_names_notebook_cell_and_message(tmp_path):
    body = (
        "from anchoring.exceptions import MappingError\n"
        "x = 1\n"
        "raise MappingError('kommuner.csv: value UKJENT matches no label')\n"
    )
    template = write_notebook(tmp_path / "01_clean.ipynb", body)
    run = NotebookRun(template, tmp_path / "out.ipynb", {"round_id": "r", "root": "/x"})
    with pytest.raises(PipelineError) as caught:
        execute_notebook(run)
    message = str(caught.value)
    # cell 0 is the parameters cell, cell 1 the one papermill injects, cell 2 the failing one
    assert "notebook 01_clean.ipynb failed in cell 2" in message
    assert "from anchoring.exceptions import MappingError / x = 1 / raise MappingError(" in message
    assert "kommuner.csv: value UKJENT matches no label" in message
    assert "Traceback" not in message and "MappingError:" not in message


def test_other_errors_keep_their_type_and_timeout_stops_the_kernel(tmp_path):
    template = write_notebook(tmp_path / "nb.ipynb", "1 / 0")
    with pytest.raises(PipelineError, match="ZeroDivisionError: division by zero"):
        execute_notebook(NotebookRun(template, tmp_path / "o.ipynb", {"round_id": "", "root": ""}))
    slow = write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(120)")
    started = time.perf_counter()
    with pytest.raises(PipelineError, match="longer than its limit of 3 s"):
        execute_notebook(
            NotebookRun(slow, tmp_path / "s.ipynb", {"round_id": "", "root": ""}, timeout_s=3)
        )
    assert time.perf_counter() - started < 60  # stopped, not waited out


def test_describe_cell_failure_shortens_long_sources():
    source = "a = 1\n\nb = 2\nc = 3\nd = 4\n"
    text = describe_cell_failure("02_analyse.ipynb", 5, source, "KeyError", "'x'")
    assert "cell 5 (`a = 1 / b = 2 / c = 3 / ...`): KeyError: 'x'" in text


# --- executions side by side (the report languages) -------------------------------------------


def test_side_by_side_runs_at_once_and_raises_the_first_failure_after_all_finish(monkeypatch):
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    started, finished = threading.Barrier(2, timeout=10), []

    def task(name: str, error: Exception | None):
        def run():
            started.wait()  # both must be running at the same time, or this times out
            time.sleep(0.05 if error else 0.2)
            finished.append(name)
            if error:
                raise error

        return run

    with pytest.raises(PipelineError, match="nb failed"):
        runner.run_side_by_side(
            [task("nb", PipelineError("nb failed")), task("en", PipelineError("en failed"))]
        )
    assert sorted(finished) == ["en", "nb"]  # the slower one was not abandoned


def test_side_by_side_on_one_core_runs_in_order(monkeypatch):
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 1)
    order = []
    runner.run_side_by_side([lambda: order.append(threading.current_thread().name)] * 2)
    assert order == [threading.main_thread().name] * 2


def test_interrupt_while_side_by_side_stops_every_kernel(monkeypatch):
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    kernels_stopped = threading.Event()
    monkeypatch.setattr(runner, "stop_running_kernels", kernels_stopped.set)

    def interrupted():
        _thread.interrupt_main()  # Ctrl-C reaches the main thread, which is waiting
        assert kernels_stopped.wait(10)  # a notebook returns once its kernel is killed

    def other():
        assert kernels_stopped.wait(10)

    with pytest.raises(KeyboardInterrupt):
        runner.run_side_by_side([interrupted, other])
    assert kernels_stopped.is_set()


def test_the_unused_iri_grammar_is_not_imported_and_validation_still_works(tmp_path):
    # In a fresh interpreter (this one may have imported it already): after the call, papermill
    # and nbformat import without rfc3987_syntax, and nbformat still rejects a broken notebook.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from anchoring.pipeline.runner import skip_unused_optional_imports\n"
        "skip_unused_optional_imports()\n"
        "import papermill, nbformat\n"
        "assert sys.modules['rfc3987_syntax'] is None\n"
        "good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(good)\n"
        "bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "bad.cells[0].execution_count = 'one'\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except Exception as error:\n"
        "    print('rejected' if 'ValidationError' in type(error).__name__ else error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "rejected"


def test_the_kernel_is_stopped_at_once_when_the_notebook_is_done(tmp_path):
    # A graceful shutdown lets the kernel exit normally, so its atexit handlers run (and a slow
    # one delayed every stage by up to 2.5 s); stopped at once, they never run. The file the
    # cell writes itself is complete: every output arrives before the kernel is stopped.
    marker, written = tmp_path / "atexit-ran", tmp_path / "written-in-cell"
    body = (
        "import atexit, pathlib\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'ran')\n"
        f"pathlib.Path({str(written)!r}).write_text('x' * 100_000)\n"
        "print('cell done')\n"
    )
    template = write_notebook(tmp_path / "nb.ipynb", body)
    executed = tmp_path / "out" / "nb.ipynb"
    execute_notebook(NotebookRun(template, executed, {"round_id": "r", "root": "/x"}))
    assert "cell done" in _outputs_text(executed)
    assert written.read_text() == "x" * 100_000
    assert not marker.exists()

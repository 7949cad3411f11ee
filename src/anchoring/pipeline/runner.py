"""Execute one notebook with papermill: kernel ``python3``, parameters injected, a time limit.

Kernels start with ``PYTHONHASHSEED=0`` (so set and dict order of strings cannot vary between
runs) and append the package's log to the run's ``run.log``. A failing cell becomes one
:class:`~anchoring.exceptions.PipelineError` naming the notebook, the cell (index and first lines
of its source) and the error; an :class:`~anchoring.exceptions.AnchoringError` raised inside the
notebook comes out as its message, without a traceback. papermill is imported only when a
notebook actually runs, so a fully cached run does without it.

papermill validates notebooks with nbformat, and nbformat with jsonschema, whose format
checkers import the optional package ``rfc3987_syntax`` when it is installed (jupyter-events,
a JupyterLab dependency, asks for ``jsonschema[format-nongpl]``). That package builds a parsing
grammar for IRIs when imported, which no notebook schema needs;
:func:`skip_unused_optional_imports` leaves it out of the pipeline's process (what that saves
is measured in ``docs/performance.md``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from anchoring.exceptions import AnchoringError, PipelineError

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"
NOTEBOOK_TIMEOUT_S = 1800.0
"""Default limit on one notebook's execution (all its cells), in seconds."""
KERNEL_ENV: dict[str, str] = {"PYTHONHASHSEED": "0"}
"""Environment variables set for every kernel."""
_SOURCE_LINES = 3
_KERNEL_LOG_FORMAT = "%(asctime)s %(levelname)s [kernel {label}] %(name)s: %(message)s"


@dataclass(frozen=True)
class NotebookRun:
    """One notebook to execute.

    Attributes
    ----------
    template
        The notebook template (``notebooks/01_clean.ipynb``).
    executed
        Where the executed notebook is written.
    parameters
        Values for the ``parameters`` cell.
    log_file
        File the kernel appends the package's log to (``run.log``), or ``None``.
    timeout_s
        Limit on the whole notebook's execution, in seconds.
    """

    template: Path
    executed: Path
    parameters: dict[str, str]
    log_file: Path | None = None
    timeout_s: float = NOTEBOOK_TIMEOUT_S


def skip_unused_optional_imports() -> None:
    """Let ``import rfc3987_syntax`` fail in this process, as if it were not installed.

    jsonschema imports it inside ``contextlib.suppress(ImportError)`` and then only lacks the
    ``iri`` and ``iri-reference`` format checks; nbformat's notebook schemas use neither. A
    ``None`` in ``sys.modules`` is Python's documented way to make an import fail; if the
    package was already imported, nothing changes.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def execute_notebook(run: NotebookRun) -> None:
    """Execute a notebook with papermill and save it, executed, at ``run.executed``.

    Parameters
    ----------
    run
        The notebook, its parameters, log file and time limit.

    Raises
    ------
    PipelineError
        A cell raised (the message names the notebook, the cell and the error), the kernel
        died, or the notebook ran longer than ``run.timeout_s``.
    """
    skip_unused_optional_imports()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    name = run.template.name
    run.executed.parent.mkdir(parents=True, exist_ok=True)
    watchdog = _Watchdog(run.timeout_s)
    try:
        with watchdog, _kernel_stream(run.log_file) as kernel_stderr:
            papermill.execute_notebook(
                str(run.template),
                str(run.executed),
                parameters=dict(run.parameters),
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                log_output=False,
                execution_timeout=run.timeout_s,
                kernel_manager_class=_kernel_manager_class(watchdog, kernel_stderr),
                extra_arguments=_kernel_log_arguments(run.log_file, run.executed.stem),
                # Every output has arrived when the last cell is idle; a graceful shutdown
                # (SIGINT, a shutdown request, SIGTERM after a wait) only waited for kernels
                # slow to exit (docs/performance.md).
                shutdown_kernel="immediate",
            )
    except PapermillExecutionError as exc:
        if watchdog.expired:
            raise _timeout_error(name, run) from None
        raise PipelineError(
            describe_cell_failure(name, exc.cell_index, exc.source, exc.ename, exc.evalue)
        ) from None
    except Exception as exc:
        if watchdog.expired:
            raise _timeout_error(name, run) from None
        raise PipelineError(
            f"notebook {name} could not be executed: {type(exc).__name__}: {exc}"
        ) from exc


def _timeout_error(name: str, run: NotebookRun) -> PipelineError:
    return PipelineError(
        f"notebook {name} ran longer than its limit of {run.timeout_s:g} s and was stopped "
        "(the partly executed notebook is saved)."
    )


def anchoring_error_names() -> set[str]:
    """Class names of :class:`AnchoringError` and all its subclasses."""
    names, todo = set(), [AnchoringError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def describe_cell_failure(
    notebook: str, cell_index: int, source: str, ename: str, evalue: str
) -> str:
    """One message for a failed cell: notebook, cell index, first source lines, error.

    The cell index counts the cells of the executed notebook from 0, including the cell
    papermill injects after the ``parameters`` cell. An :class:`AnchoringError` (the package's
    expected failures) is given by its message only; any other exception also by its type.
    """
    lines = [line.strip() for line in (source or "").splitlines() if line.strip()]
    head = " / ".join(lines[:_SOURCE_LINES]) + (" / ..." if len(lines) > _SOURCE_LINES else "")
    error = evalue if ename in anchoring_error_names() else f"{ename}: {evalue}"
    return f"notebook {notebook} failed in cell {cell_index} (`{head}`): {error}"


def run_side_by_side(executions: Sequence[Callable[[], None]]) -> None:
    """Run independent notebook executions at the same time, one thread (and kernel) each.

    The report languages are independent (each writes its own executed notebook, HTML and
    spreadsheet), so with more than one core they run side by side; with one core, or one
    execution, one after the other. Every execution finishes before the first failure (in the
    given order) is raised; an interrupt stops every kernel at once.

    Parameters
    ----------
    executions
        Callables that each execute (and render) one notebook.
    """
    workers = min(len(executions), os.cpu_count() or 1)
    if workers < 2:
        for execution in executions:
            execution()
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notebook")
    try:
        futures = [pool.submit(execution) for execution in executions]
        wait(futures)
    except BaseException:
        stop_running_kernels()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    for future in futures:
        future.result()


def stop_running_kernels() -> None:
    """Kill the kernel of every notebook this process is executing (on any thread).

    Used when a run is interrupted while notebooks execute side by side: papermill then sees a
    dead kernel and returns at once, instead of finishing a notebook nobody waits for.
    """
    with _RUNNING_LOCK:
        watchdogs = list(_RUNNING)
    for watchdog in watchdogs:
        watchdog.kill_kernel()


class _Watchdog:
    """Kill the kernel if the notebook runs past its time limit."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.expired = False
        self.kernel_pid: int | None = None
        self._timer = threading.Timer(timeout_s, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        with _RUNNING_LOCK:
            _RUNNING.add(self)
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with _RUNNING_LOCK:
            _RUNNING.discard(self)

    def _expire(self) -> None:
        self.expired = True
        if self.kernel_pid is not None:
            log.error(
                "Notebook time limit of %g s reached: stopping kernel %d.",
                self.timeout_s,
                self.kernel_pid,
            )
        self.kill_kernel()

    def kill_kernel(self) -> None:
        """Kill the kernel's process group (or the kernel alone), if it has started."""
        if self.kernel_pid is None:
            return
        try:
            os.killpg(self.kernel_pid, signal.SIGKILL)
        except OSError:
            with contextlib.suppress(OSError):
                os.kill(self.kernel_pid, signal.SIGKILL)


_RUNNING: set[_Watchdog] = set()
_RUNNING_LOCK = threading.Lock()


@contextlib.contextmanager
def _kernel_stream(log_file: Path | None) -> Iterator[IO[str] | None]:
    """The kernel process's standard output and error: appended to ``run.log`` if given."""
    if log_file is None:
        yield None
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "a", encoding="utf-8") as stream:
        yield stream


def _kernel_manager_class(watchdog: _Watchdog, stream: IO[str] | None) -> type:
    """A kernel manager class for one execution.

    It sets :data:`KERNEL_ENV`, sends the kernel's output to ``stream`` and reports the
    kernel's pid to the watchdog.
    """
    from jupyter_client import AsyncKernelManager

    class _AnchoringKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: object) -> None:
            env = dict(kw.pop("env", None) or os.environ)  # type: ignore[arg-type]
            env.update(KERNEL_ENV)
            if stream is not None:
                kw.setdefault("stdout", stream)
                kw.setdefault("stderr", stream)
            await super().start_kernel(env=env, **kw)
            watchdog.kernel_pid = getattr(self.provisioner, "pid", None)

    return _AnchoringKernelManager


def _kernel_log_arguments(log_file: Path | None, label: str) -> list[str]:
    """Options of ipykernel: append the package's log to ``log_file``, keep ipykernel quiet.

    ipykernel's own log is meant for Jupyter developers: its warning that the local kernel
    talks over TCP without encryption, and the "KeyboardInterrupt caught in kernel" it logs when
    the kernel is shut down after the last cell, would only alarm an analyst reading
    ``run.log``, so only critical messages pass. A failing cell is reported by papermill, a dead
    kernel by the runner.
    """
    quiet = "--IPKernelApp.log_level=CRITICAL"
    if log_file is None:
        return [quiet]
    fmt = _KERNEL_LOG_FORMAT.format(label=label)
    code = (
        "import logging as _l; "
        f"_h = _l.FileHandler({str(log_file)!r}, encoding='utf-8'); "
        f"_h.setFormatter(_l.Formatter({fmt!r})); "
        "_g = _l.getLogger('anchoring'); _g.addHandler(_h); _g.setLevel(_l.INFO); "
        "del _l, _h, _g"
    )
    return [quiet, f"--IPKernelApp.exec_lines={code}"]

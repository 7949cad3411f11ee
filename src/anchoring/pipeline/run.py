"""Run a round: the three notebooks in order, cached, staged, recorded and promoted atomically.

:func:`run_round` takes the round's lock, hashes its inputs, and for each stage either reuses the
last successful run's outputs (same fingerprint, outputs intact) or executes the stage's notebook
with papermill in a staging root. The report notebook runs once per language, with the run's
provenance (git commit, inputs digest, start time) as papermill parameters for its footer, and is
rendered to HTML (:mod:`anchoring.pipeline.render`). ``run.log`` gathers the package's log and the
kernels' output of every run of the round (the newest last). Only when every stage has succeeded is
``manifest.json`` written and are the new ``data/processed/<round>`` and ``reports/<round>``
swapped into place; a failing stage raises :class:`~anchoring.exceptions.PipelineError` and leaves
the previous outputs as they were.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from anchoring.exceptions import AnchoringError, PipelineError
from anchoring.intake.round_config import RoundConfig, load_round_config
from anchoring.logging_setup import add_log_file
from anchoring.paths import RoundPaths
from anchoring.paths import notebooks_dir as default_notebooks_dir
from anchoring.pipeline.cache import (
    collect_round_inputs,
    earlier_rounds,
    reusable_outputs,
    stage_fingerprint,
)
from anchoring.pipeline.hashing import sha256_file, sha256_tree
from anchoring.pipeline.lock import round_lock
from anchoring.pipeline.manifest import (
    StageRecord,
    build_manifest,
    git_state,
    read_manifest,
    recorded_stage,
    write_manifest,
)
from anchoring.pipeline.runner import (
    NOTEBOOK_TIMEOUT_S,
    NotebookRun,
    execute_notebook,
    run_side_by_side,
)
from anchoring.pipeline.stages import (
    EXECUTED_NOTEBOOKS_DIR,
    REPORT_FILE_NAMES,
    STAGES,
    Execution,
    Stage,
    report_languages,
)
from anchoring.pipeline.staging import Staging, recover_interrupted_promotion

log = logging.getLogger(__name__)

RUN_LOG = "run.log"
_UNRECORDED = {"run.log", "manifest.json"}


@dataclass(frozen=True)
class RunResult:
    """What a run of a round produced.

    Attributes
    ----------
    round_id
        The round.
    report_paths
        The HTML reports, one per language, under ``reports/<round>/``.
    manifest_path
        ``reports/<round>/manifest.json``.
    stages
        One record per stage: timing, whether it was skipped, its outputs' SHA-256.
    seconds
        Wall time of the run.
    """

    round_id: str
    report_paths: list[Path]
    manifest_path: Path
    stages: list[StageRecord]
    seconds: float

    @property
    def skipped_stages(self) -> list[str]:
        """Names of the stages whose previous outputs were reused."""
        return [s.name for s in self.stages if s.skipped]


def run_round(
    root: str | Path,
    round_id: str,
    lang: str = "both",
    force: bool = False,
    *,
    notebooks_dir: Path | None = None,
    timeout_s: float = NOTEBOOK_TIMEOUT_S,
) -> RunResult:
    """Clean, analyse and report a round by executing its notebooks with papermill.

    Parameters
    ----------
    root
        The project (or data) root.
    round_id
        The round (``data/raw/<round_id>/round.yaml``).
    lang
        ``nb``, ``en`` or ``both``: the report language(s).
    force
        Rerun every stage even if its inputs are unchanged.
    notebooks_dir
        Folder of the notebook templates; default :func:`anchoring.paths.notebooks_dir`.
    timeout_s
        Limit on each notebook's execution, in seconds.

    Returns
    -------
    RunResult
        The report paths, the manifest and the stage records.

    Raises
    ------
    PipelineError
        A stage failed (the message names the notebook, the cell and the error); the previous
        outputs of the round are unchanged.
    LockError
        Another run of this round is in progress.
    RoundConfigError
        The round's configuration is missing or invalid.
    """
    paths = RoundPaths(Path(root), round_id)
    languages = report_languages(lang)
    config = load_round_config(paths.config_file)
    templates = _notebook_templates(notebooks_dir or default_notebooks_dir())
    with round_lock(paths), _package_log_at_info():
        recover_interrupted_promotion(paths)
        return _RoundRun(paths, config, languages, templates, force, timeout_s).execute()


def _notebook_templates(folder: Path) -> dict[str, Path]:
    templates = {stage.name: folder / stage.notebook for stage in STAGES}
    missing = [str(p) for p in templates.values() if not p.is_file()]
    if missing:
        raise PipelineError(
            f"notebook template(s) not found: {', '.join(missing)}. "
            "Run from a checkout of the project (notebooks/ beside src/)."
        )
    return templates


@contextmanager
def _package_log_at_info() -> Iterator[None]:
    """Let INFO records of the package through during a run (run.log records progress)."""
    logger = logging.getLogger("anchoring")
    level = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.setLevel(level)


class _RoundRun:
    """One run of a round, holding the lock (see :func:`run_round`)."""

    def __init__(
        self,
        paths: RoundPaths,
        config: RoundConfig,
        languages: tuple[str, ...],
        templates: dict[str, Path],
        force: bool,
        timeout_s: float,
    ) -> None:
        self.paths = paths
        self.config = config
        self.languages = languages
        self.templates = templates
        self.force = force
        self.timeout_s = timeout_s
        self.previous_manifest = None if force else read_manifest(paths.manifest_file)
        self.inputs_digest = ""
        self.started = ""
        self.provenance: dict[str, str] = {}

    def execute(self) -> RunResult:
        self.started = started = _now()
        clock = time.perf_counter()
        earlier = earlier_rounds(self.paths, self.config)
        inputs = collect_round_inputs(self.paths, self.config, earlier)
        self.inputs_digest = inputs.digest()
        self.provenance = provenance_parameters(self.inputs_digest, started)
        staging = Staging.create(self.paths, earlier)
        log_file = staging.staged.reports_dir / RUN_LOG
        if (self.paths.reports_dir / RUN_LOG).is_file():  # run.log keeps the earlier runs' logs
            shutil.copyfile(self.paths.reports_dir / RUN_LOG, log_file)
        handler = add_log_file(log_file)
        try:
            log.info(
                "Run of round '%s' under %s (languages: %s%s).",
                self.paths.round_id,
                self.paths.root,
                ", ".join(self.languages),
                "; forced" if self.force else "",
            )
            records = self._run_stages(staging, log_file)
            manifest = build_manifest(
                round_id=self.paths.round_id,
                started_at=started,
                finished_at=_now(),
                parameters={
                    "round_id": self.paths.round_id,
                    "lang": list(self.languages),
                    "force": self.force,
                    "root": str(self.paths.root),
                    "earlier_rounds": earlier,
                },
                inputs=inputs.as_record(),
                inputs_digest=self.inputs_digest,
                stages=records,
                notebook_templates={
                    s.notebook: sha256_file(self.templates[s.name]) for s in STAGES
                },
                outputs=self._all_outputs(staging),
            )
            write_manifest(manifest, staging.staged.manifest_file)
            log.info(
                "Round '%s' done in %.1f s; promoting the new outputs.",
                self.paths.round_id,
                time.perf_counter() - clock,
            )
        except BaseException as exc:
            _close(handler)
            kept = staging.keep_failed()
            log.error(
                "Run of round '%s' failed; the previous outputs are unchanged. The executed "
                "notebooks and run.log of the failed run are in %s.",
                self.paths.round_id,
                kept,
            )
            if isinstance(exc, PipelineError):
                raise PipelineError(
                    f"{exc} (executed notebooks and run.log kept in {kept})"
                ) from None
            raise
        _close(handler)
        staging.promote()
        return RunResult(
            self.paths.round_id,
            [self.paths.reports_dir / REPORT_FILE_NAMES[x] for x in self.languages],
            self.paths.manifest_file,
            records,
            time.perf_counter() - clock,
        )

    def _run_stages(self, staging: Staging, log_file: Path) -> list[StageRecord]:
        records: list[StageRecord] = []
        upstream: dict[str, str] = {}
        for stage in STAGES:
            record = self._run_stage(stage, staging, self.inputs_digest, upstream, log_file)
            records.append(record)
            upstream = {k: v for k, v in record.outputs.items() if k.startswith("data/")}
        return records

    def _run_stage(
        self,
        stage: Stage,
        staging: Staging,
        inputs_digest: str,
        upstream: dict[str, str],
        log_file: Path,
    ) -> StageRecord:
        executions = stage.executions(self.paths.round_id, self.languages)
        template = self.templates[stage.name]
        fingerprint = stage_fingerprint(
            inputs_digest, sha256_file(template), [e.parameters for e in executions], upstream
        )
        names = [e.executed_name for e in executions]
        recorded = recorded_stage(self.previous_manifest, stage.name)
        reused = reusable_outputs(recorded, fingerprint, self.paths.root)
        if recorded is not None and reused is not None:
            staging.seed(sorted(reused))
            log.info(
                "Stage %s: skipped (inputs unchanged since the last successful run).", stage.name
            )
            produced_at = str(
                recorded.get("produced_at") or self.previous_manifest.get("started_at", "")
            )
            return StageRecord(stage.name, names, fingerprint, True, 0.0, reused, produced_at)
        log.info("Stage %s: running %s ...", stage.name, ", ".join(names))
        before, clock = staging.snapshot(), time.perf_counter()
        self._execute_all(template, executions, staging, log_file)
        seconds = time.perf_counter() - clock
        _check_required_outputs(stage, staging)
        outputs = {
            p: sha256_file(staging.staged_path(p))
            for p in staging.changed_since(before)
            if Path(p).name not in _UNRECORDED
        }
        log.info("Stage %s: done in %.1f s (%d output files).", stage.name, seconds, len(outputs))
        return StageRecord(stage.name, names, fingerprint, False, seconds, outputs, self.started)

    def _execute_all(
        self, template: Path, executions: list[Execution], staging: Staging, log_file: Path
    ) -> None:
        """Execute a stage's notebooks; the report languages run side by side."""
        run_side_by_side(
            [partial(self._execute, template, e, staging, log_file) for e in executions]
        )

    def _execute(
        self, template: Path, execution: Execution, staging: Staging, log_file: Path
    ) -> None:
        executed = staging.staged.reports_dir / EXECUTED_NOTEBOOKS_DIR / execution.executed_name
        parameters = injected_parameters(execution, staging.root, self.provenance)
        started = time.perf_counter()
        execute_notebook(NotebookRun(template, executed, parameters, log_file, self.timeout_s))
        show_root_in_parameters(executed, staging.root, self.paths.root)
        log.info("  %s executed in %.1f s.", execution.executed_name, time.perf_counter() - started)
        if execution.html_name is not None:
            html = staging.staged.reports_dir / execution.html_name
            _render_html(executed, html, execution.lang or "")
            log.info("  %s rendered.", execution.html_name)

    def _all_outputs(self, staging: Staging) -> dict[str, str]:
        outputs: dict[str, str] = {}
        for folder in (staging.staged.processed_dir, staging.staged.reports_dir):
            for relative, digest in sha256_tree(folder, staging.root).items():
                if relative.rsplit("/", 1)[-1] not in _UNRECORDED:
                    outputs[relative] = digest
        return outputs


def _check_required_outputs(stage: Stage, staging: Staging) -> None:
    missing = [
        name
        for name in stage.required_outputs
        if not (staging.staged.processed_dir / name).is_file()
    ]
    if missing:
        raise PipelineError(
            f"notebook {stage.notebook} finished without writing {', '.join(missing)} under "
            f"data/processed/{staging.staged.round_id}/; check the notebook's last cells."
        )


def injected_parameters(
    execution: Execution, root: Path, provenance: dict[str, str]
) -> dict[str, str | bool]:
    """The papermill parameters of one stage notebook inside a run.

    The stage's own (:attr:`Execution.parameters`), the staging ``root``, ``write = True``
    (inside a run the stage notebooks compute and write; by hand they only read, see
    :mod:`anchoring.pipeline.by_hand`) and, for the rendered report, the run's ``provenance``
    (:func:`provenance_parameters`) for its footer. Every name is one of the notebook's
    ``parameters`` cell (``tests/test_notebooks.py``).
    """
    parameters: dict[str, str | bool] = {**execution.parameters, "root": str(root), "write": True}
    if execution.html_name is not None:
        parameters.update(provenance)
    return parameters


def provenance_parameters(inputs_digest: str, started_at: str) -> dict[str, str]:
    """The run's record the report's footer shows, as the report notebook's parameters.

    Parameters
    ----------
    inputs_digest
        The digest of the round's inputs (:meth:`anchoring.pipeline.cache.RoundInputs.digest`,
        the value ``manifest.json`` records).
    started_at
        The run's start, ISO 8601 in UTC (``manifest.json``'s ``started_at``).

    Returns
    -------
    dict
        ``git_commit`` (:func:`anchoring.pipeline.manifest.git_state`; ``unknown`` without git),
        ``inputs_digest`` and ``run_at`` (``YYYY-MM-DD HH:MM:SS UTC``): the names of the
        ``parameters`` cell of ``03_report.ipynb`` and of
        :func:`anchoring.report.sections.footer_section`.
    """
    return {
        "git_commit": str(git_state()["commit"]),
        "inputs_digest": inputs_digest,
        "run_at": started_at[:19].replace("T", " ") + " UTC",
    }


def _render_html(executed: Path, html: Path, lang: str) -> None:
    from anchoring.pipeline import render  # nbconvert, only when a report is rendered

    try:
        render.render_report(executed, html, lang)
    except AnchoringError as exc:
        raise PipelineError(f"rendering {html.name} from {executed.name} failed: {exc}") from None
    if not html.is_file():
        raise PipelineError(f"rendering {executed.name} did not write {html.name}.")


def show_root_in_parameters(executed: Path, staging_root: Path, root: Path) -> None:
    """Make the executed notebook's injected ``root`` the real root instead of the staging root.

    The notebook ran in a staging root that is gone once its outputs are promoted; showing the
    real root (in the injected parameters cell and papermill's metadata) lets a reader rerun the
    executed notebook by hand.
    """
    import nbformat

    staged, real = str(staging_root), str(root)
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = cell.source.replace(staged, real)
    papermill = notebook.metadata.get("papermill", {})
    if papermill.get("parameters", {}).get("root") == staged:
        papermill["parameters"]["root"] = real
    if isinstance(papermill.get("output_path"), str):
        papermill["output_path"] = papermill["output_path"].replace(staged, real)
    nbformat.write(notebook, executed)


def _close(handler: logging.Handler) -> None:
    logging.getLogger("anchoring").removeHandler(handler)
    handler.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

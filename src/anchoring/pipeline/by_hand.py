"""A stage notebook run by hand: read the recorded outputs, or write only through ``run_round``.

The stage notebooks (``01_clean``, ``02_analyse``, ``03_report``) have a ``write`` parameter,
``False`` in the template. :func:`run_round` injects ``write = True`` and a staging root
(:mod:`anchoring.pipeline.staging`), so inside a run the notebook computes and writes its stage's
files there, and the run records and promotes them. Opened in JupyterLab, the notebook keeps
``write = False`` and only reads what the last run recorded; ``data/processed/<round>/`` is not
touched. With ``write = True`` set by hand, :func:`stage_mode` runs the round through
:func:`~anchoring.pipeline.run.run_round` (its lock, staging, atomic promotion and manifest; stages
whose inputs are unchanged are reused, as in any run), and the notebook then shows the recorded
outputs of that run. There is no second way to write a round's outputs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from anchoring.paths import RoundPaths, find_project_root
from anchoring.pipeline.manifest import read_manifest
from anchoring.pipeline.staging import STAGING_DIR

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageMode:
    """How a stage notebook runs.

    Attributes
    ----------
    root
        The root the notebook reads (and, inside a run, writes): the staging root of a run, or
        the project root.
    computes
        True inside ``anchoring run``: the notebook computes its stage and writes it under
        ``root``. False by hand: it shows the recorded outputs.
    ran_pipeline
        True when ``write = True`` by hand made this call run the round through ``run_round``.
    """

    root: Path
    computes: bool
    ran_pipeline: bool = False


def is_staging_root(root: str | Path) -> bool:
    """True if ``root`` is a run's staging root (``<root>/.anchoring-staging/<round>-<pid>``)."""
    return Path(root).resolve().parent.name == STAGING_DIR


def stage_mode(root: str | Path | None, round_id: str, write: bool = False) -> StageMode:
    """Decide what a stage notebook does with its ``root`` and ``write`` parameters.

    Parameters
    ----------
    root
        The notebook's ``root`` parameter (``""`` finds the project root from the working
        directory).
    round_id
        The notebook's ``round_id``.
    write
        The notebook's ``write`` parameter: ``False`` in the template (read only), ``True``
        injected by ``anchoring run`` or set by the analyst.

    Returns
    -------
    StageMode
        Inside a run (``write`` and a staging root): compute. By hand without ``write``: read.
        By hand with ``write``: the round was just run by
        :func:`~anchoring.pipeline.run.run_round`, read its recorded outputs.

    Raises
    ------
    LockError
        Another run of the round is in progress.
    PipelineError
        The run failed; the recorded outputs are unchanged.
    """
    resolved = Path(root) if root else find_project_root()
    if write and is_staging_root(resolved):
        return StageMode(resolved, computes=True)
    if not write:
        return StageMode(resolved, computes=False)
    from anchoring.pipeline.run import run_round

    paths = RoundPaths(resolved, round_id)
    lang = _last_languages(paths)
    log.info(
        "write = True: running round '%s' through 'anchoring run' (lock, staging, manifest; "
        "report language(s) %s).",
        round_id,
        lang,
    )
    result = run_round(resolved, round_id, lang=lang)
    log.info(
        "Round '%s' recorded in %s (stages reused: %s).",
        round_id,
        result.manifest_path,
        ", ".join(result.skipped_stages) or "none",
    )
    return StageMode(resolved, computes=False, ran_pipeline=True)


def _last_languages(paths: RoundPaths) -> str:
    """The report language(s) of the round's last run (``both`` when there was none)."""
    manifest = read_manifest(paths.manifest_file) or {}
    languages = manifest.get("parameters", {}).get("lang", [])
    if isinstance(languages, list) and len(languages) == 1 and languages[0] in {"nb", "en"}:
        return languages[0]
    return "both"

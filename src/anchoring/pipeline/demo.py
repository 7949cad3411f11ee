"""``anchoring demo``: simulate the two demo rounds and run them end to end.

The demo rounds are ``demo-previous`` and ``demo`` (its previous round), written by
:func:`anchoring.simulate.simulate_demo_rounds`. Simulation is skipped when both raw folders
exist and are exactly what their last successful runs used (their manifests' raw SHA-256), so a
second ``anchoring demo`` reuses everything and finishes in seconds.
"""

from __future__ import annotations

import logging
from pathlib import Path

from anchoring.paths import RoundPaths
from anchoring.pipeline.hashing import sha256_tree
from anchoring.pipeline.manifest import read_manifest
from anchoring.pipeline.run import run_round

log = logging.getLogger(__name__)

DEMO_ROUNDS: tuple[str, ...] = ("demo-previous", "demo")
"""The demo rounds in the order they run (the second compares with the first)."""


def demo_raw_unchanged(root: Path, rounds: tuple[str, ...] = DEMO_ROUNDS) -> bool:
    """True if every demo round's raw folder exists and matches its last run's manifest."""
    for round_id in rounds:
        paths = RoundPaths(root, round_id)
        manifest = read_manifest(paths.manifest_file)
        if not paths.raw_dir.is_dir() or manifest is None:
            return False
        if manifest.get("inputs", {}).get("raw") != sha256_tree(paths.raw_dir, paths.root):
            return False
    return True


def run_demo(root: str | Path, *, notebooks_dir: Path | None = None) -> list[Path]:
    """Simulate (if needed) and run the demo rounds; return the ``demo`` round's report paths.

    Parameters
    ----------
    root
        The project (or data) root; the rounds go to ``data/raw/demo-previous`` and
        ``data/raw/demo``.
    notebooks_dir
        Folder of the notebook templates (default: the checkout's ``notebooks/``).

    Returns
    -------
    list of Path
        The HTML reports of round ``demo`` (Norwegian and English).
    """
    root = Path(root)
    if demo_raw_unchanged(root):
        log.info("Demo rounds already simulated and unchanged; not simulating again.")
        rounds = list(DEMO_ROUNDS)
    else:
        from anchoring.simulate import simulate_demo_rounds

        log.info("Simulating the demo rounds under %s ...", root)
        rounds = simulate_demo_rounds(root)
    result = None
    for round_id in rounds:
        result = run_round(root, round_id, notebooks_dir=notebooks_dir)
    assert result is not None  # simulate_demo_rounds returns at least one round
    for path in result.report_paths:
        log.info("Demo report: %s", path)
    return result.report_paths

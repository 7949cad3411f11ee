"""The simulated rounds the benchmarks run on, made once per size and reused while unchanged.

Rounds are written by ``anchoring simulate --scale F`` (a subprocess, so the simulation's
memory never counts against the benchmarks) under a work folder that acts as the project
root. A round is reused by later runs if the seed and the scale are the same as when it was made (a
key file records them with a hash of the source of ``anchoring.simulate``); if only the source
changed, the round is reused with a warning unless ``resimulate`` is set, because simulating
10^5 respondents takes about half a minute.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SEED = 20260101


@dataclass(frozen=True)
class Size:
    """A benchmark size: a label, the simulation scale and the nominal respondent count."""

    label: str
    scale: float
    nominal: int

    @property
    def round_id(self) -> str:
        """The round id of this size, e.g. ``bench-1e5``."""
        return f"bench-{self.label.replace('^', 'e').replace('10e', '1e')}"


# The simulator writes about 1,700 raw rows per unit of scale (municipalities as a Nettskjema
# CSV, hospital trusts as xlsx, GPs as SPSS); about 97 % of them are kept by the cleaning.
ROUND_SIZE = Size("10^5", 60.0, 100_000)
"""The round the suite simulates: cleaning, a whole run and the survey estimators use it."""
QUICK_SIZE = Size("tiny", 0.5, 830)
"""The one size of ``--quick`` (a smoke test of the suite's pieces)."""


def _simulate_source_hash() -> str:
    import anchoring.simulate as simulate_package

    digest = hashlib.sha256()
    folder = Path(simulate_package.__file__).resolve().parent
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def remove_round(root: Path, round_id: str) -> None:
    """Delete a simulated round's raw, processed and report folders in the suite's work folder."""
    from anchoring.paths import RoundPaths

    paths = RoundPaths(root, round_id)
    for folder in (paths.raw_dir, paths.processed_dir, paths.reports_dir):
        if folder.exists():
            shutil.rmtree(folder)


def simulate(
    root: Path, round_id: str, scale: float, seed: int = SEED, resimulate: bool = False
) -> str | None:
    """Simulate ``round_id`` at ``scale`` under ``root`` unless a usable one exists.

    Returns a warning when an existing round made by another version of the simulator is
    reused, else None.
    """
    from anchoring.paths import RoundPaths

    paths = RoundPaths(root, round_id)
    key = {"seed": seed, "scale": scale, "simulate_source": _simulate_source_hash()}
    key_file = root / ".bench-keys" / f"{round_id}.json"
    if paths.config_file.exists() and key_file.exists():
        old = json.loads(key_file.read_text(encoding="utf-8"))
        if old == key:
            log.info("reusing simulated round %s (scale %g)", round_id, scale)
            return None
        same_request = {k: old.get(k) for k in ("seed", "scale")} == {"seed": seed, "scale": scale}
        if same_request and not resimulate:
            warning = (
                f"round {round_id} was simulated by another version of anchoring.simulate "
                "(reused; --resimulate to remake it)"
            )
            log.warning(warning)
            return warning
    remove_round(root, round_id)
    log.info("simulating round %s at scale %g", round_id, scale)
    command = [*anchoring_command(), "simulate", "--root", str(root), "--round", round_id]
    command += ["--seed", str(seed), "--scale", str(scale)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(json.dumps(key), encoding="utf-8")
    return None


def anchoring_command() -> list[str]:
    """The ``anchoring`` console script next to this interpreter (what a user runs)."""
    script = Path(sys.executable).parent / "anchoring"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from anchoring.cli import main; sys.exit(main())"]


def ensure_workspace(root: Path) -> Path:
    """Make ``root`` usable as a project root for the simulated rounds."""
    for sub in ("data/raw", "data/processed", "reports"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return root


def ensure_cleaned(root: Path, round_id: str) -> Path:
    """The round's ``responses.parquet``, cleaning the round first if it has none."""
    from anchoring.cleaning import clean_round
    from anchoring.paths import RoundPaths

    responses = RoundPaths(root, round_id).responses_file
    if not responses.exists():
        clean_round(root, round_id)
    return responses

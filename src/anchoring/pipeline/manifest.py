"""The run manifest ``reports/<round>/manifest.json``: the record of the last successful run.

It says what ran, on what, with what, and what came out: round id, start and end time, the git
commit of the code and whether its tree was dirty ("unknown" without git), Python and key package
versions, the run's parameters, SHA-256 of every raw input, of the instrument and frames, of the
previous round's processed files and of every output, the digest of all inputs (shown in the
report's footer), and per stage its fingerprint, timing and
whether it was skipped. The stage cache (:mod:`anchoring.pipeline.cache`) reads it back.
"""

from __future__ import annotations

import json
import logging
import platform
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from anchoring import __version__
from anchoring.paths import package_root

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1
KEY_PACKAGES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "statsmodels",
    "pydantic",
    "pyyaml",
    "openpyxl",
    "python-calamine",
    "pyreadstat",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter_client",
)
UNKNOWN = "unknown"


@dataclass
class StageRecord:
    """What one stage did in a run.

    ``seconds`` is the time the stage took in this run (0 when skipped); ``produced_at`` is the
    start time of the run that produced its outputs (this run, or an earlier one if skipped).
    """

    name: str
    notebooks: list[str]
    fingerprint: str
    skipped: bool
    seconds: float
    outputs: dict[str, str] = field(default_factory=dict)
    produced_at: str = ""

    def as_record(self) -> dict:
        """Plain dict for JSON."""
        return {
            "name": self.name,
            "notebooks": self.notebooks,
            "fingerprint": self.fingerprint,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "produced_at": self.produced_at,
            "outputs": dict(sorted(self.outputs.items())),
        }


def git_state(folder: Path | None = None) -> dict[str, str | bool]:
    """Commit and dirtiness of the git checkout holding the code (``unknown`` without git).

    Parameters
    ----------
    folder
        A folder inside the checkout; default: the package's.
    """
    folder = folder or package_root()
    try:
        commit = _git(folder, "rev-parse", "HEAD").strip()
        dirty: str | bool = bool(_git(folder, "status", "--porcelain").strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": UNKNOWN, "dirty": UNKNOWN}
    return {"commit": commit, "dirty": dirty}


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True, timeout=20
    ).stdout


def environment_record() -> dict:
    """Python, platform and the versions of the package and its key dependencies."""
    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = UNKNOWN
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "anchoring": __version__,
        "packages": packages,
    }


def build_manifest(
    *,
    round_id: str,
    started_at: str,
    finished_at: str,
    parameters: dict,
    inputs: dict,
    inputs_digest: str,
    stages: list[StageRecord],
    notebook_templates: dict[str, str],
    outputs: dict[str, str],
) -> dict:
    """Assemble the manifest (see the module docstring for its content).

    ``inputs_digest`` is the one digest of all inputs that the report's footer shows, so that a
    reader can match a report with its manifest.
    """
    return {
        "manifest_version": MANIFEST_VERSION,
        "round_id": round_id,
        "started_at": started_at,
        "finished_at": finished_at,
        "git": git_state(),
        "environment": environment_record(),
        "parameters": parameters,
        "inputs_digest": inputs_digest,
        "inputs": {**inputs, "notebooks": notebook_templates},
        "stages": [s.as_record() for s in stages],
        "skipped_stages": [s.name for s in stages if s.skipped],
        "outputs": dict(sorted(outputs.items())),
    }


def write_manifest(manifest: dict, path: Path) -> None:
    """Write the manifest as indented UTF-8 JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_manifest(path: Path) -> dict | None:
    """The manifest at ``path``, or ``None`` if missing or unreadable (then nothing is cached)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable manifest %s (%s): every stage will run.", path, exc)
        return None
    if not isinstance(manifest, dict) or manifest.get("manifest_version") != MANIFEST_VERSION:
        return None
    return manifest


def recorded_stage(manifest: dict | None, name: str) -> dict | None:
    """The record of stage ``name`` in a manifest, or ``None``."""
    if not manifest:
        return None
    for stage in manifest.get("stages", []):
        if isinstance(stage, dict) and stage.get("name") == name:
            return stage
    return None

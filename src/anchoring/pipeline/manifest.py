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
from pathlib import Path, PurePosixPath

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
    """The manifest at ``path``, or ``None`` if missing, unreadable or damaged.

    The file is read as untrusted data: anyone who can write ``reports/`` can edit it. It must
    have the shape :func:`build_manifest` writes (:func:`manifest_problem`), and every path it
    records must be a plain relative path under the project root. A damaged manifest is logged
    once, with what is wrong, and treated as absent: every stage reruns as if uncached, and the
    next successful run replaces it.
    """
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable manifest %s (%s): every stage will run.", path, exc)
        return None
    problem = manifest_problem(manifest)
    if problem is not None:
        log.warning(
            "Ignoring damaged manifest %s (%s): every stage will run as if uncached, and the "
            "next successful run replaces the file.",
            path,
            problem,
        )
        return None
    return manifest


def is_confined_path(relative: object) -> bool:
    """True if ``relative`` is a plain relative path that stays under the root it is joined to.

    Refused: a non-string, an empty or absolute path (``/x``, ``C:/x``), a
    ``..`` part, a backslash or a NUL character.
    """
    if not isinstance(relative, str) or not relative or "\\" in relative or "\0" in relative:
        return False
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        return False
    return ":" not in path.parts[0]  # not a drive (C:)


def manifest_problem(manifest: object) -> str | None:
    """What is wrong with a manifest read from disk, or ``None`` if it has the expected shape.

    Checked: a JSON object of :data:`MANIFEST_VERSION`; ``stages`` a list of objects with a
    string ``name`` and ``fingerprint`` and an ``outputs`` map; ``outputs`` and ``inputs`` maps;
    every map of recorded files from path to SHA-256 text, every path confined
    (:func:`is_confined_path`).
    """
    if not isinstance(manifest, dict):
        return "not a JSON object"
    if manifest.get("manifest_version") != MANIFEST_VERSION:
        return f"manifest_version is not {MANIFEST_VERSION}"
    stages = manifest.get("stages")
    if not isinstance(stages, list):
        return "'stages' is not a list"
    for index, stage in enumerate(stages):
        problem = _stage_problem(stage)
        if problem is not None:
            return f"stages[{index}]: {problem}"
    inputs = manifest.get("inputs")
    if not isinstance(inputs, dict):
        return "'inputs' is not an object"
    for key in ("raw", "previous_round"):
        problem = _files_problem(inputs.get(key, {}), f"inputs.{key}")
        if problem is not None:
            return problem
    return _files_problem(manifest.get("outputs"), "outputs")


def _stage_problem(stage: object) -> str | None:
    if not isinstance(stage, dict):
        return "not an object"
    for key in ("name", "fingerprint"):
        if not isinstance(stage.get(key), str):
            return f"'{key}' is not text"
    return _files_problem(stage.get("outputs"), "outputs")


def _files_problem(files: object, where: str) -> str | None:
    """A map of recorded files (relative path → SHA-256): its problem, or None."""
    if not isinstance(files, dict):
        return f"'{where}' is not an object"
    for relative, digest in files.items():
        if not is_confined_path(relative):
            return f"'{where}' records the path {relative!r}, which is not under the project root"
        if not isinstance(digest, str):
            return f"'{where}' records {relative!r} without a SHA-256 text"
    return None


def recorded_stage(manifest: dict | None, name: str) -> dict | None:
    """The record of stage ``name`` in a manifest, or ``None``."""
    if not manifest:
        return None
    for stage in manifest.get("stages", []):
        if isinstance(stage, dict) and stage.get("name") == name:
            return stage
    return None

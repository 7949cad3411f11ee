"""Where things live: the project root and the folders of a round.

Every path the package reads or writes comes from here (no cwd-relative paths, no ``os.chdir``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from anchoring.exceptions import AnchoringError, InputFileError

_ROOT_MARKERS = ("pyproject.toml", "notebooks")

ROUND_ID_MAX_LENGTH = 64
ROUND_ID_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{ROUND_ID_MAX_LENGTH - 1}}}")
"""A round id: a short plain name (ASCII letters, digits, ``.``, ``_``, ``-``; not starting with
``.``, ``_`` or ``-``; at most 64 characters). Match it with ``fullmatch``: no separators, no
spaces, no control or bidirectional characters, so an id is always one folder name."""


def check_round_id(round_id: object) -> str:
    """Return ``round_id`` if it is a plain round id (:data:`ROUND_ID_PATTERN`), else raise.

    Every command checks the id here (through :class:`RoundPaths`) before anything touches the
    disk: an id that is a path (``../../esc``, ``R/data/raw/base``) or odd text (spaces, control
    or right-to-left characters) would otherwise name a folder outside ``data/raw``.

    Raises
    ------
    AnchoringError
        The id is not a plain name; the message shows it escaped (``ascii``) and the rule.

    Examples
    --------
    >>> check_round_id("2026-h1")
    '2026-h1'
    """
    if isinstance(round_id, str) and ROUND_ID_PATTERN.fullmatch(round_id):
        return round_id
    shown = ascii(round_id) if len(str(round_id)) <= 80 else ascii(str(round_id)[:80]) + "..."
    raise AnchoringError(
        f"round id {shown} is not a plain name: use letters (a-z, A-Z), digits, '.', '_' and "
        f"'-' only, starting with a letter or digit, at most {ROUND_ID_MAX_LENGTH} characters "
        "(no spaces, no '/' or '\\'), e.g. --round 2026-h1."
    )


def find_project_root(start: str | Path | None = None) -> Path:
    """Find the project root: the nearest folder at or above ``start`` with the project's marks.

    A project root has a ``pyproject.toml`` naming the ``anchoring`` package and a ``notebooks/``
    folder, or failing that a ``data/raw`` folder (a data-only root made by ``--root``).

    Raises
    ------
    AnchoringError
        No such folder; the message says to pass ``--root``.
    """
    start = Path(start) if start is not None else Path.cwd()
    start = start.resolve()
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        is_checkout = pyproject.is_file() and (folder / "notebooks").is_dir()
        if is_checkout and 'name = "anchoring"' in pyproject.read_text(encoding="utf-8"):
            return folder
        if (folder / "data" / "raw").is_dir():
            return folder
    raise AnchoringError(
        f"no anchoring project found at or above {start}. Run the command inside the project, "
        "or pass --root PATH."
    )


def package_root() -> Path:
    """The folder of the installed package (``src/anchoring``)."""
    return Path(__file__).resolve().parent


def notebooks_dir() -> Path:
    """The notebook templates: ``notebooks/`` of the checkout this package was installed from."""
    candidate = package_root().parent.parent / "notebooks"
    if candidate.is_dir():
        return candidate
    raise AnchoringError(
        f"notebook templates not found at {candidate}. Install the package from a checkout "
        "('pip install -e .' or 'make demo')."
    )


@dataclass(frozen=True)
class RoundPaths:
    """The folders and files of one round under a root.

    Parameters
    ----------
    root
        The project (or data) root; ``data/raw``, ``data/processed`` and ``reports`` resolve
        under it.
    round_id
        The round.
    """

    root: Path
    round_id: str

    def __post_init__(self) -> None:
        check_round_id(self.round_id)
        object.__setattr__(self, "root", Path(self.root).resolve())

    @property
    def raw_dir(self) -> Path:
        """``data/raw/<round>``: immutable exports and ``round.yaml``."""
        return self.root / "data" / "raw" / self.round_id

    @property
    def processed_dir(self) -> Path:
        """``data/processed/<round>``: Parquet and JSON outputs of cleaning and analysis."""
        return self.root / "data" / "processed" / self.round_id

    @property
    def reports_dir(self) -> Path:
        """``reports/<round>``: HTML, xlsx, executed notebooks, manifest and log."""
        return self.root / "reports" / self.round_id

    @property
    def config_file(self) -> Path:
        """The round configuration."""
        return self.raw_dir / "round.yaml"

    @property
    def truth_file(self) -> Path:
        """The truth of a simulated round."""
        return self.raw_dir / "truth.json"

    @property
    def responses_file(self) -> Path:
        """Cleaned responses."""
        return self.processed_dir / "responses.parquet"

    @property
    def exclusions_file(self) -> Path:
        """Raw rows dropped by cleaning, with reasons."""
        return self.processed_dir / "exclusions.parquet"

    @property
    def quality_file(self) -> Path:
        """The cleaning quality report."""
        return self.processed_dir / "quality.json"

    @property
    def estimates_file(self) -> Path:
        """Tidy estimates with suppression applied."""
        return self.processed_dir / "estimates.parquet"

    @property
    def status_file(self) -> Path:
        """Anchoring status per measure."""
        return self.processed_dir / "status.parquet"

    @property
    def change_file(self) -> Path:
        """Change since the previous round (when the round names one)."""
        return self.processed_dir / "change.parquet"

    @property
    def manifest_file(self) -> Path:
        """The record of the last successful run."""
        return self.reports_dir / "manifest.json"

    def resolve_input(self, name: str, key: str) -> Path:
        """A file named in ``round.yaml``, resolved inside the round's raw folder.

        The one place every configured input path (an export's ``file:``, a ``frames:``
        override) is resolved, so ``validate``, cleaning, analysis and ``run`` read the same
        file. A relative path is taken from ``data/raw/<round>/``; sub-folders are allowed.

        Parameters
        ----------
        name
            The path as written in ``round.yaml``.
        key
            Where it is written (e.g. ``sources[kommuner].file``), for the message.

        Returns
        -------
        Path
            ``data/raw/<round>/<name>`` (not followed through symbolic links: the caller reads
            it as written).

        Raises
        ------
        InputFileError
            The path is absolute, climbs out with ``..``, or is (or passes through) a symbolic
            link to somewhere outside the round's raw folder.
        """
        fix = f"put the file in {self.raw_dir} and give its name relative to that folder"
        text = str(name)
        parts = PurePosixPath(text.replace("\\", "/")).parts
        if not text or PurePosixPath(text).is_absolute() or PureWindowsPath(text).anchor:
            raise InputFileError(f"{self.config_file}: {key} {text!r} is an absolute path; {fix}.")
        if ".." in parts:
            raise InputFileError(
                f"{self.config_file}: {key} {text!r} leaves the round folder; {fix}."
            )
        candidate = self.raw_dir / text
        inside = self.raw_dir.resolve()
        if not candidate.resolve().is_relative_to(inside):
            raise InputFileError(
                f"{self.config_file}: {key} {text!r} is a symbolic link to a file outside the "
                f"round folder; copy the file itself into the folder instead ({fix})."
            )
        return candidate

    def resolve_export(self, source_id: str, file: str) -> Path:
        """A source's export (``file:`` of source ``source_id``), through :meth:`resolve_input`."""
        return self.resolve_input(file, f"sources[{source_id}].file")

    def resolve_frames(self, frames: Mapping[str, str]) -> dict[str, Path]:
        """The round's ``frames:`` overrides (group → file), each through :meth:`resolve_input`."""
        return {
            group: self.resolve_input(file, f"frames.{group}") for group, file in frames.items()
        }

    def for_round(self, round_id: str) -> RoundPaths:
        """The paths of another round under the same root (e.g. the previous round)."""
        return RoundPaths(self.root, round_id)

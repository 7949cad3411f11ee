"""Where things live: the project root and the folders of a round.

Every path the package reads or writes comes from here (no cwd-relative paths, no ``os.chdir``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anchoring.exceptions import AnchoringError

_ROOT_MARKERS = ("pyproject.toml", "notebooks")


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

    def for_round(self, round_id: str) -> RoundPaths:
        """The paths of another round under the same root (e.g. the previous round)."""
        return RoundPaths(self.root, round_id)

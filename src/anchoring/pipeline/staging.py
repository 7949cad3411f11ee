"""Staging and atomic promotion: new outputs replace old ones only when the whole run succeeded.

A run writes into a staging root ``<root>/.anchoring-staging/<round>-<pid>/`` that mirrors the
project layout: ``data/raw/<round>`` (and the previous round's raw and processed folders) are
hard-linked (or copied) from the real root, and the notebooks write ``data/processed/<round>``
and ``reports/<round>`` there. On success each of the two folders is swapped into place with
renames (live → trash name, staged → live, trash removed), ``data/processed`` first and
``reports`` (holding ``manifest.json``, the record of the run) last. A crash at any moment leaves
each folder either old or new, never half-written; :func:`recover_interrupted_promotion` puts
back a folder whose swap was interrupted, and the cache notices a processed folder that no longer
matches its manifest.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from anchoring.exceptions import PipelineError
from anchoring.paths import RoundPaths

log = logging.getLogger(__name__)

STAGING_DIR = ".anchoring-staging"
"""Folder under the root holding the staging roots of runs in progress (and failed runs)."""

_TRASH_PREFIX = ".trash-"


def failed_run_dir(paths: RoundPaths) -> Path:
    """Where the executed notebooks and log of the last failed run of a round are kept."""
    return paths.root / STAGING_DIR / f"{paths.round_id}.failed"


def link_or_copy(source: Path, target: Path) -> None:
    """Make ``target`` a hard link to ``source``, or a copy where hard links are impossible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP}:
            raise
        shutil.copyfile(source, target)


def mirror_tree(source: Path, target: Path) -> None:
    """Recreate the folder ``source`` at ``target`` with hard-linked (or copied) files."""
    for dirpath, _dirnames, filenames in os.walk(source):
        folder = Path(dirpath)
        destination = target / folder.relative_to(source)
        destination.mkdir(parents=True, exist_ok=True)
        for name in filenames:
            link_or_copy(folder / name, destination / name)


@dataclass(frozen=True)
class Staging:
    """The staging root of one run.

    Attributes
    ----------
    live
        The round's real paths.
    staged
        The same round's paths under the staging root.
    """

    live: RoundPaths
    staged: RoundPaths

    @classmethod
    def create(cls, live: RoundPaths, earlier_rounds: list[str]) -> Staging:
        """Make a fresh staging root with the round's raw inputs and the earlier rounds' data.

        Call while holding the round's lock: staging roots of this round left by crashed runs
        are removed first.

        The raw folder is hard-linked (never written); so are ``data/raw/<earlier>`` and
        ``data/processed/<earlier>`` of every earlier round that exists (change estimates and
        the report's history read them).
        """
        _remove_abandoned_staging(live)
        staging_root = live.root / STAGING_DIR / f"{live.round_id}-{os.getpid()}"
        staged = RoundPaths(staging_root, live.round_id)
        mirror_tree(live.raw_dir, staged.raw_dir)
        for earlier in earlier_rounds:
            before, before_staged = live.for_round(earlier), staged.for_round(earlier)
            for source, target in (
                (before.raw_dir, before_staged.raw_dir),
                (before.processed_dir, before_staged.processed_dir),
            ):
                if source.is_dir():
                    mirror_tree(source, target)
        staged.processed_dir.mkdir(parents=True)
        staged.reports_dir.mkdir(parents=True)
        return cls(live, staged)

    @property
    def root(self) -> Path:
        """The staging root (passed to the notebooks as ``root``)."""
        return self.staged.root

    def staged_path(self, relative: str) -> Path:
        """A path relative to the root, under the staging root."""
        return self.staged.root / relative

    def live_path(self, relative: str) -> Path:
        """A path relative to the root, under the real root."""
        return self.live.root / relative

    def seed(self, relative_paths: list[str]) -> None:
        """Copy outputs of a skipped stage from the live folders into staging."""
        for relative in relative_paths:
            target = self.staged_path(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.live_path(relative), target)

    def snapshot(self) -> dict[str, tuple[int, int, int]]:
        """Size, modification time and inode of every staged output file, by relative path."""
        state = {}
        for folder in (self.staged.processed_dir, self.staged.reports_dir):
            for dirpath, _dirnames, filenames in os.walk(folder):
                for name in filenames:
                    path = Path(dirpath) / name
                    stat = path.stat()
                    relative = path.relative_to(self.root).as_posix()
                    state[relative] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        return state

    def changed_since(self, before: dict[str, tuple[int, int, int]]) -> list[str]:
        """Staged output files created or rewritten since the snapshot ``before``."""
        now = self.snapshot()
        return sorted(path for path, state in now.items() if before.get(path) != state)

    def promote(self) -> None:
        """Swap the staged output folders into place, then remove the staging root.

        Raises
        ------
        PipelineError
            A rename failed (e.g. the data folder is on another file system than the root).
        """
        pairs = (
            (self.staged.processed_dir, self.live.processed_dir),
            (self.staged.reports_dir, self.live.reports_dir),
        )
        for staged, live in pairs:
            _swap_in(staged, live)
        log.debug("Promoted %s and %s.", self.live.processed_dir, self.live.reports_dir)
        self.discard()

    def keep_failed(self) -> Path:
        """Keep the failed run's reports folder (executed notebooks, run.log); drop the rest."""
        kept = failed_run_dir(self.live)
        if kept.exists():
            shutil.rmtree(kept)
        if self.staged.reports_dir.is_dir():
            os.replace(self.staged.reports_dir, kept)
        self.discard()
        return kept

    def discard(self) -> None:
        """Remove the staging root (the live outputs are untouched)."""
        shutil.rmtree(self.root, ignore_errors=True)
        with contextlib.suppress(OSError):  # only when no other run or failed run is kept there
            self.root.parent.rmdir()


def _remove_abandoned_staging(live: RoundPaths) -> None:
    """Remove staging roots of this round left by crashed runs (the caller holds the lock)."""
    folder = live.root / STAGING_DIR
    if not folder.is_dir():
        return
    for candidate in folder.glob(f"{live.round_id}-*"):
        stem, _, pid = candidate.name.rpartition("-")
        if stem == live.round_id and pid.isdigit() and candidate.is_dir():
            log.debug("Removing abandoned staging folder %s.", candidate)
            shutil.rmtree(candidate, ignore_errors=True)


def _trash_name(live: Path) -> Path:
    return live.with_name(f"{_TRASH_PREFIX}{live.name}-{os.getpid()}")


def _swap_in(staged: Path, live: Path) -> None:
    live.parent.mkdir(parents=True, exist_ok=True)
    trash = _trash_name(live)
    try:
        if live.exists():
            os.replace(live, trash)
        os.replace(staged, live)
    except OSError as exc:
        if trash.exists() and not live.exists():
            os.replace(trash, live)
        raise PipelineError(
            f"could not move the new outputs {staged} into place at {live} ({exc}). "
            "The previous outputs are unchanged; keep data/ and reports/ on the same file "
            "system as the project root."
        ) from None
    shutil.rmtree(trash, ignore_errors=True)


def _is_trash_of(trash: Path, live: Path) -> bool:
    """True for ``.trash-<round>-<pid>`` of this round (not of a round named ``<round>-2``)."""
    stem, _, pid = trash.name.rpartition("-")
    return pid.isdigit() and stem == f"{_TRASH_PREFIX}{live.name}"


def recover_interrupted_promotion(paths: RoundPaths) -> None:
    """Repair a promotion that a crash interrupted (call while holding the round's lock).

    A trash folder beside a missing live folder is the old output, moved aside just before the
    crash: it is put back. A trash folder beside a live one is left-over and removed.
    """
    for live in (paths.processed_dir, paths.reports_dir):
        if not live.parent.is_dir():
            continue
        for trash in sorted(live.parent.glob(f"{_TRASH_PREFIX}{live.name}-*")):
            if not _is_trash_of(trash, live):
                continue
            if live.exists():
                shutil.rmtree(trash, ignore_errors=True)
            else:
                log.warning(
                    "Restoring %s from %s (an earlier run was interrupted while "
                    "promoting its outputs).",
                    live,
                    trash,
                )
                os.replace(trash, live)

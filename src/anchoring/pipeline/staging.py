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
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from anchoring.exceptions import PipelineError
from anchoring.masking import mask_message
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
        """Swap both staged output folders into place, all or nothing; remove the staging root.

        ``data/processed/<round>`` is swapped first, ``reports/<round>`` second. When the second
        swap fails the first is rolled back (the new processed folder moved out, the previous one
        moved back), so both folders hold the previous outputs; the failed run's reports folder
        is kept as ``.anchoring-staging/<round>.failed`` and nothing else of the staging root.

        Raises
        ------
        PipelineError
            A rename failed (e.g. a folder made immutable, or on another file system than the
            root); the message says exactly which outputs each folder now holds.
        """
        processed, reports = self.live.processed_dir, self.live.reports_dir
        try:
            processed_trash = _swap_in(self.staged.processed_dir, processed)
        except OSError as exc:
            self._fail(f"could not move the new outputs into place at {processed} ({exc}).")
        try:
            reports_trash = _swap_in(self.staged.reports_dir, reports)
        except OSError as exc:
            what = f"could not move the new reports into place at {reports} ({exc})."
            self._fail(what, self._roll_back(processed_trash))
        for trash in (processed_trash, reports_trash):
            if trash is not None:
                shutil.rmtree(trash, ignore_errors=True)
        log.debug("Promoted %s and %s.", processed, reports)
        self.discard()

    def _roll_back(self, trash: Path | None) -> str:
        """Undo the swap of the processed folder (new out, ``trash`` back); the state, in words."""
        live = self.live.processed_dir
        try:
            os.replace(live, self.staged.processed_dir)
            if trash is not None:
                os.replace(trash, live)
        except OSError as exc:
            return (
                f"Rolling it back failed ({exc}): {live} holds the NEW outputs while "
                f"{self.live.reports_dir} holds the PREVIOUS ones, with the previous manifest "
                f"(which no longer matches, so the next run reruns every stage); the previous "
                f"processed outputs are in {trash}."
            )
        return (
            f"The new {live} was rolled back: it and {self.live.reports_dir} hold the previous "
            "outputs, unchanged."
        )

    def _fail(self, what: str, state: str | None = None) -> NoReturn:
        """Keep the failed run's reports as ``<round>.failed``, log and raise what happened."""
        kept = self.keep_failed()
        if state is None:
            state = (
                f"{self.live.processed_dir} and {self.live.reports_dir} hold the previous "
                "outputs, unchanged."
            )
        message = (
            f"{what} {state} The failed run's reports and executed notebooks are kept in "
            f"{kept}. Keep data/ and reports/ writable and on the same file system as the "
            "project root, then run again."
        )
        log.error("%s", message)
        raise PipelineError(message) from None

    def keep_failed(self) -> Path:
        """Keep the failed run's reports folder (executed notebooks, run.log); drop the rest.

        The kept notebooks' outputs and ``run.log`` are masked
        (:func:`mask_failed_run_records`): a failing cell's error may quote a raw cell.
        """
        kept = failed_run_dir(self.live)
        if kept.exists():
            shutil.rmtree(kept)
        if self.staged.reports_dir.is_dir():
            os.replace(self.staged.reports_dir, kept)
            mask_failed_run_records(kept)
        self.discard()
        return kept

    def discard(self) -> None:
        """Remove the staging root (the live outputs are untouched)."""
        shutil.rmtree(self.root, ignore_errors=True)
        with contextlib.suppress(OSError):  # only when no other run or failed run is kept there
            self.root.parent.rmdir()


def mask_failed_run_records(folder: Path) -> None:
    """Mask personal-data shapes in the outputs of the notebooks and the logs under ``folder``.

    An :class:`~anchoring.exceptions.AnchoringError` masks its own message, but a failing cell
    can also raise another library's error quoting a raw value (a ``KeyError('kari@...')``);
    every text of every cell output (the error's value and traceback, printed streams) passes
    through :func:`anchoring.masking.mask_message`, as does ``run.log``.
    """
    for notebook in sorted(folder.rglob("*.ipynb")):
        try:
            content = json.loads(notebook.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        cells = content.get("cells", []) if isinstance(content, dict) else []
        for cell in cells:
            if isinstance(cell, dict) and "outputs" in cell:
                cell["outputs"] = _masked(cell["outputs"])
        notebook.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", "utf-8")
    for log_file in sorted(folder.rglob("*.log")):
        text = log_file.read_text(encoding="utf-8", errors="replace")
        log_file.write_text(mask_message(text), encoding="utf-8")


def _masked(value: object) -> object:
    if isinstance(value, str):
        return mask_message(value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


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


def _swap_in(staged: Path, live: Path) -> Path | None:
    """Rename ``live`` aside and ``staged`` into its place; the aside name (None: no ``live``).

    On failure ``live`` is put back as it was and the :class:`OSError` propagates.
    """
    live.parent.mkdir(parents=True, exist_ok=True)
    trash = _trash_name(live) if live.exists() else None
    try:
        if trash is not None:
            os.replace(live, trash)
        os.replace(staged, live)
    except OSError:
        if trash is not None and trash.exists() and not live.exists():
            os.replace(trash, live)
        raise
    return trash


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

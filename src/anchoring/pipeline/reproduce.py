"""Reproduce a round from its raw exports alone and compare with the recorded outputs.

:func:`reproduce_round` first compares the raw exports (every file under ``data/raw/<round>/``)
with the SHA-256 recorded in the round's manifest: an export changed, added or removed since the
run means the outputs cannot be reproduced, and the verdict names the file without rerunning.
Otherwise it copies ``data/raw/<round>/`` into a fresh temporary root (removed on every exit path,
also on SIGINT and SIGTERM), reruns every stage there, and compares each processed table and
estimate (every file under ``data/processed/<round>/``) byte for byte with the recorded one. If
the round has a previous round, that round's *recorded* processed files are copied into the
temporary root after their SHA-256 has been checked against the previous round's manifest (the
change estimates need them); a verdict line says so. Byte identity holds because every stage is
deterministic (fixed seeds, stable order, no timestamps in data files, ``PYTHONHASHSEED=0`` in the
kernels).
"""

from __future__ import annotations

import logging
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from anchoring.exceptions import ReproductionError
from anchoring.intake.round_config import load_round_config
from anchoring.paths import RoundPaths
from anchoring.pipeline.hashing import list_files, sha256_file, sha256_tree
from anchoring.pipeline.lock import round_lock
from anchoring.pipeline.manifest import read_manifest
from anchoring.pipeline.run import run_round

log = logging.getLogger(__name__)

IDENTICAL, DIFFERS, MISSING, UNRECORDED = "identical", "differs", "missing", "not recorded"


@dataclass(frozen=True)
class FileVerdict:
    """The comparison of one processed file.

    Attributes
    ----------
    path
        Relative to the root, e.g. ``data/processed/2025/estimates.parquet``.
    verdict
        ``identical``; ``differs``; ``missing`` (recorded but not reproduced); ``not recorded``
        (reproduced but absent from the recorded outputs).
    """

    path: str
    verdict: str


@dataclass
class ReproduceResult:
    """Outcome of :func:`reproduce_round`: one verdict per processed file, plus notes.

    ``changed_inputs`` lists the raw files that differ from the manifest (then nothing was
    rerun and ``verdicts`` is empty).
    """

    round_id: str
    verdicts: list[FileVerdict]
    notes: list[str] = field(default_factory=list)
    changed_inputs: list[FileVerdict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True only if no input changed, there is at least one file and every file is identical."""
        if self.changed_inputs:
            return False
        return bool(self.verdicts) and all(v.verdict == IDENTICAL for v in self.verdicts)

    def verdict_lines(self) -> list[str]:
        """Notes, one line per file (``identical``/``differs``/``missing``), and a summary."""
        lines = [f"note: {note}" for note in self.notes]
        if self.changed_inputs:
            lines += [f"input {v.verdict}: {v.path}" for v in self.changed_inputs]
            lines.append(
                f"round '{self.round_id}' NOT reproduced: {len(self.changed_inputs)} raw input "
                "file(s) differ from the SHA-256 recorded in its manifest (listed above); the "
                "outputs were not rerun."
            )
            return lines
        lines += [f"{v.verdict}: {v.path}" for v in self.verdicts]
        same = sum(v.verdict == IDENTICAL for v in self.verdicts)
        outcome = "reproduced" if self.ok else "NOT reproduced"
        lines.append(
            f"round '{self.round_id}' {outcome}: {same} of {len(self.verdicts)} "
            "processed file(s) identical."
        )
        return lines


def reproduce_round(
    root: str | Path, round_id: str, *, lang: str = "both", notebooks_dir: Path | None = None
) -> ReproduceResult:
    """Rerun a round from its raw exports in a temporary root and compare the processed files.

    Parameters
    ----------
    root
        The project (or data) root holding the recorded outputs.
    round_id
        The round.
    lang
        Report language(s) of the rerun (``both`` reruns the round exactly as ``anchoring run``).
    notebooks_dir
        Folder of the notebook templates (default: the checkout's ``notebooks/``).

    Returns
    -------
    ReproduceResult
        ``.ok`` and ``.verdict_lines()``.

    Raises
    ------
    ReproductionError
        The round has no recorded outputs or no (readable) manifest, or the previous round's
        recorded files do not match its manifest (or it has none).
    PipelineError
        The rerun itself failed.
    """
    paths = RoundPaths(Path(root), round_id)
    config = load_round_config(paths.config_file)
    with round_lock(paths):
        recorded = _relative_files(paths.processed_dir, paths.root)
        if not recorded:
            raise ReproductionError(
                f"round '{round_id}' has no recorded outputs in {paths.processed_dir}; run "
                f"'anchoring run --round {round_id}' first."
            )
        changed = changed_inputs(paths)
        if changed:
            result = ReproduceResult(round_id, [], changed_inputs=changed)
            log.info("%s", result.verdict_lines()[-1])
            return result
        with temporary_root(round_id) as tmp:
            rerun = RoundPaths(tmp, round_id)
            shutil.copytree(paths.raw_dir, rerun.raw_dir)
            notes = []
            if config.previous_round:
                notes.append(
                    copy_recorded_round(
                        paths.for_round(config.previous_round),
                        rerun.for_round(config.previous_round),
                    )
                )
            log.info("Reproducing round '%s' from its raw exports in %s.", round_id, rerun.root)
            run_round(rerun.root, round_id, lang=lang, force=True, notebooks_dir=notebooks_dir)
            verdicts = compare_processed(paths, rerun)
    result = ReproduceResult(round_id, verdicts, notes)
    log.info("%s", result.verdict_lines()[-1])
    return result


def changed_inputs(paths: RoundPaths) -> list[FileVerdict]:
    """Raw files of the round that differ from the SHA-256 recorded in its manifest.

    Raises
    ------
    ReproductionError
        The round has no manifest, or it is damaged (see
        :func:`~anchoring.pipeline.manifest.read_manifest`).
    """
    manifest = read_manifest(paths.manifest_file)
    if manifest is None:
        raise ReproductionError(
            f"round '{paths.round_id}' has no readable manifest ({paths.manifest_file}), so its "
            f"raw inputs cannot be checked; run 'anchoring run --round {paths.round_id}' first."
        )
    recorded = manifest["inputs"].get("raw", {})
    now = sha256_tree(paths.raw_dir, paths.root)
    verdicts = []
    for relative in sorted(set(recorded) | set(now)):
        if relative not in now:
            verdicts.append(FileVerdict(relative, MISSING))
        elif relative not in recorded:
            verdicts.append(FileVerdict(relative, UNRECORDED))
        elif now[relative] != recorded[relative]:
            verdicts.append(FileVerdict(relative, DIFFERS))
    return verdicts


@contextmanager
def temporary_root(round_id: str) -> Iterator[Path]:
    """A fresh ``anchoring-reproduce-<round>-*`` folder, removed on every exit path.

    While the block runs, SIGTERM is turned into :class:`KeyboardInterrupt` (as SIGINT already
    is), so a terminated ``reproduce`` unwinds like an interrupted one: the rerun stops, the lock
    is released and the temporary root (a full copy of the raw exports) is removed. Further
    SIGINT and SIGTERM are held off while the folder is removed.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f"anchoring-reproduce-{round_id}-"))
    in_main = threading.current_thread() is threading.main_thread()  # signals: main thread only
    on_term = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
    try:
        yield tmp
    finally:
        on_int = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
        if in_main:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        shutil.rmtree(tmp, ignore_errors=True)
        if in_main:
            signal.signal(signal.SIGINT, on_int)
            signal.signal(signal.SIGTERM, on_term)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def _relative_files(folder: Path, root: Path) -> list[str]:
    return [f.relative_to(root).as_posix() for f in list_files(folder)]


def compare_processed(recorded: RoundPaths, rerun: RoundPaths) -> list[FileVerdict]:
    """Byte-for-byte verdict for every file under either round's ``data/processed/<round>/``."""
    old = set(_relative_files(recorded.processed_dir, recorded.root))
    new = set(_relative_files(rerun.processed_dir, rerun.root))
    verdicts = []
    for relative in sorted(old | new):
        if relative not in new:
            verdict = MISSING
        elif relative not in old:
            verdict = UNRECORDED
        elif _same_bytes(recorded.root / relative, rerun.root / relative):
            verdict = IDENTICAL
        else:
            verdict = DIFFERS
        verdicts.append(FileVerdict(relative, verdict))
    return verdicts


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def copy_recorded_round(source: RoundPaths, target: RoundPaths) -> str:
    """Copy a round's recorded processed files (and ``round.yaml``), checked against its manifest.

    Returns
    -------
    str
        A note for the verdict lines saying what was copied and checked.

    Raises
    ------
    ReproductionError
        The round has no manifest, or a file is missing or differs from its recorded SHA-256.
    """
    manifest = read_manifest(source.manifest_file)
    if manifest is None:
        raise ReproductionError(
            f"previous round '{source.round_id}' has no manifest ({source.manifest_file}); "
            f"run 'anchoring run --round {source.round_id}' first."
        )
    prefix = source.processed_dir.relative_to(source.root).as_posix() + "/"
    wanted = {k: v for k, v in manifest.get("outputs", {}).items() if k.startswith(prefix)}
    config = source.config_file.relative_to(source.root).as_posix()
    if config in manifest.get("inputs", {}).get("raw", {}):
        wanted[config] = manifest["inputs"]["raw"][config]
    for relative, digest in sorted(wanted.items()):
        path = source.root / relative
        if not path.is_file() or sha256_file(path) != digest:
            raise ReproductionError(
                f"{path}: {'missing' if not path.is_file() else 'differs from'} the SHA-256 "
                f"recorded in {source.manifest_file}; rerun round '{source.round_id}' first."
            )
        (target.root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target.root / relative)
    return (
        f"previous round '{source.round_id}': copied its {len(wanted)} recorded file(s) "
        f"(processed outputs and round.yaml), each matching the SHA-256 in "
        f"{source.manifest_file}."
    )

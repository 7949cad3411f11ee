"""Reproduce a round from its raw exports alone and compare with the recorded outputs.

:func:`reproduce_round` copies ``data/raw/<round>/`` into a fresh temporary root, reruns every
stage there, and compares each processed table and estimate (every file under
``data/processed/<round>/``) byte for byte with the recorded one. If the round has a previous
round, that round's *recorded* processed files are copied into the temporary root after their
SHA-256 has been checked against the previous round's manifest (the change estimates need them);
a verdict line says so. Byte identity holds because every stage is deterministic (fixed seeds,
stable order, no timestamps in data files, ``PYTHONHASHSEED=0`` in the kernels).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from anchoring.exceptions import ReproductionError
from anchoring.paths import RoundPaths
from anchoring.pipeline.hashing import list_files, sha256_file
from anchoring.pipeline.lock import round_lock
from anchoring.pipeline.manifest import read_manifest
from anchoring.pipeline.run import run_round
from anchoring.round_config import load_round_config

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
    """Outcome of :func:`reproduce_round`: one verdict per processed file, plus notes."""

    round_id: str
    verdicts: list[FileVerdict]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True only if there is at least one file and every file is identical."""
        return bool(self.verdicts) and all(v.verdict == IDENTICAL for v in self.verdicts)

    def verdict_lines(self) -> list[str]:
        """Notes, one line per file (``identical``/``differs``/``missing``), and a summary."""
        lines = [f"note: {note}" for note in self.notes]
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
        The round has no recorded outputs, or the previous round's recorded files do not match
        its manifest (or it has none).
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
        with tempfile.TemporaryDirectory(prefix=f"anchoring-reproduce-{round_id}-") as tmp:
            rerun = RoundPaths(Path(tmp), round_id)
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

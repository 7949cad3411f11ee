"""Atomic promotion of a stage's output folder: all files appear together, or none do.

A stage writes everything into a fresh staging folder *beside* its target
(``data/processed/.<round>.staging-XXXX``, same file system), and only when it has succeeded are
the files moved into the target with :func:`os.replace` (atomic per file on POSIX). On failure the
staging folder is removed and the target is untouched, so ``data/processed/<round>/`` never holds
a partial file. Use :func:`staged_directory` as a context manager.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from anchoring.exceptions import PipelineError

log = logging.getLogger(__name__)


def make_staging_directory(target: str | Path) -> Path:
    """Create an empty staging folder beside ``target`` (same parent, hidden name)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))


def promote_directory(staging: str | Path, target: str | Path) -> list[Path]:
    """Move every file of ``staging`` into ``target`` and remove ``staging``.

    When ``target`` does not exist the whole folder is renamed in one step. Otherwise each staged
    file replaces the file of the same name in ``target`` (``os.replace``, atomic per file);
    files of ``target`` that the stage did not write (outputs of other stages) are kept.

    Parameters
    ----------
    staging
        A folder made by :func:`make_staging_directory`, holding only files.
    target
        The stage's output folder, e.g. ``data/processed/<round>``.

    Returns
    -------
    list of Path
        The promoted files, in name order.

    Raises
    ------
    PipelineError
        ``staging`` holds a sub-folder, or a file cannot be moved.
    """
    staging, target = Path(staging), Path(target)
    names = sorted(p.name for p in staging.iterdir())
    folders = [n for n in names if (staging / n).is_dir()]
    if folders:
        raise PipelineError(
            f"{staging}: staging folder holds sub-folders {folders}; a stage may only stage files."
        )
    try:
        if not target.exists():
            os.replace(staging, target)
        else:
            for name in names:
                os.replace(staging / name, target / name)
            staging.rmdir()
    except OSError as exc:
        raise PipelineError(
            f"cannot move the outputs from {staging} into {target} ({exc}). "
            "Check permissions and free space, then run the stage again."
        ) from exc
    log.debug("promoted %d file(s) into %s", len(names), target)
    return [target / n for n in names]


@contextmanager
def staged_directory(target: str | Path) -> Iterator[Path]:
    """Yield a staging folder beside ``target``; promote it on success, delete it on error.

    Examples
    --------
    >>> with staged_directory(paths.processed_dir) as tmp:  # doctest: +SKIP
    ...     write_parquet(table, tmp / "responses.parquet")
    """
    staging = make_staging_directory(target)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    promote_directory(staging, target)

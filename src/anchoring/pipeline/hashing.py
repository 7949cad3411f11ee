"""SHA-256 digests of files, folders and records: the currency of the cache and the manifest.

Every file is read once per run (digests are memoised by path, size, modification time and inode),
so fingerprinting a round that has not changed costs a few milliseconds per file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

_CHUNK = 1 << 20
_memo: dict[tuple[str, int, int, int], str] = {}


def sha256_file(path: Path) -> str:
    """The hexadecimal SHA-256 of a file's bytes.

    Parameters
    ----------
    path
        A regular file.

    Returns
    -------
    str
        64 hexadecimal digits; memoised while the file's size, modification time and inode stay
        the same.
    """
    stat = os.stat(path)
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    cached = _memo.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    _memo[key] = digest.hexdigest()
    return _memo[key]


def list_files(folder: Path) -> list[Path]:
    """Every regular file under ``folder`` (recursively), sorted by relative POSIX path.

    Caches (``__pycache__``, ``.ipynb_checkpoints``) are left out. A missing folder has no files.
    """
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in {"__pycache__", ".ipynb_checkpoints"})
        found.extend(Path(dirpath) / name for name in filenames)
    return sorted((f for f in found if f.is_file()), key=lambda f: f.relative_to(folder).as_posix())


def sha256_tree(folder: Path, relative_to: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, keyed by POSIX path relative to ``relative_to``."""
    return {f.relative_to(relative_to).as_posix(): sha256_file(f) for f in list_files(folder)}


def sha256_record(record: object) -> str:
    """SHA-256 of a JSON-serialisable record in canonical form (sorted keys, no spaces)."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()

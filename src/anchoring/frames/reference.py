"""Reference tables for matching organisations as people type them (package data, read-only).

Not frames: the frames say which organisations exist; these tables say how people write them. Each
file, its source and the date it holds for are named under ``reference`` in ``sources.yaml``
(SSB classifications 131 and 104, the trusts' own websites); see ``README.md`` beside this module.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from anchoring.exceptions import FrameError
from anchoring.frames.loader import _HERE, _read_csv
from anchoring.yaml_io import parse_yaml

_COLUMNS = {
    "municipality_names": ("kommunenummer", "name", "name_kind"),
    "municipality_history": ("old_number", "old_name", "valid_to", "new_number"),
    "former_counties": ("fylkesnummer", "fylkesnavn", "valid_to"),
    "trust_aliases": ("alias", "hf_id", "alias_kind"),
}


def load_reference_table(name: str) -> pd.DataFrame:
    """One packaged reference table, every column as text (a fresh copy, safe to change).

    Parameters
    ----------
    name
        ``municipality_names`` (``kommuner-2024-names.csv``), ``municipality_history``
        (``kommuner-history.csv``), ``former_counties`` (``fylker-former.csv``) or
        ``trust_aliases`` (``helseforetak-aliases.csv``).

    Raises
    ------
    FrameError
        An unknown table, or a packaged file without its columns (a broken installation).
    """
    if name not in _COLUMNS:
        raise FrameError(f"frames: unknown reference table {name!r}; use one of {list(_COLUMNS)}.")
    return _read_table(name).copy()


def reference_source(name: str) -> dict[str, str]:
    """``file``, ``source`` and ``holds_for`` of a reference table, as in ``sources.yaml``."""
    meta = _sources()[name]
    return {k: " ".join(str(meta[k]).split()) for k in ("file", "source", "holds_for")}


@cache
def _sources() -> dict:
    return parse_yaml((_HERE / "sources.yaml").read_text(encoding="utf-8"))["reference"]


@cache
def _read_table(name: str) -> pd.DataFrame:
    path = _HERE / _sources()[name]["file"]
    table = _read_csv(path)
    missing = [c for c in _COLUMNS[name] if c not in table.columns]
    if missing:
        raise FrameError(f"{path}: missing column(s) {missing}; reinstall the package.")
    return table.apply(lambda column: column.str.strip())

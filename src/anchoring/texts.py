"""The one text catalog: every word a reader sees, in bokmål and English.

The words of the leadership report (HTML and spreadsheet), its figure titles and alt text, the
main points, the active titles, the months and the status names, and the analyst's workbench live
in one file beside the instrument, ``src/anchoring/instrument/texts.yaml``: a mapping of
key → ``{nb: ..., en: ...}``. Placeholders are :meth:`str.format` fields (``{measure}``).
Names of measures, dimensions, groups, scale points and themes are not here: they belong to the
instrument (``instrument.yaml``, :mod:`anchoring.instrument`).

Keys that the code builds from an id (``f"status_{status_id}"``, ``f"month_{month}"``, ...) are
named in :data:`DYNAMIC_KEYS`; ``tests/test_texts.py`` checks that every key has both languages
and that every key is used (as a literal in the package source or in :data:`DYNAMIC_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from anchoring.exceptions import InstrumentError
from anchoring.groups import GROUPS, SECTOR
from anchoring.instrument import LANGUAGES
from anchoring.schema import EXCLUSION_REASONS, STATUS_IDS
from anchoring.yaml_io import parse_yaml

CATALOG_PATH = Path(__file__).parent / "instrument" / "texts.yaml"
"""The text catalog, beside ``instrument.yaml``."""

DYNAMIC_KEYS: dict[str, tuple[str, ...]] = {
    "status": STATUS_IDS,
    "rule": STATUS_IDS,
    "group_definite": (*GROUPS, SECTOR),
    "month": tuple(str(month) for month in range(1, 13)),
    "headline": (
        "well_lagging",
        "well_leading",
        "well",
        "partly_lagging",
        "partly_leading",
        "partly",
        "weak_lagging",
        "weak_leading",
        "weak",
        "not_assessed",
    ),
    "figure_title": ("heatmap", "distribution", "index", "change"),
    "figure": ("hidden", "below", "between", "above"),
    "about_design": ("one_stage", "two_stage"),
    "frame_source": GROUPS,
    "frame_strata": GROUPS,
    "reason": EXCLUSION_REASONS,
    "redaction": (
        "fodselsnummer",
        "fodselsnummer_checksum_valid",
        "telefon",
        "e_post",
        "hpr_nummer",
        "html",
        "script",
        "formula",
    ),
}
"""Keys built as ``f"{prefix}_{id}"``: prefix → the ids the code can pass."""


def dynamic_keys() -> set[str]:
    """Every key of :data:`DYNAMIC_KEYS`, spelled out (``status_well``, ``month_1``, ...)."""
    return {f"{prefix}_{i}" for prefix, ids in DYNAMIC_KEYS.items() for i in ids}


def load_catalog(path: str | Path | None = None) -> Mapping[str, Mapping[str, str]]:
    """Read and check a text catalog.

    Parameters
    ----------
    path
        A YAML file of key → ``{nb: text, en: text}``; default: :data:`CATALOG_PATH`.

    Returns
    -------
    Mapping
        A read-only mapping key → language → text.

    Raises
    ------
    InstrumentError
        When the file is not valid YAML, or an entry lacks a language or is not text.
    """
    path = Path(path) if path is not None else CATALOG_PATH
    try:
        raw: Any = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"{path}: cannot read the text catalog ({exc}).") from None
    if not isinstance(raw, dict):
        raise InstrumentError(f"{path}: the text catalog must map keys to {{nb, en}} texts.")
    for key, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
            raise InstrumentError(
                f"{path}: key {key!r} must have exactly the languages {list(LANGUAGES)}; "
                "add the missing text."
            )
        if not all(isinstance(entry[lang], str) and entry[lang] for lang in LANGUAGES):
            raise InstrumentError(f"{path}: key {key!r} has an empty or non-text entry.")
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in raw.items()})


@cache
def catalog() -> Mapping[str, Mapping[str, str]]:
    """The packaged text catalog (read once)."""
    return load_catalog()


def has_text(key: str) -> bool:
    """True when the catalog holds ``key`` (for ids read from data, e.g. exclusion reasons)."""
    return key in catalog()


def text(key: str, lang: str, **fields: object) -> str:
    """A text of the catalog in ``lang``, with its ``{fields}`` filled in.

    Parameters
    ----------
    key
        A key of ``texts.yaml``.
    lang
        ``"nb"`` or ``"en"``.
    **fields
        Values of the text's :meth:`str.format` fields; without any, the text is returned as
        written.

    Raises
    ------
    KeyError
        When the key is not in the catalog (a programming error, caught by the tests).
    """
    phrase = catalog()[key][lang]
    return phrase.format(**fields) if fields else phrase

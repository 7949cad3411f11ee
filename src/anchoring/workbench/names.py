"""Names for the analyst's views: the instrument's and the frames' names instead of codes.

A cleaned row carries codes (``group = "municipality"``, ``role = "it_leder"``,
``stratum = "municipality:46"``, ``pll__nytte = 4``); the views show the names the instrument
(``instrument.yaml``) and the sampling frames give them, in the analyst's language. Answers become
ordered categories: the five scale points in scale order, then «Vet ikke» and «Ikke relevant»
(docs/architecture.md, the instrument).
"""

from __future__ import annotations

import pandas as pd

from anchoring.frames import Frames
from anchoring.groups import GROUPS, SECTOR
from anchoring.instrument import Instrument
from anchoring.report.labels import UI_TEXT

GROUP_NAME = "group_name"
ROLE_NAME = "role_name"
STRATUM_NAME = "stratum_name"


def group_names(instrument: Instrument, lang: str) -> dict[str, str]:
    """Group id → the instrument's name of the group (and the sector), e.g. ``Kommuner``."""
    names = {g.id: g.name[lang] for g in instrument.groups}
    return {**names, SECTOR: UI_TEXT["sector"][lang]}


def role_names(instrument: Instrument, lang: str) -> dict[str, str]:
    """Role code → the instrument's name of the role, over every group (and «Annet»)."""
    names = {role.id: role.label[lang] for roles in instrument.roles.values() for role in roles}
    if instrument.other_role is not None:
        names[instrument.other_role.id] = instrument.other_role.label[lang]
    return names


def stratum_names(frames: Frames) -> dict[str, str]:
    """Stratum id → its name in the frame: a county for municipalities and GPs, else the RHF."""
    names: dict[str, str] = {}
    for group in GROUPS:
        strata = frames[group].strata
        names.update(zip(strata["stratum"], strata["stratum_name"], strict=True))
    return names


def measure_names(instrument: Instrument, lang: str) -> dict[str, str]:
    """Measure id → its short name, capitalised (``PLL``, ``Kritisk informasjon``)."""
    return {m.id: m.short[lang][:1].upper() + m.short[lang][1:] for m in instrument.measures}


def dimension_names(instrument: Instrument, lang: str) -> dict[str, str]:
    """Dimension id → its name (``Opplevd nytte``); ``index`` → the anchoring index."""
    names = {d.id: d.name[lang] for d in instrument.dimensions}
    return {**names, "index": UI_TEXT["index_short"][lang]}


def answer_categories(instrument: Instrument, lang: str) -> pd.CategoricalDtype:
    """The answers as one ordered categorical: scale points first, then the non-substantive."""
    labels = [p.label[lang] for p in (*instrument.points, *instrument.non_substantive)]
    return pd.CategoricalDtype(labels, ordered=True)


def answer_labels(instrument: Instrument, lang: str) -> dict[int, str]:
    """Answer code (1–5, 8, 9) → its label in the instrument."""
    return {p.code: p.label[lang] for p in (*instrument.points, *instrument.non_substantive)}


def label_responses(
    responses: pd.DataFrame, instrument: Instrument, frames: Frames, lang: str
) -> pd.DataFrame:
    """The cleaned responses with names beside the codes and the answers as labelled categories.

    Parameters
    ----------
    responses
        ``responses.parquet`` as written by the cleaning stage.
    instrument, frames
        Where the names come from.
    lang
        ``nb`` or ``en``.

    Returns
    -------
    pandas.DataFrame
        A copy: ``group_name``, ``role_name`` and ``stratum_name`` (county or RHF) added after
        the codes; every item column an ordered categorical of answer labels (missing =
        unanswered).
    """
    table = responses.copy()
    table.insert(
        table.columns.get_loc("group") + 1,
        GROUP_NAME,
        table["group"].map(group_names(instrument, lang)).astype("str"),
    )
    roles = role_names(instrument, lang)
    table.insert(
        table.columns.get_loc("role") + 1,
        ROLE_NAME,
        table["role"].map(lambda code: roles.get(code, code)).astype("str"),
    )
    strata = stratum_names(frames)
    table.insert(
        table.columns.get_loc("stratum") + 1,
        STRATUM_NAME,
        table["stratum"].map(lambda code: strata.get(code, code)).astype("str"),
    )
    categories, codes = answer_categories(instrument, lang), answer_labels(instrument, lang)
    for item in instrument.item_ids():
        if item in table.columns:
            labels = table[item].astype("Int64").map(codes, na_action="ignore")
            table[item] = labels.astype(categories)
    return table

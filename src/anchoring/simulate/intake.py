"""Intake problems planted in the tool-format exports, on top of :mod:`anchoring.simulate.dirt`.

Issue #14 lists what a first real round brings that the simulator's own formats did not:

* a **test on opening day**: a submission on the first fieldwork day before office hours with the
  comment «TEST – ikke ta med» (not caught by the fieldwork dates; reason ``test``); the other
  planted tests (before fieldwork) are Qualtrics' «Survey Preview» rows in a Qualtrics export;
* **resubmissions with changed answers**: the planted duplicates repeat most answers but change
  a few (:data:`CHANGED_ITEMS`); in Forms and Qualtrics they come from the same respondent
  identity (an e-mail address), in a Nettskjema report only the organisation and role repeat
  (the earlier row goes, reason ``duplicate``; ``basis`` says how it can be told);
* **unfinished answers**: in Qualtrics the planted incomplete rows are recorded with
  ``Finished = False`` and ``Progress`` < 100;
* **«Annet» roles**: a few genuine respondents answer the role question with «Annet»;
* **organisations typed as names** (:mod:`anchoring.simulate.org_typing`) and, for GPs, a
  practice size sometimes typed as text («ca 6»);
* **identities**: plainly synthetic names and e-mail addresses (``@example.org``, RFC 2606) in
  the tools that record them; an anonymous Forms response has ``Email`` «anonymous».

The personal data in free text is planted by :mod:`anchoring.simulate.dirt` as in every round.
Everything here draws from the source's own ``intake`` stream, so the default formats' rounds
are unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from anchoring.simulate.dirt import Planted
from anchoring.simulate.formats import IDENTITY_FORMATS
from anchoring.simulate.org_typing import TypedOrganisations, type_municipalities, type_trusts
from anchoring.simulate.population import OTHER_ROLE
from anchoring.simulate.respondents import local_day_start

OPENING_DAY_TEST = "TEST – ikke ta med"
"""The comment of the test submitted on opening day (issue #14)."""

ANONYMOUS = "anonymous"
"""What Microsoft Forms writes in ``Email`` when the form does not record names."""

CHANGED_ITEMS = (2, 5)
"""A resubmission changes between 2 and 4 of its items (the rest repeat the first answer)."""

OTHER_ROLE_SHARE = 0.01
PRACTICE_SIZE_TEXT_SHARE = 0.015
PRACTICE_SIZE_TEXTS = ("ca {n}", "{n} leger", "{n} stk", "ca. {n}")
"""How a GP types a number in a text field when it is not a bare number."""

_FIRST = ("Kari", "Ola", "Ingrid", "Per", "Anne", "Lars", "Sigrid", "Jon", "Marit", "Erik")
_LAST = ("Nordmann", "Testesen", "Eksempel")


@dataclass
class IntakePlanted:
    """What the intake step planted in one tool-format source, by internal sequence number."""

    format: str
    organisations: TypedOrganisations
    resubmissions: list[dict] = field(default_factory=list)
    tests: list[dict] = field(default_factory=list)
    unfinished: list[int] = field(default_factory=list)
    other_roles: list[int] = field(default_factory=list)
    practice_size_text: list[dict] = field(default_factory=list)


def plant_intake(
    table: pd.DataFrame,
    fmt: str,
    group: str,
    item_ids: list[str],
    rng: np.random.Generator,
    fieldwork: tuple[dt.date, dt.date],
    planted: Planted,
    trust_names: dict[str, str],
) -> tuple[pd.DataFrame, IntakePlanted]:
    """Plant the intake problems of a tool-format export (see the module docstring).

    Parameters
    ----------
    table
        All rows of the source after :func:`anchoring.simulate.dirt.plant_dirt` (unsorted).
    fmt, group
        The export's format and the source's group.
    item_ids
        Items in questionnaire order.
    rng
        The source's intake stream.
    fieldwork
        First and last fieldwork day.
    planted
        The source's planted dirt; the opening-day test is added to its drops.
    trust_names
        Frame name of each hospital trust.

    Returns
    -------
    (pandas.DataFrame, IntakePlanted)
        The rows with the extra columns ``org_raw``, ``email``, ``person_name``,
        ``test_marker`` and (GPs) ``practice_size_raw``, and what was planted.
    """
    table = pd.concat(
        [table, _opening_day_test(table, item_ids, rng, fieldwork, planted)], ignore_index=True
    )
    if group == "hospital":
        org_raw, typed = type_trusts(table["org_id"].tolist(), trust_names, rng)
    else:
        column = "municipality_id" if group == "gp" else "org_id"
        org_raw, typed = type_municipalities(table[column].tolist(), rng)
    table["org_raw"] = org_raw
    intake = IntakePlanted(fmt, typed)
    _change_resubmissions(table, item_ids, rng, fmt, intake)
    _plant_other_roles(table, rng, planted, intake)
    _mark_tests(table, fmt, intake)
    _add_identities(table, fmt, rng)
    if fmt == "qualtrics":
        intake.unfinished = [int(s) for s in table.loc[table["kind"] == "incomplete", "seq"]]
    if group == "gp":
        _type_practice_sizes(table, rng, intake)
    return table, intake


def _opening_day_test(table, item_ids, rng, fieldwork, planted: Planted) -> pd.DataFrame:
    row = table.loc[[int(rng.integers(len(table)))]].copy()
    row["seq"] = int(table["seq"].max()) + 1
    row["kind"] = "test"
    row["origin_seq"] = -1
    row["submitted_s"] = local_day_start([fieldwork[0]])[0] + int(rng.integers(6 * 3600, 7 * 3600))
    row["answer_time_ms"] = int(rng.integers(60_000, 240_000))
    row[item_ids] = rng.integers(1, 6, (1, len(item_ids))).astype(np.int8)
    row["barriers"] = OPENING_DAY_TEST
    row["themes"] = pd.Series([()], index=row.index, dtype=object)
    planted.drops.append({"seq": int(row["seq"].iloc[0]), "reason": "test"})
    return row


def _change_resubmissions(table, item_ids, rng, fmt: str, intake: IntakePlanted) -> None:
    basis = "identity" if fmt in IDENTITY_FORMATS else "organisation_and_role"
    codes = table[item_ids].to_numpy(copy=True)
    for r in np.flatnonzero(table["kind"].to_numpy() == "resubmission"):
        answered = np.flatnonzero((codes[r] >= 1) & (codes[r] <= 5))
        n = min(len(answered), int(rng.integers(*CHANGED_ITEMS)))
        changed = np.sort(rng.choice(answered, size=n, replace=False))
        codes[r, changed] = (codes[r, changed] - 1 + rng.integers(1, 5, n)) % 5 + 1
        intake.resubmissions.append(
            {
                "seq": int(table.at[r, "origin_seq"]),
                "kept_seq": int(table.at[r, "seq"]),
                "basis": basis,
                "changed_items": [item_ids[c] for c in changed],
            }
        )
    table[item_ids] = codes.astype(np.int8)


def _plant_other_roles(table, rng, planted: Planted, intake: IntakePlanted) -> None:
    taken = {d["seq"] for d in planted.drops} | {d.get("kept_seq") for d in planted.drops}
    taken |= {f["seq"] for f in planted.flags + planted.pii + planted.keep}
    free = np.flatnonzero(
        (table["kind"].to_numpy() == "genuine") & ~table["seq"].isin(taken).to_numpy()
    )
    n = max(1, round(OTHER_ROLE_SHARE * len(free)))
    rows = np.sort(rng.choice(free, size=min(n, len(free)), replace=False))
    table.loc[rows, "role"] = OTHER_ROLE
    intake.other_roles = [int(s) for s in table.loc[rows, "seq"]]


def _mark_tests(table, fmt: str, intake: IntakePlanted) -> None:
    is_test = table["kind"].to_numpy() == "test"
    opening = table["barriers"].to_numpy() == OPENING_DAY_TEST
    marker = np.where(is_test & opening, "comment", np.where(is_test, "before_fieldwork", ""))
    if fmt == "qualtrics":
        marker = np.where(marker == "before_fieldwork", "preview", marker)
    table["test_marker"] = marker
    intake.tests = [
        {"seq": int(s), "marker": str(m)}
        for s, m in zip(table["seq"], marker, strict=True)
        if m != ""
    ]


def _add_identities(table, fmt: str, rng) -> None:
    """Synthetic names and e-mails: one per respondent, shared by a resubmission's two rows."""
    n = len(table)
    first = rng.integers(len(_FIRST), size=n)
    last = rng.integers(len(_LAST), size=n)
    names = [f"{_FIRST[a]} {_LAST[b]}" for a, b in zip(first, last, strict=True)]
    emails = [
        f"{_FIRST[a].lower()}.{_LAST[b].lower()}.{k + 1}@example.org"
        for k, (a, b) in enumerate(zip(first, last, strict=True))
    ]
    by_seq = dict(zip(table["seq"], range(n), strict=True))
    for r in np.flatnonzero(table["kind"].to_numpy() == "resubmission"):
        origin = by_seq[int(table.at[r, "origin_seq"])]
        names[r], emails[r] = names[origin], emails[origin]
    tests = table["kind"].to_numpy() == "test"
    table["person_name"] = np.where(tests, "", names)
    table["email"] = np.where(tests, ANONYMOUS if fmt == "forms" else "", emails)


def _type_practice_sizes(table, rng, intake: IntakePlanted) -> None:
    sizes = table["practice_size"].astype(int).tolist()
    raw = [str(s) for s in sizes]
    genuine = np.flatnonzero(table["kind"].to_numpy() == "genuine")
    n = max(1, round(PRACTICE_SIZE_TEXT_SHARE * len(genuine)))
    for r in np.sort(rng.choice(genuine, size=min(n, len(genuine)), replace=False)):
        pattern = PRACTICE_SIZE_TEXTS[int(rng.integers(len(PRACTICE_SIZE_TEXTS)))]
        raw[r] = pattern.format(n=sizes[r])
        intake.practice_size_text.append(
            {"seq": int(table.at[r, "seq"]), "raw": raw[r], "value": sizes[r]}
        )
    table["practice_size_raw"] = raw

"""What the three tool-format writers share: the questionnaire as the tools show it, and config.

The tool formats (:mod:`~anchoring.simulate.nettskjema_text`,
:mod:`~anchoring.simulate.forms_export`, :mod:`~anchoring.simulate.qualtrics_export`) ask the same
questionnaire: the organisation as a text question (:data:`ORG_QUESTION`), the role (the
instrument's labels, plus «Annet»), for GPs the practice size as text, one agreement matrix per
measure titled «Hvor enig er du i påstandene om <measure>?» (:func:`matrix_title`) with the
instrument's statements, and the barrier question. Each tool shows the answer options in its own
label set (:data:`LIKERT_LABELS`). The helpers here build the rows' cells and the ``round.yaml``
entry (:func:`tool_source`) that every writer needs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, Instrument
from anchoring.intake.round_config import Source
from anchoring.simulate.assembly import SimulatedSource
from anchoring.simulate.intake import OPENING_DAY_TEST
from anchoring.simulate.population import OTHER_ROLE, simulated_roles
from anchoring.simulate.respondents import BLANK

LIKERT_LABELS: dict[str, dict[int, str]] = {
    "nettskjema-text": {
        1: "Helt uenig",
        2: "Delvis uenig",
        3: "Verken enig eller uenig",
        4: "Delvis enig",
        5: "Helt enig",
        DONT_KNOW: "Vet ikke",
        NOT_APPLICABLE: "Ikke relevant",
    },
    "forms": {
        1: "Svært uenig",
        2: "Uenig",
        3: "Verken enig eller uenig",
        4: "Enig",
        5: "Svært enig",
        DONT_KNOW: "Vet ikke",
        NOT_APPLICABLE: "Ikke relevant",
    },
    "qualtrics": {
        1: "Strongly disagree",
        2: "Somewhat disagree",
        3: "Neither agree nor disagree",
        4: "Somewhat agree",
        5: "Strongly agree",
        DONT_KNOW: "Don't know",
        NOT_APPLICABLE: "Not applicable",
    },
}
"""Answer options per tool: the labels the form designer picked. Nettskjema's and Forms' are
Norwegian 5-point agreement sets; Qualtrics' are its predefined English «Agreement» scale (the
export is «choice text», not numeric codes), with «Don't know» and «Not applicable» added."""

ORG_QUESTION: dict[str, str] = {
    "municipality": "Hvilken kommune svarer du for?",
    "hospital": "Hvilket helseforetak svarer du for?",
    "gp": "I hvilken kommune ligger praksisen din?",
}
"""The organisation question, asked as free text in the tool-format forms."""

OUR_ORGANISATION: dict[str, str] = {
    "municipality": "vår kommune",
    "hospital": "vårt helseforetak",
    "gp": "vår praksis",
}
"""What a form says for the instrument's «vår organisasjon» when it is worded for one group."""

CHECKBOX_QUESTION = "Hvor har du hørt om tiltakene?"
CHECKBOX_LABELS: dict[str, str] = {
    "nyhetsbrev": "Nyhetsbrev",
    "helsefellesskap": "Helsefellesskapet",
    "leverandor": "Leverandør",
    "kollega": "Kollega",
}
"""The municipalities' checkbox question and its options' labels (Nettskjema only)."""

_OTHER_ROLE_LABEL = "Annet"


def org_field(group: str) -> str:
    """The canonical field of the typed organisation: GPs give their practice municipality."""
    return "municipality_id" if group == "gp" else "org_id"


def matrix_title(instrument: Instrument, measure: str) -> str:
    """The title of a measure's agreement matrix, e.g. «Hvor enig er du i påstandene om PLL?»."""
    return f"Hvor enig er du i påstandene om {instrument.measure(measure).short['nb']}?"


def statement(instrument: Instrument, item_id: str, group: str | None = None) -> str:
    """An item's Norwegian statement; worded for ``group`` («vår kommune») when given."""
    text = instrument.item(item_id).text["nb"]
    return text.replace("vår organisasjon", OUR_ORGANISATION[group]) if group else text


def role_labels(instrument: Instrument, group: str) -> dict[str, str]:
    """Role code → the label respondents pick: the drawn roles, then «Annet»."""
    labels = {r.id: r.label["nb"] for r in instrument.roles[group]}
    out = {code: labels[code] for code in simulated_roles(instrument, group)}
    other = getattr(instrument, "other_role", None)
    out[OTHER_ROLE] = other.label["nb"] if other is not None else _OTHER_ROLE_LABEL
    return out


def answer_cells(table: pd.DataFrame, item_ids: list[str], fmt: str) -> np.ndarray:
    """The items as the tool's labels (``""`` unanswered), shape (rows, items)."""
    labels = LIKERT_LABELS[fmt]
    lookup = np.array([labels.get(c, "") for c in range(10)], dtype=object)
    lookup[BLANK] = ""
    return lookup[table[item_ids].to_numpy(dtype=np.int64)]


def source_values(source: SimulatedSource, instrument: Instrument, fmt: str) -> dict:
    """``values`` of the source's ``round.yaml`` entry: items, roles, texts typed as numbers."""
    values: dict[str, dict] = {
        "items": {label: code for code, label in LIKERT_LABELS[fmt].items()},
        "role": {label: code for code, label in role_labels(instrument, source.group).items()},
    }
    if source.group == "gp" and source.intake is not None:
        values["practice_size"] = {
            p["raw"]: p["value"]
            for p in sorted(source.intake.practice_size_text, key=lambda p: p["raw"])
        }
    return values


def tool_source(
    source: SimulatedSource,
    instrument: Instrument,
    path: Path,
    fmt: str,
    columns: dict[str, str],
    respondent_ids: list[str],
    **reader: object,
) -> Source:
    """The ``round.yaml`` entry of a tool-format export; what every tool writer's entry shares.

    The source's id, group and file, the answer labels of the tool (:func:`source_values`), the
    analyst's decisions on ambiguous organisations (:func:`org_id_map`) and exclusions
    (:func:`analyst_exclusions`, keyed by ``respondent_ids`` as written, in table order), beside
    the writer's own ``columns`` and reader options (``format``, ``delimiter``, ``sheet``, ...).
    """
    return Source(
        id=source.source_id,
        group=source.group,
        file=path.name,
        columns=columns,
        values=source_values(source, instrument, fmt),
        org_id_map=org_id_map(source),
        exclude=analyst_exclusions(source, respondent_ids),
        **reader,
    )


def org_id_map(source: SimulatedSource) -> dict[str, str]:
    """The ambiguous typed names and what they meant (the analyst's decision, known here)."""
    if source.intake is None:
        return {}
    ambiguous = source.intake.organisations.ambiguous
    return {raw: ambiguous[raw]["org_id"] for raw in sorted(ambiguous)}


def analyst_exclusions(source: SimulatedSource, ids: list[str]) -> dict[str, str]:
    """``exclude`` of the source: what the analyst drops after reviewing the listed rows.

    The test on opening day (its comment says so) and, where the tool records no identity, the
    earlier answer of a planted resubmission (same organisation and role, most answers repeated);
    ``ids`` are the rows' respondent ids as written, in table order. Resubmissions by the same
    identity need no entry: cleaning's ``resubmissions`` rule drops them.
    """
    if source.intake is None:
        return {}
    table = source.table
    id_of = dict(zip(table["seq"].tolist(), ids, strict=True))
    out = {
        id_of[s]: "test submission: its comment says «ikke ta med»"
        for s in table.loc[table["barriers"] == OPENING_DAY_TEST, "seq"]
    }
    for resubmission in source.intake.resubmissions:
        if resubmission["basis"] == "organisation_and_role":
            kept = id_of[resubmission["kept_seq"]]
            out[id_of[resubmission["seq"]]] = f"answered again as {kept}"
    return dict(sorted(out.items()))


def background_headers(instrument: Instrument, group: str) -> dict[str, str]:
    """Canonical field → question text of the questions before the matrices (group order)."""
    headers = {
        org_field(group): ORG_QUESTION[group],
        "role": instrument.background_text["role"]["nb"],
    }
    if group == "gp":
        headers["practice_size"] = instrument.background_text["practice_size"]["nb"]
    return headers


def background_cells(source: SimulatedSource, instrument: Instrument) -> list[list[str]]:
    """Per row: the typed organisation, the role's label and (GPs) the typed practice size."""
    table = source.table
    labels = role_labels(instrument, source.group)
    columns = [table["org_raw"].tolist(), [labels[r] for r in table["role"]]]
    if source.group == "gp":
        columns.append(table["practice_size_raw"].tolist())
    return [list(row) for row in zip(*columns, strict=True)]

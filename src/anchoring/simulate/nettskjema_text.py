"""A Nettskjema CSV report without codebook: question text as headers, answers as labels.

Nettskjema (University of Oslo) exports a form's submissions as a CSV report, ``;``-separated,
every field quoted, UTF-8, with the metadata columns ``$submission_id``, ``$created`` (ISO 8601
with the UTC offset) and ``$answer_time_ms``; the ``nettskjemar`` R package reads exactly these
(https://github.com/capro-uio/nettskjemar). When the form has no codebook, each column is headed
by the question text, a matrix row by ``<matrix title>: <row text>`` and a checkbox option by
``<question>: <option>`` (0/1), and radio answers are the option labels; nettskjemar's examples
show such labels («Which mental activities did you do today?: Worked»). See issue #14 for the
headers of a real export of this kind.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from anchoring.instrument import Instrument
from anchoring.intake.round_config import Source
from anchoring.simulate.assembly import SimulatedSource
from anchoring.simulate.exports import CHECKBOX_OPTIONS, increasing_ids, local_times
from anchoring.simulate.tool_exports import (
    CHECKBOX_LABELS,
    CHECKBOX_QUESTION,
    answer_cells,
    background_cells,
    background_headers,
    matrix_title,
    statement,
    tool_source,
)

FORMAT = "nettskjema-text"
METADATA = ("$submission_id", "$created", "$answer_time_ms")
READER: dict[str, str] = {
    "format": "nettskjema",
    "encoding": "utf-8",
    "delimiter": ";",
    "decimal": ".",
}
"""How the export is read: the reader options of its ``round.yaml`` entry."""


def item_header(instrument: Instrument, item_id: str) -> str:
    """The column of an item: ``<matrix title>: <statement>``."""
    measure = instrument.item(item_id).measure
    return f"{matrix_title(instrument, measure)}: {statement(instrument, item_id)}"


def write_nettskjema_text(
    source: SimulatedSource, instrument: Instrument, path: Path, rng: np.random.Generator
) -> Source:
    """Write the source as a Nettskjema CSV report without codebook; return its config entry.

    Columns: the three metadata columns, the organisation as typed, the role's label, (GPs) the
    practice size as typed, one column per item headed ``<matrix title>: <statement>`` with the
    labels of :data:`anchoring.simulate.tool_exports.LIKERT_LABELS` (empty when unanswered),
    (municipalities) the checkbox options as 0/1 and the barrier question.
    """
    table = source.table
    item_ids = instrument.item_ids()
    background = background_headers(instrument, source.group)
    items = {i: item_header(instrument, i) for i in item_ids}
    checks = [c for c in (f"kilde.{o}" for o in CHECKBOX_OPTIONS) if c in table]
    barrier = instrument.barrier_text["nb"]
    header = [*METADATA, *background.values(), *items.values()]
    header += [f"{CHECKBOX_QUESTION}: {CHECKBOX_LABELS[c.split('.')[1]]}" for c in checks]
    header.append(barrier)
    created = [t.isoformat(timespec="seconds") for t in local_times(table["submitted_s"])]
    ids = increasing_ids(len(table), rng, 31_400_000)
    ticks = table[checks].astype(int).astype(str).to_numpy().tolist()
    rows = zip(
        ids.tolist(),
        created,
        table["answer_time_ms"].tolist(),
        background_cells(source, instrument),
        answer_cells(table, item_ids, FORMAT).tolist(),
        ticks,
        table["barriers"].tolist(),
        strict=True,
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(
        [str(sid), when, str(ms), *asked, *answers, *boxes, text]
        for sid, when, ms, asked, answers, boxes, text in rows
    )
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    columns = {
        "respondent_id": "$submission_id",
        "submitted_at": "$created",
        "answer_time_ms": "$answer_time_ms",
        **background,
        **items,
        "barriers": barrier,
    }
    respondent_ids = [str(i) for i in ids.tolist()]
    return tool_source(source, instrument, path, FORMAT, columns, respondent_ids, **READER)

"""A Microsoft Forms «Open results in Excel» workbook.

Forms writes one row per response with the columns ``ID`` (1, 2, ... in order of submission),
``Start time``, ``Completion time`` (Excel date cells), ``Email`` and ``Name`` (the respondent's
account, or ``anonymous`` and empty when the form does not record names) and ``Last modified
time`` (empty unless the response was edited), then one column per question headed by its full
text; a Likert question gets one column per statement, headed by the statement. Public code that
reads these workbooks relies on exactly these columns, e.g. the PowerShell script
«Convert-MicrosoftFormsExcelExportToQuestionResponseFormat.ps1» and
https://github.com/dervism/puls-reporter («Imports a Microsoft Forms survey results export»),
and the Japanese interface's ``ID, 開始時刻, 完了時刻, メール, 名前`` in another. The form's
designer wrote the statements for the group: one measure's statements say «vår kommune» (or «vårt
helseforetak», «vår praksis») where the instrument says «vår organisasjon».
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from anchoring.instrument import Instrument
from anchoring.intake.round_config import Source
from anchoring.simulate.assembly import SimulatedSource
from anchoring.simulate.excel_export import save_workbook
from anchoring.simulate.exports import local_times
from anchoring.simulate.tool_exports import (
    answer_cells,
    background_cells,
    background_headers,
    statement,
    tool_source,
)

FORMAT = "forms"
METADATA = ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time")
SHEET = "Sheet1"
READER: dict[str, object] = {"format": "xlsx", "sheet": SHEET, "header_row": 1}
"""How the export is read: the reader options of its ``round.yaml`` entry."""


def item_headers(instrument: Instrument, group: str) -> dict[str, str]:
    """Item id → column header; the first measure's statements worded for the group."""
    local = instrument.measure_ids[0]
    return {
        i: statement(instrument, i, group if instrument.item(i).measure == local else None)
        for i in instrument.item_ids()
    }


def write_forms_xlsx(
    source: SimulatedSource,
    instrument: Instrument,
    path: Path,
    rng: np.random.Generator,
    export_time: dt.datetime,
) -> Source:
    """Write the source as a Microsoft Forms workbook; return its config entry.

    ``rng`` is unused (Forms numbers responses 1, 2, ...); it is taken for a uniform writer call.
    """
    del rng
    table = source.table
    background = background_headers(instrument, source.group)
    items = item_headers(instrument, source.group)
    barrier = instrument.barrier_text["nb"]
    header = [*METADATA, *background.values(), *items.values(), barrier]
    done = [t.replace(tzinfo=None) for t in local_times(table["submitted_s"])]
    started = [
        t - dt.timedelta(seconds=round(ms / 1000))
        for t, ms in zip(done, table["answer_time_ms"], strict=True)
    ]
    rows = [
        [k, start, end, email, name or None, None, *asked, *answers, comment or None]
        for k, (start, end, email, name, asked, answers, comment) in enumerate(
            zip(
                started,
                done,
                table["email"],
                table["person_name"],
                background_cells(source, instrument),
                answer_cells(table, list(items), FORMAT).tolist(),
                table["barriers"],
                strict=True,
            ),
            start=1,
        )
    ]
    rows = [[cell if cell != "" else None for cell in row] for row in rows]
    save_workbook([header], rows, path, export_time, sheet_name=SHEET)
    columns = {
        "respondent_id": "ID",
        "identity": "Email",
        "submitted_at": "Completion time",
        **background,
        **items,
        "barriers": barrier,
    }
    respondent_ids = [str(k) for k in range(1, len(table) + 1)]
    return tool_source(source, instrument, path, FORMAT, columns, respondent_ids, **READER)

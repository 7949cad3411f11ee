"""The hospital trusts' export: an Excel workbook as survey tools write it (openpyxl).

Two title rows above the header, question text as headers, answers as label text in the mixed
spellings real exports carry, start and completion times, and the trust by (sometimes oddly
written) name. Bytes are deterministic: fixed workbook properties and zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, Instrument
from anchoring.intake.round_config import Source
from anchoring.simulate import xlsx_rows
from anchoring.simulate.exports import increasing_ids, local_times
from anchoring.simulate.population import simulated_roles

LABEL_VARIANTS: dict[int, tuple[str, ...]] = {
    1: ("helt uenig", "Helt  uenig", "Helt uenig "),
    2: ("Litt Uenig", "litt uenig"),
    3: ("Hverken enig eller uenig", "hverken enig eller uenig", "Verken  enig eller uenig"),
    4: ("Litt Enig", "litt enig "),
    5: ("helt  enig", "Helt Enig", "HELT ENIG"),
    DONT_KNOW: ("vet ikke", "Vet ikke "),
    NOT_APPLICABLE: ("ikke relevant", "Ikke  relevant"),
}
"""Spellings besides the instrument's label that Excel exports carry."""

LABEL_VARIANT_SHARE = 0.12
ORG_NAME_VARIANT_SHARE = 0.15


def excel_title(year: int) -> str:
    """The first title row of the hospital export."""
    return f"Forankringsundersøkelsen {year} – helseforetak"


def write_excel_export(
    table: pd.DataFrame,
    instrument: Instrument,
    path: Path,
    rng: np.random.Generator,
    org_names: dict[str, str],
    export_time: dt.datetime,
) -> Source:
    """Write an Excel export: two title rows, question-text headers, answers as label text.

    Row 1 is the survey title, row 2 the export time, row 3 the header: ``Respondent-ID``,
    ``Starttid`` and ``Fullført`` (local date-times; answer time is their difference),
    ``Helseforetak`` (the trust's name, some with odd case or spacing or without «HF»),
    ``Rolle`` (the role's bokmål label), one column per item headed by the item's bokmål wording
    with label answers in mixed spellings (empty when unanswered), and the barrier question.
    """
    item_ids = instrument.item_ids()
    labels = _label_table(instrument)
    codes = table[item_ids].to_numpy(dtype=np.int64)
    variant = np.where(
        rng.random(codes.shape) < LABEL_VARIANT_SHARE, rng.integers(1, 4, codes.shape), 0
    )
    answers = labels[codes, variant]
    names = [_odd_name(org_names[o], rng) for o in table["org_id"]]
    drawn = simulated_roles(instrument, "hospital")
    role_label = {r.id: r.label["nb"] for r in instrument.roles["hospital"] if r.id in drawn}
    ids = increasing_ids(len(table), rng, 4_020_000)
    done = [t.replace(tzinfo=None) for t in local_times(table["submitted_s"].to_numpy())]
    started = [
        t - dt.timedelta(seconds=round(ms / 1000))
        for t, ms in zip(done, table["answer_time_ms"], strict=True)
    ]
    item_headers = [instrument.item(i).text["nb"] for i in item_ids]
    barrier_header = instrument.barrier_text["nb"]

    header = [
        "Respondent-ID",
        "Starttid",
        "Fullført",
        "Helseforetak",
        "Rolle",
        *item_headers,
        barrier_header,
    ]
    roles = [role_label[r] for r in table["role"]]
    rows = [
        [respondent, start, end, name, role, *labels, comment or None]
        for respondent, start, end, name, role, labels, comment in zip(
            ids.tolist(),
            started,
            done,
            names,
            roles,
            answers.tolist(),
            table["barriers"].tolist(),
            strict=True,
        )
    ]
    titles = [[excel_title(export_time.year)], [f"Eksportert {export_time:%d.%m.%Y %H:%M}"]]
    save_workbook([*titles, header], rows, path, export_time)
    columns = {
        "respondent_id": "Respondent-ID",
        "submitted_at": "Fullført",
        "org_id": "Helseforetak",
        "role": "Rolle",
        **dict(zip(item_ids, item_headers, strict=True)),
        "barriers": barrier_header,
    }
    values = {"role": {label: role for role, label in role_label.items()}}
    return Source(
        id="helseforetak",
        group="hospital",
        file=path.name,
        format="xlsx",
        sheet="Rapport",
        header_row=3,
        columns=columns,
        values=values,
    )


def _label_table(instrument: Instrument) -> np.ndarray:
    table = np.full((10, 4), None, dtype=object)
    for code, variants in LABEL_VARIANTS.items():
        canonical = instrument.label(code, "nb")
        for k in range(4):
            table[code, k] = canonical if k == 0 else variants[(k - 1) % len(variants)]
    return table


def _odd_name(name: str, rng: np.random.Generator) -> str:
    if rng.random() >= ORG_NAME_VARIANT_SHARE:
        return name
    kind = int(rng.integers(4))
    if kind == 0:
        return name.lower()
    if kind == 1:
        return name.removesuffix(" HF")
    if kind == 2:
        return name.replace(" ", "  ", 1)
    return f" {name.upper()} "


def save_workbook(
    top: list[list], rows: list[list], path: Path, stamp: dt.datetime, sheet_name: str = "Rapport"
) -> None:
    """Write a one-sheet workbook with stable bytes: ``top`` rows (titles, header), then ``rows``.

    Date-time cells take openpyxl's date style; text cells are always text (a comment starting
    with «=» is no formula). Shared by the hospitals' export and the Microsoft Forms workbook.
    """
    # openpyxl writes the workbook up to the first data row; the other rows are spliced in as
    # the same XML (see anchoring.simulate.xlsx_rows: openpyxl's serialiser is too slow for
    # large rounds). Text cells are always strings, so a comment starting with "=" is no formula.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for values in top + rows[:1]:
        sheet.append([_text_cell(sheet, v) if isinstance(v, str) else v for v in values])
    workbook.properties.creator = "Forankringsundersøkelsen"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    first = io.BytesIO()
    with zipfile.ZipFile(first, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    stable = io.BytesIO()
    with (
        zipfile.ZipFile(first) as source,
        zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in sorted(source.namelist()):
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml" and len(rows) > 1:
                data = _splice_rows(data.decode("utf-8"), rows[1:], len(top) + 2).encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    path.write_bytes(stable.getvalue())


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _splice_rows(sheet_xml: str, rows: list[list], first_row: int) -> str:
    dated = next((c for c, v in enumerate(rows[0]) if isinstance(v, dt.datetime)), None)
    style = "0"
    if dated is not None:
        style = xlsx_rows.date_style(sheet_xml, f"{get_column_letter(dated + 1)}{first_row - 1}")
    head, tail = sheet_xml.split("</sheetData>", 1)
    return head + xlsx_rows.rows_xml(rows, first_row, style) + "</sheetData>" + tail

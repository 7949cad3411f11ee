"""The three raw exports of a simulated round, each in a real tool's format, and their config.

* municipalities: a Nettskjema CSV report (:func:`write_nettskjema_csv`);
* hospital trusts: an Excel export with title rows, question text headers and label answers
  (:func:`write_excel_export`);
* GPs: an SPSS ``.sav`` with value labels and user-defined missing codes
  (:func:`write_spss_export`).

Each writer takes the source's rows in file order (sorted by submission time; the 1-based data
row is the position) and returns the :class:`~anchoring.round_config.Source` entry of
``round.yaml`` that maps the raw columns and values onto the instrument. Bytes are deterministic:
the workbook's properties and zip timestamps, and the SPSS header's creation stamp, are fixed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, SCALE_POINTS, Instrument
from anchoring.round_config import Source
from anchoring.simulate import settings, xlsx_rows
from anchoring.simulate.respondents import BLANK, OSLO

NETTSKJEMA_DONT_KNOW = "9"
NETTSKJEMA_NOT_APPLICABLE = "8"
"""Nettskjema (and SPSS) codebook codes: 9 «Vet ikke», 8 «Ikke relevant» (swapped internally)."""

CHECKBOX_OPTIONS: tuple[str, ...] = ("nyhetsbrev", "helsefellesskap", "leverandor", "kollega")
"""Options of the Nettskjema checkbox question ``kilde`` (where did you hear of the measures)."""

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
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def nettskjema_column(item_id: str) -> str:
    """The Nettskjema codebook name of an item, e.g. ``pll__kjennskap`` → ``pll_kjenn``."""
    measure, _, dimension = item_id.partition("__")
    prefix = settings.MEASURE_CODEBOOK.get(measure, measure[:6])
    return f"{prefix}_{settings.DIMENSION_CODEBOOK.get(dimension, dimension[:6])}"


def spss_variable(instrument: Instrument, item_id: str) -> str:
    """The SPSS variable name of an item, e.g. ``pll__kjennskap`` → ``PLL1``."""
    measure, _, dimension = item_id.partition("__")
    prefix = settings.MEASURE_CODEBOOK.get(measure, measure[:6]).upper()
    return f"{prefix}{instrument.dimension_ids.index(dimension) + 1}"


def _increasing_ids(n: int, rng: np.random.Generator, start: int) -> np.ndarray:
    return start + np.cumsum(rng.integers(1, 40, n))


def _local(seconds: np.ndarray) -> list[dt.datetime]:
    return [dt.datetime.fromtimestamp(int(s), OSLO) for s in seconds]


# ---------------------------------------------------------------- Nettskjema CSV (municipalities)


def write_nettskjema_csv(
    table: pd.DataFrame, instrument: Instrument, path: Path, rng: np.random.Generator
) -> Source:
    """Write a Nettskjema CSV report: ``;``, every field quoted, UTF-8, codebook names.

    Columns: ``$submission_id``, ``$created`` (ISO 8601 with offset), ``$answer_time_ms``,
    ``kommunenr`` (4-digit text), ``rolle`` (codes 1–5 in the instrument's role order), one column
    per item named by the codebook (``pll_kjenn``, ...; codes 1–5, 9 «Vet ikke», 8 «Ikke relevant»,
    empty unanswered), ``kilde.<option>`` (checkbox, 0/1) and ``barrierer`` (free text).
    """
    item_ids = instrument.item_ids()
    roles = [r.id for r in instrument.roles["municipality"]]
    role_code = {r: str(i + 1) for i, r in enumerate(roles)}
    header = ["$submission_id", "$created", "$answer_time_ms", "kommunenr", "rolle"]
    header += [nettskjema_column(i) for i in item_ids]
    header += [f"kilde.{o}" for o in CHECKBOX_OPTIONS] + ["barrierer"]
    raw_code = {c: str(c) for c in SCALE_POINTS}
    raw_code |= {DONT_KNOW: NETTSKJEMA_DONT_KNOW, NOT_APPLICABLE: NETTSKJEMA_NOT_APPLICABLE}
    raw_code[BLANK] = ""
    lookup = np.array([raw_code.get(c, "") for c in range(10)], dtype=object)
    items = lookup[table[item_ids].to_numpy(dtype=np.int64)]
    ids = _increasing_ids(len(table), rng, 31_400_000)
    created = [t.isoformat(timespec="seconds") for t in _local(table["submitted_s"].to_numpy())]
    checks = table[[f"kilde.{o}" for o in CHECKBOX_OPTIONS]].astype(int).astype(str).to_numpy()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    meta = zip(
        ids.tolist(),
        created,
        table["answer_time_ms"].tolist(),
        table["org_id"].tolist(),
        table["role"].tolist(),
        items.tolist(),
        checks.tolist(),
        table["barriers"].tolist(),
        strict=True,
    )
    writer.writerows(
        [str(sid), when, str(ms), org, role_code[role], *answers, *ticks, text]
        for sid, when, ms, org, role, answers, ticks, text in meta
    )
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    columns = {
        "respondent_id": "$submission_id",
        "submitted_at": "$created",
        "answer_time_ms": "$answer_time_ms",
        "org_id": "kommunenr",
        "role": "rolle",
        **{i: nettskjema_column(i) for i in item_ids},
        "barriers": "barrierer",
    }
    values = {
        "items": {NETTSKJEMA_DONT_KNOW: DONT_KNOW, NETTSKJEMA_NOT_APPLICABLE: NOT_APPLICABLE},
        "role": {code: role for role, code in role_code.items()},
    }
    return Source(
        id="kommuner",
        group="municipality",
        file=path.name,
        format="nettskjema",
        encoding="utf-8",
        delimiter=";",
        decimal=".",
        columns=columns,
        values=values,
    )


# ---------------------------------------------------------------- Excel export (hospital trusts)


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
    role_label = {r.id: r.label["nb"] for r in instrument.roles["hospital"]}
    ids = _increasing_ids(len(table), rng, 4_020_000)
    done = [t.replace(tzinfo=None) for t in _local(table["submitted_s"].to_numpy())]
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
    _save_workbook([*titles, header], rows, path, export_time)
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


def _save_workbook(
    top: list[list], rows: list[list], path: Path, stamp: dt.datetime, sheet_name: str = "Rapport"
) -> None:
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


# ---------------------------------------------------------------- SPSS export (GPs)


def write_spss_export(
    table: pd.DataFrame,
    instrument: Instrument,
    path: Path,
    rng: np.random.Generator,
    export_time: dt.datetime,
) -> Source:
    """Write an SPSS ``.sav``: numeric codes, variable and value labels, user-missing codes.

    Variables: ``lopenr`` (respondent id), ``innsendt`` (local date-time), ``svartid_ms`` (answer
    time in ms, as Nettskjema's SPSS export has it), ``kommunenr`` (the practice's municipality
    number as a NUMBER, so 0301 is stored as 301), ``praksisstorrelse`` (GPs in the practice),
    ``rolle`` (1 = Fastlege), ``PLL1``..``DHO7`` (items by measure and dimension order: 1–5,
    9 «Vet ikke» and 8 «Ikke relevant», both declared user-missing; system-missing unanswered)
    and ``barrierer`` (free text).
    """
    item_ids = instrument.item_ids()
    names = [spss_variable(instrument, i) for i in item_ids]
    codes = table[item_ids].to_numpy(dtype=float, copy=True)
    codes[codes == BLANK] = np.nan
    dk, na = codes == DONT_KNOW, codes == NOT_APPLICABLE
    codes[dk], codes[na] = float(NETTSKJEMA_DONT_KNOW), float(NETTSKJEMA_NOT_APPLICABLE)
    done = [t.replace(tzinfo=None) for t in _local(table["submitted_s"].to_numpy())]
    frame = pd.DataFrame(
        {
            "lopenr": _increasing_ids(len(table), rng, 100_000).astype(float),
            "innsendt": pd.to_datetime(done),
            "svartid_ms": table["answer_time_ms"].to_numpy(dtype=float),
            "kommunenr": pd.to_numeric(table["municipality_id"]).to_numpy(dtype=float),
            "praksisstorrelse": table["practice_size"].to_numpy(dtype=float),
            "rolle": np.ones(len(table)),
        }
    )
    frame = pd.concat([frame, pd.DataFrame(codes, columns=names)], axis=1)
    frame["barrierer"] = table["barriers"].astype(str).to_numpy()
    scale_labels = {float(p.code): p.label["nb"] for p in instrument.points}
    scale_labels[float(NETTSKJEMA_DONT_KNOW)] = instrument.label(DONT_KNOW, "nb")
    scale_labels[float(NETTSKJEMA_NOT_APPLICABLE)] = instrument.label(NOT_APPLICABLE, "nb")
    background = instrument.background_text
    labels = {
        "lopenr": "Respondent-ID",
        "innsendt": "Tidspunkt innsendt",
        "svartid_ms": "Svartid (millisekunder)",
        "kommunenr": "Praksiskommune (kommunenummer)",
        "praksisstorrelse": background.get("practice_size", {}).get("nb", "Praksisstørrelse"),
        "rolle": background.get("role", {}).get("nb", "Rolle"),
        **{n: instrument.item(i).text["nb"] for n, i in zip(names, item_ids, strict=True)},
        "barrierer": instrument.barrier_text["nb"],
    }
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=f"Forankringsundersøkelsen {export_time.year} - fastleger",
        column_labels=labels,
        variable_value_labels={"rolle": {1.0: "Fastlege"}, **{n: scale_labels for n in names}},
        missing_ranges={
            n: [float(NETTSKJEMA_NOT_APPLICABLE), float(NETTSKJEMA_DONT_KNOW)] for n in names
        },
        variable_measure={n: "ordinal" for n in names},
        variable_format={
            "lopenr": "F8.0",
            "svartid_ms": "F10.0",
            "kommunenr": "F4.0",
            "praksisstorrelse": "F2.0",
            "rolle": "F1.0",
            **{n: "F1.0" for n in names},
        },
    )
    _fix_spss_stamp(path, export_time)
    columns = {
        "respondent_id": "lopenr",
        "submitted_at": "innsendt",
        "answer_time_ms": "svartid_ms",
        "municipality_id": "kommunenr",
        "role": "rolle",
        "practice_size": "praksisstorrelse",
        **dict(zip(item_ids, names, strict=True)),
        "barriers": "barrierer",
    }
    values = {
        "items": {NETTSKJEMA_DONT_KNOW: DONT_KNOW, NETTSKJEMA_NOT_APPLICABLE: NOT_APPLICABLE},
        "role": {"1": "fastlege"},
    }
    return Source(
        id="fastleger", group="gp", file=path.name, format="sav", columns=columns, values=values
    )


def _fix_spss_stamp(path: Path, stamp: dt.datetime) -> None:
    # The SAV file header holds the creation date ("dd Mon yy", bytes 92-100) and time
    # ("hh:mm:ss", bytes 101-108) that ReadStat takes from the clock; fix them for stable bytes.
    data = bytearray(path.read_bytes())
    if data[:4] not in (b"$FL2", b"$FL3"):
        raise ValueError(f"{path}: not an SPSS system file")
    date = f"{stamp.day:02d} {_MONTHS[stamp.month - 1]} {stamp.year % 100:02d}"
    data[92:101] = date.encode("ascii")
    data[101:109] = f"{stamp:%H:%M:%S}".encode("ascii")
    path.write_bytes(bytes(data))


def write_gp_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write a round-supplied GP frame (``fylkesnummer,fylkesnavn,gp_n``, UTF-8, LF)."""
    path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")

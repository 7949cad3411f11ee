"""Independent readers of the three simulated exports, for tests of ``anchoring.simulate``.

Each export is read with its own library (csv module, openpyxl, pyreadstat with user-missing
values) through the column and value maps of ``round.yaml``, into one table per source: ``row``
(1-based data row), ``submitted_at`` (UTC), ``answer_time_ms``, ``org`` (raw organisation value),
the item ids as internal codes (1–5, 8 «Vet ikke», 9 «Ikke relevant», NaN unanswered) and
``barriers``. These readers deliberately do not use ``anchoring.readers`` or the cleaning, so the
simulation is checked against the formats themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
from openpyxl import load_workbook

from anchoring.instrument import Instrument
from anchoring.intake.round_config import Source

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def _items_to_internal(values: pd.DataFrame, source: Source) -> pd.DataFrame:
    """Raw item codes (text or numbers) to internal codes through the source's value map."""
    swap = {str(k): int(v) for k, v in source.values.get("items", {}).items()}

    def convert(value: object) -> float:
        if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
            return np.nan
        text = str(int(value)) if isinstance(value, float) else str(value)
        return float(swap.get(text, int(text)))

    return values.map(convert)


def read_nettskjema(path: Path, source: Source, item_ids: list[str]) -> pd.DataFrame:
    """The Nettskjema CSV through the csv module."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    raw = pd.DataFrame(rows, dtype=object)
    cols = source.columns
    out = pd.DataFrame(
        {
            "row": np.arange(1, len(raw) + 1),
            "submitted_at": pd.to_datetime(raw[cols["submitted_at"]], utc=True),
            "answer_time_ms": raw[cols["answer_time_ms"]].astype(float),
            "org": raw[cols["org_id"]],
            "barriers": raw[cols["barriers"]],
        }
    )
    items = _items_to_internal(raw[[cols[i] for i in item_ids]], source)
    items.columns = item_ids
    return pd.concat([out, items], axis=1)


def _label_codes(instrument: Instrument) -> dict[str, int]:
    codes = {}
    for point in instrument.points + instrument.non_substantive:
        codes[normalise_label(point.label["nb"])] = point.code
    return codes


def normalise_label(label: str) -> str:
    """Case, spacing and «Hverken»/«Verken» folded, as a label mapper must do."""
    text = " ".join(label.split()).casefold()
    return text.replace("hverken", "verken")


def read_excel(path: Path, source: Source, item_ids: list[str], instrument: Instrument):
    """The Excel export through openpyxl (header on ``source.header_row``)."""
    sheet = load_workbook(path, read_only=True)[source.sheet]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[source.header_row - 1])
    width = len(header)
    rows = [list(r) + [None] * (width - len(r)) for r in values[source.header_row :]]
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    cols = source.columns
    done = [t.replace(tzinfo=OSLO) for t in raw[cols["submitted_at"]]]
    start = [t.replace(tzinfo=OSLO) for t in raw["Starttid"]]
    labels = _label_codes(instrument)
    items = raw[[cols[i] for i in item_ids]].map(
        lambda v: np.nan if v is None else float(labels[normalise_label(v)])
    )
    items.columns = item_ids
    out = pd.DataFrame(
        {
            "row": np.arange(1, len(raw) + 1),
            "submitted_at": pd.to_datetime(done, utc=True),
            "answer_time_ms": [
                (d - s).total_seconds() * 1000 for d, s in zip(done, start, strict=True)
            ],
            "org": raw[cols["org_id"]],
            "barriers": raw[cols["barriers"]].fillna(""),
        }
    )
    return pd.concat([out, items], axis=1)


def read_spss(path: Path, source: Source, item_ids: list[str]) -> pd.DataFrame:
    """The SPSS file through pyreadstat with user-missing values kept."""
    raw, _ = pyreadstat.read_sav(str(path), user_missing=True)
    cols = source.columns
    local = [t.to_pydatetime().replace(tzinfo=OSLO) for t in raw[cols["submitted_at"]]]
    items = _items_to_internal(raw[[cols[i] for i in item_ids]], source)
    items.columns = item_ids
    out = pd.DataFrame(
        {
            "row": np.arange(1, len(raw) + 1),
            "submitted_at": pd.to_datetime(local, utc=True),
            "answer_time_ms": raw[cols["answer_time_ms"]].astype(float),
            "org": raw[cols["municipality_id"]].astype(int).astype(str),
            "barriers": raw[cols["barriers"]].astype(str),
        }
    )
    return pd.concat([out, items], axis=1)


def read_sources(raw_dir: Path, config, instrument: Instrument) -> dict[str, pd.DataFrame]:
    """Every source of a simulated round as a common table, keyed by source id."""
    item_ids = instrument.item_ids()
    out = {}
    for source in config.sources:
        path = raw_dir / source.file
        if source.format == "nettskjema":
            out[source.id] = read_nettskjema(path, source, item_ids)
        elif source.format == "xlsx":
            out[source.id] = read_excel(path, source, item_ids, instrument)
        else:
            out[source.id] = read_spss(path, source, item_ids)
    return out


def requote_all(path: Path) -> bytes:
    """The CSV re-written by the csv module with every field quoted (``;``, CRLF)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def fieldwork_start_utc(start: dt.date) -> pd.Timestamp:
    """Local midnight of the first fieldwork day, in UTC."""
    return pd.Timestamp(dt.datetime(start.year, start.month, start.day, tzinfo=OSLO)).tz_convert(
        "UTC"
    )

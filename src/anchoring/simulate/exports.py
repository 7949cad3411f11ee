"""The raw exports of a simulated round, each in a real tool's format, and their config entries.

* municipalities: a Nettskjema CSV report (:func:`write_nettskjema_csv`);
* hospital trusts: an Excel export with title rows, question text headers and label answers
  (:func:`anchoring.simulate.excel_export.write_excel_export`);
* GPs: an SPSS ``.sav`` with value labels and user-defined missing codes
  (:func:`write_spss_export`).

Each writer takes the source's rows in file order (sorted by submission time; the 1-based data
row is the position) and returns the :class:`~anchoring.intake.round_config.Source` entry of
``round.yaml`` that maps the raw columns and values onto the instrument. Bytes are deterministic
(the SPSS header's creation stamp is fixed). The helpers shared by the writers live here too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, SCALE_POINTS, Instrument
from anchoring.intake.round_config import Source
from anchoring.simulate import settings
from anchoring.simulate.population import simulated_roles
from anchoring.simulate.respondents import BLANK, OSLO

NETTSKJEMA_DONT_KNOW = "9"
NETTSKJEMA_NOT_APPLICABLE = "8"
"""Nettskjema (and SPSS) codebook codes: 9 «Vet ikke», 8 «Ikke relevant» (swapped internally)."""

CHECKBOX_OPTIONS: tuple[str, ...] = ("nyhetsbrev", "helsefellesskap", "leverandor", "kollega")
"""Options of the Nettskjema checkbox question ``kilde`` (where did you hear of the measures)."""

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


def increasing_ids(n: int, rng: np.random.Generator, start: int) -> np.ndarray:
    """Ids that grow with submission order, with gaps (other forms' submissions in between)."""
    return start + np.cumsum(rng.integers(1, 40, n))


def local_times(seconds: np.ndarray) -> list[dt.datetime]:
    """Unix seconds as aware Europe/Oslo date-times."""
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
    roles = simulated_roles(instrument, "municipality")
    role_code = {r: str(i + 1) for i, r in enumerate(roles)}
    header = ["$submission_id", "$created", "$answer_time_ms", "kommunenr", "rolle"]
    header += [nettskjema_column(i) for i in item_ids]
    header += [f"kilde.{o}" for o in CHECKBOX_OPTIONS] + ["barrierer"]
    raw_code = {c: str(c) for c in SCALE_POINTS}
    raw_code |= {DONT_KNOW: NETTSKJEMA_DONT_KNOW, NOT_APPLICABLE: NETTSKJEMA_NOT_APPLICABLE}
    raw_code[BLANK] = ""
    lookup = np.array([raw_code.get(c, "") for c in range(10)], dtype=object)
    items = lookup[table[item_ids].to_numpy(dtype=np.int64)]
    ids = increasing_ids(len(table), rng, 31_400_000)
    created = [
        t.isoformat(timespec="seconds") for t in local_times(table["submitted_s"].to_numpy())
    ]
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
    done = [t.replace(tzinfo=None) for t in local_times(table["submitted_s"].to_numpy())]
    frame = pd.DataFrame(
        {
            "lopenr": increasing_ids(len(table), rng, 100_000).astype(float),
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

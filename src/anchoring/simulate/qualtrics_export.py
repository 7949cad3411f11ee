"""A Qualtrics CSV export (choice text), with its three header rows.

Qualtrics, «Understanding Your Dataset»
(https://www.qualtrics.com/support/survey-platform/responses/download-data/understanding-your-dataset/):
«CSV and TSV files come with 3 rows of headers»: the export tag (``EndDate``, ``Q1``, ...), the
question text (a matrix row as ``<question> - <statement>``) and the ``ImportId`` as JSON
(``{"ImportId":"QID3_1"}``; dates carry their ``timeZone``). The metadata columns are
``StartDate, EndDate, Status, IPAddress, Progress, Duration (in seconds), Finished, RecordedDate,
ResponseId, RecipientLastName, RecipientFirstName, RecipientEmail, ExternalReference,
LocationLatitude, LocationLongitude, DistributionChannel, UserLanguage``. ``Status`` is «IP
Address» for a normal response and «Survey Preview» for a preview; ``Finished`` is True when the
respondent reached the end, False for a response closed unfinished, whose ``Progress`` is below
100; ``Duration (in seconds)`` is in seconds. The file is UTF-8 with a byte-order mark,
comma-separated. Answers are exported as choice text (the English «Agreement» scale of
:data:`~anchoring.simulate.tool_exports.LIKERT_LABELS`), text entry as typed.

Question numbering: ``Q1`` the organisation (text entry, ``QID1_TEXT``), ``Q2`` the role
(``QID2``), ``Q3``, ``Q4``, ... one matrix per measure (rows ``Q3_1`` ... by dimension), then for
GPs the practice size and last the barrier question (text entry). IP addresses are from the
documentation ranges of RFC 5737; locations are left empty.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from anchoring.instrument import Instrument
from anchoring.intake.round_config import Source
from anchoring.simulate.assembly import SimulatedSource
from anchoring.simulate.exports import local_times
from anchoring.simulate.tool_exports import (
    answer_cells,
    background_cells,
    background_headers,
    matrix_title,
    statement,
    tool_source,
)

FORMAT = "qualtrics"
TIME_ZONE = "Europe/Oslo"
METADATA: tuple[tuple[str, str, str], ...] = (
    ("StartDate", "Start Date", "startDate"),
    ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"),
    ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"),
    ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"),
    ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("LocationLatitude", "Location Latitude", "locationLatitude"),
    ("LocationLongitude", "Location Longitude", "locationLongitude"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
)
"""Export tag, question-text row and ImportId of each metadata column."""

_DATES = ("startDate", "endDate", "recordedDate")
STATUS = {"": "IP Address", "comment": "IP Address", "preview": "Survey Preview"}
READER: dict[str, object] = {
    "format": "csv",
    "delimiter": ",",
    "test_values": [STATUS["preview"]],
    "complete_values": ["True"],
}
"""How the export is read: the reader options of its ``round.yaml`` entry."""
_ID_CHARS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
_IP_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")


def question_columns(instrument: Instrument, group: str) -> list[tuple[str, str, str, str]]:
    """(canonical field, export tag, question text, ImportId) of every question column."""
    background = background_headers(instrument, group)
    fields = list(background)
    out = [(fields[0], "Q1", background[fields[0]], "QID1_TEXT")]
    out.append(("role", "Q2", background["role"], "QID2"))
    number = 3
    for measure in instrument.measure_ids:
        title = matrix_title(instrument, measure)
        for row, item_id in enumerate(instrument.item_ids(measure), start=1):
            text = f"{title} - {statement(instrument, item_id)}"
            out.append((item_id, f"Q{number}_{row}", text, f"QID{number}_{row}"))
        number += 1
    texts = [(f, background[f]) for f in fields[2:]]
    texts.append(("barriers", instrument.barrier_text["nb"]))
    for field, text in texts:
        out.append((field, f"Q{number}", text, f"QID{number}_TEXT"))
        number += 1
    return out


def _import_id(key: str) -> str:
    value = {"ImportId": key, "timeZone": TIME_ZONE} if key in _DATES else {"ImportId": key}
    return json.dumps(value, separators=(",", ":"))


def _metadata(
    source: SimulatedSource, item_ids: list[str], rng: np.random.Generator
) -> pd.DataFrame:
    table = source.table
    n = len(table)
    end = pd.Series([t.replace(tzinfo=None) for t in local_times(table["submitted_s"])])
    seconds = np.rint(table["answer_time_ms"].to_numpy() / 1000).astype(np.int64)
    finished = table["kind"].to_numpy() != "incomplete"
    preview = table["test_marker"].to_numpy() == "preview"
    item_codes = table[item_ids].to_numpy()
    progress = np.where(finished, 100, np.floor(100 * (item_codes > 0).mean(axis=1)))
    recorded = end + pd.to_timedelta(np.where(finished, 0, 7 * 86400), unit="s")
    ids = ["R_" + "".join(rng.choice(_ID_CHARS, 15)) for _ in range(n)]
    ips = [f"{_IP_PREFIXES[int(rng.integers(3))]}.{int(rng.integers(1, 255))}" for _ in range(n)]
    names = table["person_name"].str.split(" ", n=1, expand=True).reindex(columns=[0, 1])
    with_identity = table["email"].to_numpy() != ""
    reference = {e: f"REF{k:05d}" for k, e in enumerate(dict.fromkeys(table["email"]), start=1)}
    stamp = "%Y-%m-%d %H:%M:%S"
    return pd.DataFrame(
        {
            "StartDate": (end - pd.to_timedelta(seconds, unit="s")).dt.strftime(stamp),
            "EndDate": end.dt.strftime(stamp),
            "Status": [STATUS[m] for m in table["test_marker"]],
            "IPAddress": np.where(preview, "", ips),
            "Progress": progress.astype(np.int64).astype(str),
            "Duration (in seconds)": seconds.astype(str),
            "Finished": np.where(finished, "True", "False"),
            "RecordedDate": recorded.dt.strftime(stamp),
            "ResponseId": ids,
            "RecipientLastName": names[1].fillna("").to_numpy(),
            "RecipientFirstName": names[0].fillna("").to_numpy(),
            "RecipientEmail": table["email"].to_numpy(),
            "ExternalReference": [reference[e] if e else "" for e in table["email"]],
            "LocationLatitude": "",
            "LocationLongitude": "",
            "DistributionChannel": np.where(
                preview, "preview", np.where(with_identity, "email", "anonymous")
            ),
            "UserLanguage": "NO",
        }
    )


def write_qualtrics_csv(
    source: SimulatedSource, instrument: Instrument, path: Path, rng: np.random.Generator
) -> Source:
    """Write the source as a Qualtrics CSV export; return its config entry."""
    table = source.table
    questions = question_columns(instrument, source.group)
    item_ids = instrument.item_ids()
    meta = _metadata(source, item_ids, rng)
    answers = pd.DataFrame(answer_cells(table, item_ids, FORMAT), columns=item_ids)
    background = pd.DataFrame(
        background_cells(source, instrument),
        columns=list(background_headers(instrument, source.group)),
    )
    cells = pd.concat([meta, background, answers], axis=1)
    cells["barriers"] = table["barriers"].to_numpy()
    fields = [q[0] for q in questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([m[0] for m in METADATA] + [q[1] for q in questions])
    writer.writerow([m[1] for m in METADATA] + [q[2] for q in questions])
    writer.writerow([_import_id(m[2]) for m in METADATA] + [_import_id(q[3]) for q in questions])
    writer.writerows(cells[[m[0] for m in METADATA] + fields].itertuples(index=False))
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    columns = {
        "respondent_id": "ResponseId",
        "identity": "RecipientEmail",
        "submitted_at": "EndDate",
        "answer_time_s": "Duration (in seconds)",
        "is_test": "Status",
        "is_complete": "Finished",
        **{field: tag for field, tag, _, _ in questions},
    }
    respondent_ids = meta["ResponseId"].tolist()
    return tool_source(source, instrument, path, FORMAT, columns, respondent_ids, **READER)

"""Which survey tool wrote an export: each tool's signature in its header rows and columns.

The format (``csv``, ``xlsx``, ``sav``) says how a file is parsed; the tool says what its columns
mean. The signatures, from each tool's documentation or public exports:

``qualtrics``
    Three header rows: the export tags (``StartDate``, ``EndDate``, ``Status``, ``IPAddress``,
    ``Progress``, ``Duration (in seconds)``, ``Finished``, ``RecordedDate``, ``ResponseId``,
    ``RecipientEmail``, ``ExternalReference``, ..., ``Q1``, ``Q3_1``), the question text
    (``<question> - <statement>`` for a matrix row) and a JSON ``ImportId`` per column
    (``{"ImportId":"startDate","timeZone":"Europe/Oslo"}``, ``{"ImportId":"QID3_1"}``), in the
    CSV/TSV and the Excel export alike. Qualtrics, «Understanding Your Dataset»:
    https://www.qualtrics.com/support/survey-platform/responses/download-data/understanding-your-dataset/
    ("CSV and TSV files come with 3 rows of headers. The first header is the internal Qualtrics
    ID of the field ..."); the same three rows are what R's ``kutils::importQualtrics`` assumes
    (``namerow = 1, questionrow = 2, importidrow = 3``,
    https://search.r-project.org/CRAN/refmans/kutils/html/importQualtrics.html). The signature
    is the third row: (nearly) every cell an ``ImportId`` object.
``forms``
    Microsoft Forms' «Open results in Excel» workbook starts with ``ID, Start time, Completion
    time, Email, Name`` (often ``Last modified time`` after them), then one column per
    question headed by its full text. Seen in public code that reads these workbooks
    (e.g. column lists ``"ID", "Start time", "Completion time", "Email", "Name", "Last modified
    time"`` in several repositories found with the search tool); Microsoft's own pages found
    did not list the columns. With a Norwegian interface the same columns are ``ID,
    Starttidspunkt, Fullføringstidspunkt, E-postadresse, Navn, Tidspunkt for siste endring``
    (the README of https://github.com/arthurborger/teamwork-indicator and another public
    script read exactly these). ``E-post`` is accepted too (unverified). The signature is the
    first three columns (ID, start, completion) in either language.
``nettskjema`` / ``nettskjema-text``
    Nettskjema (University of Oslo) reports carry ``$submission_id``, ``$created`` and
    ``$answer_time_ms`` (public scripts and the ``nettskjemar`` R package,
    https://github.com/capro-uio/nettskjemar, whose tests read exports with exactly these
    columns). With a codebook the item columns have the codebook's short names (``pll_nytte``);
    without one they are headed by the question text, a matrix row or a checkbox option as
    ``<title>: <row>`` (nettskjemar labels such as «Which mental activities did you do today?:
    Worked»). ``nettskjema-text`` when most non-metadata headers read as text (contain a space).
``spss``
    An SPSS ``.sav`` file, whatever tool wrote it.
``generic``
    Anything else (Questback, SurveyXact, Enalyzer, the simulator's exports): CSV or xlsx with
    question text or variable names as headers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anchoring.readers.raw_table import RawTable

TOOLS: tuple[str, ...] = ("nettskjema", "nettskjema-text", "forms", "qualtrics", "spss", "generic")
"""Every tool :func:`detect_tool` may name."""

NETTSKJEMA_METADATA: tuple[str, ...] = ("$submission_id", "$created", "$answer_time_ms")
"""The metadata columns every Nettskjema report has."""

FORMS_METADATA: dict[str, tuple[str, ...]] = {
    "en": ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time"),
    "nb": (
        "ID",
        "Starttidspunkt",
        "Fullføringstidspunkt",
        "E-postadresse",
        "Navn",
        "Tidspunkt for siste endring",
    ),
}
"""Microsoft Forms' metadata columns, in export order, per interface language."""

QUALTRICS_METADATA: tuple[str, ...] = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
)
"""Qualtrics' metadata export tags, in export order (its first header row)."""

QUALTRICS_HEADER_ROWS = 3
"""Header rows of a Qualtrics export: export tags, question text, ImportId."""

_IMPORT_ID_SHARE = 0.8


def import_id(cell: object) -> str | None:
    """The ``ImportId`` of a Qualtrics third-row cell (``{"ImportId":"QID3_1"}`` → ``QID3_1``).

    ``None`` when the cell is not such a JSON object.
    """
    text = str(cell).strip() if cell is not None else ""
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    found = value.get("ImportId") if isinstance(value, dict) else None
    return str(found) if found is not None else None


def is_qualtrics_header(rows: Sequence[Sequence[object]], index: int) -> bool:
    """Whether ``rows[index:index + 3]`` are Qualtrics' three header rows.

    The third row must hold an ``ImportId`` object in at least 80 % of its filled cells (and in
    at least one); the first row is then the export tags and the second the question text.
    """
    if index < 0 or len(rows) < index + QUALTRICS_HEADER_ROWS + 1:
        return False
    cells = [c for c in rows[index + 2] if c is not None and str(c).strip()]
    found = sum(import_id(c) is not None for c in cells)
    return found >= 1 and found >= _IMPORT_ID_SHARE * len(cells)


def qualtrics_header(
    names: Sequence[str], labels: Sequence[object], ids: Sequence[object]
) -> tuple[dict[str, str], dict[str, str]]:
    """``column_labels`` and ``import_ids`` from Qualtrics' second and third header rows.

    A column without question text is labelled by its name; one without an ``ImportId`` has
    none.
    """

    def cell(row: Sequence[object], i: int) -> object:
        return row[i] if i < len(row) else None

    column_labels, import_ids = {}, {}
    for i, name in enumerate(names):
        label = cell(labels, i)
        text = " ".join(str(label).split()) if label is not None else ""
        column_labels[name] = text or name
        found = import_id(cell(ids, i))
        if found is not None:
            import_ids[name] = found
    return column_labels, import_ids


def _starts_like_forms(columns: Sequence[str]) -> bool:
    head = [c.strip().casefold() for c in columns[:3]]
    return any(head == [c.casefold() for c in names[:3]] for names in FORMS_METADATA.values())


def _nettskjema_kind(columns: Sequence[str]) -> str:
    others = [c for c in columns if not c.startswith("$")]
    texts = sum(" " in c.strip() for c in others)
    return "nettskjema-text" if others and texts >= 0.5 * len(others) else "nettskjema"


def detect_tool(raw: RawTable) -> str:
    """Name the survey tool that wrote ``raw`` (one of :data:`TOOLS`), from its signature.

    Parameters
    ----------
    raw
        A table as a reader returned it; Qualtrics is recognised by its ``import_ids`` (the
        reader found the third header row, :func:`is_qualtrics_header`).

    Returns
    -------
    str
        ``qualtrics``, ``spss``, ``nettskjema`` or ``nettskjema-text``, ``forms`` or
        ``generic``, in that order of precedence (see the module docstring for each signature).
    """
    if raw.import_ids:
        return "qualtrics"
    if raw.format == "sav":
        return "spss"
    columns = [str(c) for c in raw.frame.columns]
    if "$submission_id" in columns:
        return _nettskjema_kind(columns)
    if _starts_like_forms(columns):
        return "forms"
    return "generic"

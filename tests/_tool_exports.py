"""Fixture exports written the way the survey tools write them, not by ``anchoring.simulate``.

Each writer takes rows of canonical content and lays them out in one tool's documented export
convention (cited in its docstring). A row is a plain dict:

``org``
    the organisation as the respondent typed it («Oslo kommune», «UNN»);
``role``
    the role label («Kommuneoverlege», «Annet»);
``items``
    per item id (``pll__kjennskap``) the answer: an instrument code (1–5, 8 «Vet ikke»,
    9 «Ikke relevant»), written as the tool's label (or code, for a numeric export), or a text
    written as is; a missing key or ``None`` is an unanswered item;
``barriers``
    the free text (may be empty);
``started``, ``submitted``
    naive local (Europe/Oslo) date-times;
``practice_size``
    GPs only, as typed («4», «ca 6»);
``email``, ``name``
    the respondent's identity where the tool records one (Forms, Qualtrics);
``finished``, ``status``
    Qualtrics only: ``Finished`` (default True) and ``Status`` (default ``IP Address``; a test
    is ``Survey Preview``);
``measures_started``
    Nettskjema only: measure ids ticked in a checkbox question (one 0/1 column per option).

Item question texts come from :func:`anchoring.instrument.load_instrument` (``item.text["nb"]``).
:func:`write_intake_round` writes a whole small round with planted tests, a resubmission,
unfinished answers and personal data, and returns what it planted.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import string
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl

from anchoring.fodselsnummer import make_fodselsnummer
from anchoring.instrument import load_instrument

OSLO = ZoneInfo("Europe/Oslo")
INSTRUMENT = load_instrument()

NETTSKJEMA_LABELS = {
    1: "Helt uenig",
    2: "Delvis uenig",
    3: "Verken enig eller uenig",
    4: "Delvis enig",
    5: "Helt enig",
    8: "Vet ikke",
    9: "Ikke relevant",
}
FORMS_LABELS = {
    1: "Svært uenig",
    2: "Uenig",
    3: "Hverken enig eller uenig",
    4: "Enig",
    5: "Svært enig",
    8: "Vet ikke",
    9: "Ikke relevant",
}
QUALTRICS_LABELS = {
    1: "Strongly disagree",
    2: "Somewhat disagree",
    3: "Neither agree nor disagree",
    4: "Somewhat agree",
    5: "Strongly agree",
    8: "Don't know",
    9: "Not applicable",
}

ORG_QUESTION = INSTRUMENT.background_text["org_id"]["nb"]
ROLE_QUESTION = INSTRUMENT.background_text["role"]["nb"]
SIZE_QUESTION = INSTRUMENT.background_text["practice_size"]["nb"]
BARRIER_QUESTION = INSTRUMENT.barrier_text["nb"]
AGREE_QUESTION = "Hvor enig er du?"
FORMS_VARIANT = ("vår organisasjon", "vår kommune")
"""Forms' wording of one statement differs from the instrument's, as real forms do."""


def _answer(value: object, labels: dict[int, str] | None) -> str:
    """An item answer as the tool writes it: label, code (``labels=None``) or text as is."""
    if value is None:
        return ""
    if isinstance(value, int):
        return labels[value] if labels is not None else str(value)
    return str(value)


def _measure_items() -> list[tuple[str, list[str]]]:
    return [(m.id, INSTRUMENT.item_ids(m.id)) for m in INSTRUMENT.measures]


def matrix_title(measure_id: str) -> str:
    """The title of a measure's statement matrix (Nettskjema) in the fixture forms."""
    return f"Hvor enig er du i påstandene om {INSTRUMENT.measure(measure_id).name['nb']}?"


# --- Nettskjema ------------------------------------------------------------------------------


def nettskjema_text_header(group: str = "municipality") -> list[str]:
    """Column headers of a Nettskjema report without codebook for the fixture form."""
    header = ["$submission_id", "$created", ORG_QUESTION, ROLE_QUESTION]
    if group == "gp":
        header.append(SIZE_QUESTION)
    for measure_id, items in _measure_items():
        title = matrix_title(measure_id)
        header += [f"{title}: {INSTRUMENT.item(i).text['nb']}" for i in items]
    started = "Hvilke tiltak har dere startet å innføre?"
    header += [f"{started}: {m.short['nb']}" for m in INSTRUMENT.measures]
    return [*header, BARRIER_QUESTION, "$answer_time_ms"]


def write_nettskjema_text_csv(path: Path, rows: list[dict], group: str = "municipality") -> Path:
    """A Nettskjema report exported without codebook: question text headers, answer labels.

    Convention: ``;``-separated, every field quoted, UTF-8; metadata ``$submission_id``,
    ``$created`` (ISO 8601 with offset) and ``$answer_time_ms`` (the last column, as in the
    exports read by the ``nettskjemar`` tests, https://github.com/capro-uio/nettskjemar); the
    other headers are the question texts, a matrix row as ``<matrix title>: <statement>`` and a
    checkbox option as ``<question>: <option>`` holding 1 or 0 (nettskjemar's labels «Which
    mental activities did you do today?: Worked»; UiO's help pages
    https://www.uio.no/tjenester/it/adm-app/nettskjema/hjelp/). Radio answers are the option
    labels, «Helt uenig … Helt enig».
    """
    header = nettskjema_text_header(group)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for number, row in enumerate(rows, start=1):
            writer.writerow(_nettskjema_record(12000000 + number * 7, row, group))
    return path


def _nettskjema_record(submission_id: int, row: dict, group: str) -> list[str]:
    record = [str(submission_id), row["submitted"].replace(tzinfo=OSLO).isoformat()]
    record += [row["org"], row["role"]]
    if group == "gp":
        record.append(row.get("practice_size", ""))
    for _, items in _measure_items():
        record += [_answer(row["items"].get(i), NETTSKJEMA_LABELS) for i in items]
    ticked = row.get("measures_started", ())
    record += ["1" if m.id in ticked else "0" for m in INSTRUMENT.measures]
    millis = int((row["submitted"] - row["started"]).total_seconds() * 1000)
    return [*record, row.get("barriers", ""), str(millis)]


# --- Microsoft Forms --------------------------------------------------------------------------


def forms_header(group: str = "hospital", language: str = "en") -> list[str]:
    """Column headers of the fixture form's Microsoft Forms workbook."""
    metadata = {
        "en": ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"],
        "nb": [
            "ID",
            "Starttidspunkt",
            "Fullføringstidspunkt",
            "E-postadresse",
            "Navn",
            "Tidspunkt for siste endring",
        ],
    }[language]
    header = [*metadata, ORG_QUESTION, ROLE_QUESTION]
    if group == "gp":
        header.append(SIZE_QUESTION)
    for index, item_id in enumerate(INSTRUMENT.item_ids()):
        text = INSTRUMENT.item(item_id).text["nb"]
        header.append(text.replace(*FORMS_VARIANT) if index == 0 else text)
    return [*header, BARRIER_QUESTION]


def write_forms_xlsx(
    path: Path, rows: list[dict], group: str = "hospital", language: str = "en"
) -> Path:
    """A Microsoft Forms «Open results in Excel» workbook.

    Convention: the columns ``ID, Start time, Completion time, Email, Name, Last modified time``
    (Norwegian interface: ``ID, Starttidspunkt, Fullføringstidspunkt, E-postadresse, Navn,
    Tidspunkt for siste endring``, as read by https://github.com/arthurborger/teamwork-indicator),
    then one column per question headed by its full text; a «Likert» question gives one column
    per statement headed by the statement text. Start and completion times are Excel date
    cells; ``Email`` is ``anonymous`` when the form does not record it; ``Last modified time``
    is empty unless the respondent edited the answer. Answers are the option labels
    «Svært uenig … Svært enig». The column names are those public code reads from real
    workbooks (found with the search tool); Microsoft's pages found did not list them, so the
    Likert layout is as described in issue 14, unverified against Microsoft's documentation.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(forms_header(group, language))
    for number, row in enumerate(rows, start=1):
        record = [number, row["started"], row["submitted"]]
        record += [row.get("email") or "anonymous", row.get("name"), row.get("modified")]
        record += [row["org"], row["role"]]
        if group == "gp":
            record.append(row.get("practice_size"))
        record += [
            _answer(row["items"].get(i), FORMS_LABELS) or None for i in INSTRUMENT.item_ids()
        ]
        sheet.append([*record, row.get("barriers") or None])
    for cells in sheet.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in cells:
            cell.number_format = "m/d/yy h:mm:ss"
    book.save(path)
    return path


# --- Qualtrics --------------------------------------------------------------------------------

_QUALTRICS_METADATA = [
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/Oslo"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Europe/Oslo"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/Oslo"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
]
QUALTRICS_STATUS_CODES = {"IP Address": "0", "Survey Preview": "1"}
"""Numeric export codes of ``Status`` (Qualtrics, «Understanding Your Dataset»)."""


def qualtrics_header_rows(group: str = "gp") -> list[list[str]]:
    """Qualtrics' three header rows for the fixture survey: tags, question text, ImportId."""
    columns = [
        (tag, label, json.dumps(ids, separators=(",", ":")))
        for tag, label, ids in _QUALTRICS_METADATA
    ]
    columns += [("Q1", ORG_QUESTION, '{"ImportId":"QID1_TEXT"}')]
    columns += [("Q2", ROLE_QUESTION, '{"ImportId":"QID2"}')]
    if group == "gp":
        columns += [("Q3", SIZE_QUESTION, '{"ImportId":"QID3_TEXT"}')]
    for number, (_, items) in enumerate(_measure_items(), start=4):
        for k, item_id in enumerate(items, start=1):
            label = f"{AGREE_QUESTION} - {INSTRUMENT.item(item_id).text['nb']}"
            columns.append((f"Q{number}_{k}", label, f'{{"ImportId":"QID{number}_{k}"}}'))
    columns.append(("Q9", BARRIER_QUESTION, '{"ImportId":"QID9_TEXT"}'))
    return [list(row) for row in zip(*columns, strict=True)]


def write_qualtrics_csv(
    path: Path, rows: list[dict], numeric: bool = False, group: str = "gp"
) -> Path:
    """A Qualtrics «Export Data» CSV: three header rows, then one row per response.

    Convention (Qualtrics, «Understanding Your Dataset»,
    https://www.qualtrics.com/support/survey-platform/responses/download-data/understanding-your-dataset/):
    «CSV and TSV files come with 3 rows of headers»: the export tags (``StartDate`` ...
    ``UserLanguage``, ``Q1``, ``Q4_1``), the question text (a matrix row as
    ``<question> - <statement>``; the metadata as ``Start Date``, ``Response Type`` ...) and
    the ``ImportId`` JSON (``{"ImportId":"startDate","timeZone":"Europe/Oslo"}``,
    ``{"ImportId":"QID4_1"}``); the metadata labels and ImportIds as a public script lists them
    from a real export. UTF-8 with BOM, comma-separated, every field quoted; dates
    ``YYYY-MM-DD HH:MM:SS``; ``Status`` «IP Address» or «Survey Preview» (numeric: 0, 1),
    ``Finished`` «True»/«False» (numeric: 1/0), ``Duration (in seconds)``. Answers are the
    choice text "Strongly disagree … Strongly agree" or, with ``numeric=True``, the recode
    values (set to the instrument's codes).
    """
    labels = None if numeric else QUALTRICS_LABELS
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerows(qualtrics_header_rows(group))
        for row in rows:
            writer.writerow(_qualtrics_record(row, labels, group))
    return path


def _qualtrics_record(row: dict, labels: dict[int, str] | None, group: str) -> list[str]:
    status = row.get("status", "IP Address")
    finished = row.get("finished", True)
    answered = [v for v in row["items"].values() if v is not None]
    progress = 100 if finished else round(100 * len(answered) / len(INSTRUMENT.item_ids()))
    seconds = int((row["submitted"] - row["started"]).total_seconds())
    email = row.get("email") or ""
    record = [
        _qualtrics_time(row["started"]),
        _qualtrics_time(row["submitted"]),
        QUALTRICS_STATUS_CODES[status] if labels is None else status,
        "" if status == "Survey Preview" else "193.157.0.1",
        str(progress),
        str(seconds),
        ("1" if finished else "0") if labels is None else str(finished),
        _qualtrics_time(row["submitted"] + dt.timedelta(seconds=1)),
        row["response_id"],
        "",
        "",
        email,
        row.get("external_reference", ""),
        "59.91",
        "10.75",
        "preview" if status == "Survey Preview" else ("email" if email else "anonymous"),
        "NO",
        row["org"],
        row["role"],
    ]
    if group == "gp":
        record.append(row.get("practice_size", ""))
    record += [_answer(row["items"].get(i), labels) for i in INSTRUMENT.item_ids()]
    return [*record, row.get("barriers", "")]


def _qualtrics_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# --- generic: Questback, SurveyXact -----------------------------------------------------------


def _generic_header(group: str) -> list[str]:
    header = ["Respondent", "Fullført", ORG_QUESTION, ROLE_QUESTION]
    if group == "gp":
        header.append(SIZE_QUESTION)
    return [
        *header,
        *(INSTRUMENT.item(i).text["nb"] for i in INSTRUMENT.item_ids()),
        BARRIER_QUESTION,
    ]


def write_questback_xlsx(path: Path, rows: list[dict], group: str = "municipality") -> Path:
    """A Questback-style Excel report: a title row and a blank row above a question-text header.

    Convention (generic; no public documentation of Questback's export layout was found): the
    survey title above the header, question text as headers, label cells («Helt uenig …»),
    the completion time as a date cell. Read as a generic xlsx (domain.md: «Excel exports»).
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Svar"
    sheet.append(["Forankringsundersøkelsen – eksport fra Questback"])
    sheet.append([])
    sheet.append(_generic_header(group))
    for number, row in enumerate(rows, start=1):
        record = [number, row["submitted"], row["org"], row["role"]]
        if group == "gp":
            record.append(row.get("practice_size"))
        record += [
            _answer(row["items"].get(i), NETTSKJEMA_LABELS) or None for i in INSTRUMENT.item_ids()
        ]
        sheet.append([*record, row.get("barriers") or None])
    book.save(path)
    return path


def write_surveyxact_csv(path: Path, rows: list[dict], group: str = "municipality") -> Path:
    """A SurveyXact-style CSV with value cells: ``;``-separated, Windows-1252, codes as answers.

    Convention (generic; no public documentation of SurveyXact's dataset layout was found):
    question text as headers, the answers as their numeric values, the completion time as
    ``dd.mm.yyyy hh:mm``. Read as a generic CSV (domain.md: «Where the raw data comes from»).
    """
    with path.open("w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(_generic_header(group))
        for number, row in enumerate(rows, start=1):
            record = [
                str(number),
                row["submitted"].strftime("%d.%m.%Y %H:%M"),
                row["org"],
                row["role"],
            ]
            if group == "gp":
                record.append(row.get("practice_size", ""))
            record += [_answer(row["items"].get(i), None) for i in INSTRUMENT.item_ids()]
            writer.writerow([*record, row.get("barriers", "")])
    return path


# --- a whole small intake round ---------------------------------------------------------------

FIELDWORK = (dt.date(2026, 3, 2), dt.date(2026, 3, 27))
MUNICIPALITIES = [
    "Oslo kommune",
    "Hamar Kommune",
    "Aurskog Høland",
    "Bø (Nordland)",
    "Bø i Telemark",
    "Kautokeino",
    "Karasjok kommune",
    "Tjeldsund",
    "Herøy",
    "Bergen",
    "Trondheim kommune",
    "Tromsø",
    "Bodø",
    "Lillehammer",
]
TRUSTS = [
    "Helse Bergen HF (Haukeland)",
    "UNN",
    "OUS",
    "St. Olavs",
    "Sykehuset Innlandet HF",
    "Helse Stavanger",
]
BARRIERS = [
    "Mangler folk og budsjett",
    "Leverandøren er ikke klar",
    "Uklart ansvar mellom nivåene",
    "",
    "Opplæring tar tid",
]


def _items(rng: random.Random, answered: float = 1.0) -> dict[str, int | None]:
    items: dict[str, int | None] = {}
    for index, item_id in enumerate(INSTRUMENT.item_ids()):
        if index >= answered * len(INSTRUMENT.item_ids()):
            items[item_id] = None
            continue
        items[item_id] = (
            rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 8, 9]) if rng.random() > 0.03 else None
        )
    return items


def _moment(rng: random.Random, day: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    day = day or FIELDWORK[0] + dt.timedelta(days=rng.randrange((FIELDWORK[1] - FIELDWORK[0]).days))
    started = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=rng.randrange(600))
    return started, started + dt.timedelta(seconds=rng.randrange(240, 1500))


def _row(rng: random.Random, org: str, role: str, **extra: object) -> dict:
    started, submitted = _moment(rng)
    row = {"org": org, "role": role, "items": _items(rng), "barriers": rng.choice(BARRIERS)}
    return {**row, "started": started, "submitted": submitted, **extra}


def _municipal_rows(rng: random.Random, n: int) -> list[dict]:
    roles = [r.label["nb"] for r in INSTRUMENT.roles["municipality"]]
    rows = [_row(rng, MUNICIPALITIES[i % len(MUNICIPALITIES)], rng.choice(roles)) for i in range(n)]
    rows.sort(key=lambda r: r["submitted"])
    return rows


def _trust_rows(rng: random.Random, n: int) -> list[dict]:
    roles = [r.label["nb"] for r in INSTRUMENT.roles["hospital"]]
    rows = []
    for i in range(n):
        person = f"person{i + 1}@helse.example.no"
        rows.append(
            _row(
                rng,
                TRUSTS[i % len(TRUSTS)],
                rng.choice(roles),
                email=person,
                name=f"Person {i + 1}",
            )
        )
    rows.sort(key=lambda r: r["submitted"])
    return rows


def _gp_rows(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        rid = "R_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(15))
        rows.append(
            _row(
                rng,
                MUNICIPALITIES[i % len(MUNICIPALITIES)],
                "Fastlege",
                response_id=rid,
                practice_size=str(rng.randrange(1, 9)),
            )
        )
    rows.sort(key=lambda r: r["submitted"])
    return rows


def _plant_municipal(rows: list[dict], rng: random.Random) -> dict:
    """A test on opening day (before fieldwork), a role «Annet», an e-mail in free text."""
    started, submitted = _moment(rng, FIELDWORK[0] - dt.timedelta(days=3))
    test = {
        **rows[0],
        "org": "Oslo kommune",
        "barriers": "TEST – ikke ta med",
        "started": started,
        "submitted": submitted,
    }
    rows.insert(0, test)
    rows[5] = {**rows[5], "role": "Annet"}
    rows[9] = {**rows[9], "barriers": "Ta kontakt på kari.nordmann@example.no om budsjettet"}
    # inside fieldwork: a test on opening day, and a repeat by the same organisation and role
    # changing two answers (Nettskjema keeps no identity, so only the answers tell)
    started, submitted = _moment(rng, FIELDWORK[0])
    opening = {
        **rows[1],
        "items": _items(rng),
        "barriers": "Bare en test, ignorer",
        "started": started,
        "submitted": submitted,
    }
    first = rows[20]
    changed = dict(first["items"])
    for item_id in list(changed)[:2]:
        changed[item_id] = 5 if changed[item_id] != 5 else 1
    repeat = {
        **first,
        "items": changed,
        "started": first["started"] + dt.timedelta(hours=3),
        "submitted": first["submitted"] + dt.timedelta(hours=3),
    }
    rows += [opening, repeat]
    rows.sort(key=lambda r: r["submitted"])
    where = {id(row): n for n, row in enumerate(rows, start=1)}
    return {
        "test": [1],
        "role_other": [
            where[id(rows_role)] for rows_role in rows if rows_role.get("role") == "Annet"
        ],
        "email_in_text": [where[id(r)] for r in rows if "kari.nordmann" in str(r.get("barriers"))],
        "opening_day_test": [where[id(opening)]],
        "repeat": [where[id(first)], where[id(repeat)]],
    }


def _plant_trusts(rows: list[dict], rng: random.Random) -> dict:
    """A resubmission by the same e-mail with changed answers, two days after the first."""
    first = rows[3]
    started = first["submitted"] + dt.timedelta(days=2)
    again = {
        **first,
        "items": _items(rng),
        "started": started,
        "submitted": started + dt.timedelta(minutes=9),
    }
    rows.append(again)
    rows.sort(key=lambda r: r["submitted"])  # Forms numbers the responses as they come in
    numbers = [next(i for i, r in enumerate(rows, start=1) if r is row) for row in (first, again)]
    return {"resubmission": numbers}


def _plant_gps(rows: list[dict], rng: random.Random) -> dict:
    """A survey preview, two unfinished answers, a practice size «ca 6», a fødselsnummer in text."""
    started, submitted = _moment(rng, FIELDWORK[0] - dt.timedelta(days=1))
    preview = {
        **rows[0],
        "status": "Survey Preview",
        "response_id": "R_preview0000001",
        "started": started,
        "submitted": submitted,
    }
    rows.insert(0, preview)
    for index in (7, 20):
        rows[index] = {**rows[index], "finished": False, "items": _items(rng, answered=0.4)}
    rows[11] = {**rows[11], "practice_size": "ca 6"}
    number = make_fodselsnummer(np.random.default_rng(rng.randrange(2**32)))
    rows[15] = {**rows[15], "barriers": f"Pasient {number} fikk feil liste"}
    return {
        "preview": [1],
        "unfinished": [8, 21],
        "practice_size_text": [12],
        "fodselsnummer_in_text": [16],
    }


def write_intake_round(folder: Path, seed: int = 14) -> dict:
    """Write the three exports of a small round and return what was planted where.

    ``kommuner.csv`` (Nettskjema without codebook, 40 rows), ``helseforetak.xlsx`` (Microsoft
    Forms, 25 rows), ``fastleger.csv`` (Qualtrics, 40 rows). Organisations are typed as names.

    Returns
    -------
    dict
        ``fieldwork`` (start, end) and per file name: ``tool``, ``group``, ``rows`` (data rows
        written) and the planted 1-based data row numbers (``test`` (before fieldwork),
        ``opening_day_test`` (inside it), ``repeat`` (first, repeat: same organisation and role,
        two answers changed), ``role_other``, ``email_in_text``; ``resubmission`` (first,
        repeat: same e-mail); ``preview``, ``unfinished``,
        ``practice_size_text``, ``fodselsnummer_in_text``), plus ``ids``: each planted row's id
        as in the export (``$submission_id``, Forms ``ID``, Qualtrics ``ResponseId``).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    municipal = _municipal_rows(rng, 37)  # + 3 planted rows: 40
    trusts = _trust_rows(rng, 24)
    gps = _gp_rows(rng, 39)
    planted = {"fieldwork": FIELDWORK}
    planted["kommuner.csv"] = {
        "tool": "nettskjema-text",
        "group": "municipality",
        **_plant_municipal(municipal, rng),
    }
    planted["helseforetak.xlsx"] = {
        "tool": "forms",
        "group": "hospital",
        **_plant_trusts(trusts, rng),
    }
    planted["fastleger.csv"] = {"tool": "qualtrics", "group": "gp", **_plant_gps(gps, rng)}
    write_nettskjema_text_csv(folder / "kommuner.csv", municipal)
    write_forms_xlsx(folder / "helseforetak.xlsx", trusts)
    write_qualtrics_csv(folder / "fastleger.csv", gps)
    ids = {
        "kommuner.csv": lambda n: str(12000000 + n * 7),
        "helseforetak.xlsx": str,
        "fastleger.csv": lambda n: gps[n - 1]["response_id"],
    }
    for name, rows in (
        ("kommuner.csv", municipal),
        ("helseforetak.xlsx", trusts),
        ("fastleger.csv", gps),
    ):
        entry = planted[name]
        entry["rows"] = len(rows)
        marks = [k for k, v in entry.items() if isinstance(v, list)]
        entry["ids"] = {k: [ids[name](n) for n in entry[k]] for k in marks}
    return planted


def write_qualtrics_xlsx(path: Path, rows: list[dict], numeric: bool = False) -> Path:
    """Qualtrics' Excel export: the CSV's three header rows and records, as text cells.

    Convention: the Excel download has the same header rows as the CSV (Qualtrics, «Understanding
    Your Dataset»: other formats «include the same data points»; ``kutils::importQualtrics``
    reads CSV and XLSX exports alike with ``namerow = 1, questionrow = 2, importidrow = 3``,
    https://search.r-project.org/CRAN/refmans/kutils/html/importQualtrics.html).
    """
    text = path.with_suffix(".csv")
    write_qualtrics_csv(text, rows, numeric=numeric)
    with text.open(newline="", encoding="utf-8-sig") as handle:
        records = list(csv.reader(handle))
    text.unlink()
    book = openpyxl.Workbook()
    for record in records:
        book.active.append([value or None for value in record])
    book.save(path)
    return path

"""A small hand-made round for the cleaning tests: three exports written by the tools users have.

- ``kommuner.csv``: a Nettskjema report (csv module, ``;``, all fields quoted, UTF-8), codes 1-5,
  9 «Vet ikke», 8 «Ikke relevant», empty = unanswered;
- ``helseforetak.xlsx``: openpyxl, a title row above a header of question texts, label texts
  with mixed spellings, trust names in odd case;
- ``fastleger.sav``: pyreadstat, value labels, user-missing 9 «Vet ikke», municipality number
  stored as a number (0301 → 301).

Every planted problem is listed in ``PLANTED`` with its source and 1-based data row.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import yaml

DIMENSIONS = ("kjennskap", "prioritet", "nytte", "ledelse", "ressurser", "medvirkning", "beredskap")
ITEMS = [f"pll__{d}" for d in DIMENSIONS]
LABELS = {
    1: "Helt uenig",
    2: "Litt uenig",
    3: "Hverken enig eller uenig",
    4: "Litt enig",
    5: "Helt enig",
    8: "Vet ikke",
    9: "Ikke relevant",
}

# data row -> (submission id, created, time ms, kommunenr, role, answers, free text)
MUNICIPALITY_ROWS = [
    ("1001", "2026-02-20T09:00:00+01:00", "300000", "0301", "1", "4444444", "test"),  # 1 before
    ("1002", "2026-03-02T10:00:00+01:00", "400000", "0301", "1", "4354245", "Budsjett mangler"),
    (
        "1003",
        "2026-03-02T11:00:00+01:00",
        "380000",
        "0301",
        "2",
        "54539x4",
        "Ring meg på 912 34 567, møte 01.03.2026",
    ),
    (
        "1004",
        "2026-03-03T12:00:00+01:00",
        "420000",
        "4601",
        "3",
        "3325234",
        "Kontakt per.hansen@bergen.kommune.no om 1 250 000 kr",
    ),
    ("1005", "2026-03-03T12:05:00+01:00", "20000", "4601", "1", "2224232", "Tid og kapasitet"),
    ("1006", "2026-03-04T08:00:00+01:00", "500000", "1103", "1", "43-----", ""),  # 6 incomplete
    ("1007", "2026-03-04T09:00:00+01:00", "450000", "1103", "4", "5555555", ""),  # 7 straight
    (
        "1008",
        "2026-03-05T09:00:00+01:00",
        "410000",
        "4601",
        "3",
        "3325234",
        "Kontakt per.hansen@bergen.kommune.no om 1 250 000 kr",
    ),  # 8 duplicate of 4 (later)
    (
        "1009",
        "2026-03-05T10:00:00+01:00",
        "390000",
        "1103",
        "2",
        "4444334",
        "<script>alert(1)</script>Opplæring trengs",
    ),
    (
        "1010",
        "2026-03-05T11:00:00+01:00",
        "395000",
        "5001",
        "5",
        "3344324",
        "=SUM(A1:A3) fnr 14077595091 i teksten",
    ),
]
HOSPITAL_ROWS = [  # trust as written, role label, answers (labels), free text
    (
        "helse bergen",
        "Lege",
        [
            "Litt enig",
            "Helt enig",
            "Hverken enig eller uenig",
            "LITT ENIG",
            "Litt uenig",
            "Vet ikke",
            "Helt enig",
        ],
        "DIPS er treg",
    ),
    (
        "Helse Bergen HF",
        "Fagdirektør",
        [
            "Helt enig",
            "helt  enig",
            "Verken enig eller uenig",
            "Litt enig",
            "Helt uenig",
            "Ikke relevant",
            "Litt enig",
        ],
        None,
    ),
    (
        "OUS",
        "Avdelingsleder",
        [
            "Somewhat agree",
            "Strongly agree",
            "Don't know",
            "Somewhat agree",
            "Somewhat disagree",
            "Litt enig",
            None,
        ],
        "HelseID",
    ),
    ("st. olavs hospital", "Lege", ["4", "5", "3", "4", "2", "4", "5"], "Ring 22 33 44 55"),
]
GP_ROWS = [  # kommunenr (number), answers (codes; 9 = Vet ikke, user-missing), time
    (301.0, [4, 5, 4, 3, 2, 9, 4], 300.0),
    (301.0, [5, 5, 5, 4, 1, 4, 5], 280.0),
    (4601.0, [3, 3, 4, 2, 3, 9, 3], 310.0),
    (1103.0, [2, 3, 3, 2, 4, 2, 2], 290.0),
]

PLANTED = {
    "kommuner": {1: "before_fieldwork", 6: "incomplete", 4: "duplicate"},
    "helseforetak": {},
    "fastleger": {},
}


def _municipality_csv(path: Path) -> None:
    header = [
        "$submission_id",
        "$created",
        "$answer_time_ms",
        "kommunenr",
        "rolle",
        *[f"pll_{d}" for d in DIMENSIONS],
        "barrierer",
    ]
    roles = {
        "1": "helse_omsorgssjef",
        "2": "kommuneoverlege",
        "3": "it_leder",
        "4": "leder_hjemmetjeneste",
        "5": "leder_legevakt",
    }
    rows = []
    for sid, created, ms, kommune, role, answers, text in MUNICIPALITY_ROWS:
        codes = ["" if a == "-" else "9" if a == "x" else a for a in answers]
        rows.append([sid, created, ms, kommune, roles[role], *codes, text])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)


def _hospital_xlsx(path: Path, item_texts: list[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Svar"
    sheet.append(["Forankringsundersøkelsen 2026 – helseforetak"])
    sheet.append([])
    sheet.append(
        ["Svar-ID", "Fullført", "Helseforetak", "Hva er din rolle?", *item_texts, "Barrierer"]
    )
    for i, (trust, role, answers, text) in enumerate(HOSPITAL_ROWS, start=1):
        sheet.append(
            [
                f"R{i}",
                pd.Timestamp(f"2026-03-0{i + 1} 10:00").to_pydatetime(),
                trust,
                role,
                *answers,
                text,
            ]
        )
    book.save(path)


def _gp_sav(path: Path) -> None:
    columns = {
        "id": [f"G{i}" for i in range(1, len(GP_ROWS) + 1)],
        "kommnr": [r[0] for r in GP_ROWS],
    }
    for j, d in enumerate(DIMENSIONS):
        columns[f"q_{d}"] = [float(r[1][j]) for r in GP_ROWS]
    columns["tid"] = [r[2] for r in GP_ROWS]
    frame = pd.DataFrame(columns)
    labels = {
        1.0: "Helt uenig",
        2.0: "Litt uenig",
        3.0: "Verken enig eller uenig",
        4.0: "Litt enig",
        5.0: "Helt enig",
        9.0: "Vet ikke",
    }
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={f"q_{d}": labels for d in DIMENSIONS},
        missing_ranges={f"q_{d}": [9.0] for d in DIMENSIONS},
    )


def round_config(round_id: str, item_texts: list[str]) -> dict:
    """The round.yaml of the small round (as a dict)."""
    return {
        "round_id": round_id,
        "title": {"nb": "Testrunde", "en": "Test round"},
        "fieldwork": {"start": "2026-03-01", "end": "2026-03-31"},
        "measures": ["pll"],
        "sources": [
            {
                "id": "kommuner",
                "group": "municipality",
                "file": "kommuner.csv",
                "format": "nettskjema",
                "columns": {
                    "respondent_id": "$submission_id",
                    "submitted_at": "$created",
                    "answer_time_ms": "$answer_time_ms",
                    "org_id": "kommunenr",
                    "role": "rolle",
                    "barriers": "barrierer",
                    **{f"pll__{d}": f"pll_{d}" for d in DIMENSIONS},
                },
                "values": {"items": {"9": 8, "8": 9}},
                "org_id_map": {"5001": "5001"},
            },
            {
                "id": "helseforetak",
                "group": "hospital",
                "file": "helseforetak.xlsx",
                "columns": {
                    "respondent_id": "Svar-ID",
                    "submitted_at": "Fullført",
                    "org_id": "Helseforetak",
                    "role": "Hva er din rolle?",
                    "barriers": "Barrierer",
                    **{i: t for i, t in zip(ITEMS, item_texts, strict=True)},
                },
            },
            {
                "id": "fastleger",
                "group": "gp",
                "file": "fastleger.sav",
                "columns": {
                    "respondent_id": "id",
                    "municipality_id": "kommnr",
                    **{f"pll__{d}": f"q_{d}" for d in DIMENSIONS},
                },
            },
        ],
    }


def write_small_round(root: Path, round_id: str = "t1") -> Path:
    """Write the three exports and round.yaml under ``root/data/raw/<round_id>``; return it."""
    from anchoring.instrument import load_instrument

    instrument = load_instrument()
    item_texts = [instrument.item(i).text["nb"] for i in ITEMS]
    raw = root / "data" / "raw" / round_id
    raw.mkdir(parents=True, exist_ok=True)
    _municipality_csv(raw / "kommuner.csv")
    _hospital_xlsx(raw / "helseforetak.xlsx", item_texts)
    _gp_sav(raw / "fastleger.sav")
    (raw / "round.yaml").write_text(
        yaml.safe_dump(round_config(round_id, item_texts), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return raw

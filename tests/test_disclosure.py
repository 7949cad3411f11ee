"""Disclosure audit: scan everything a run writes for personal data, free text and small cells.

One simulated round (``simulate_round``, seed 11, scale 0.3, with planted fødselsnummer, phone
numbers, e-mails, script/img tags and formulas listed in its ``truth.json``) is run once per
session through the command line (``anchoring run --lang both``) and shared with
``test_faults.py`` (:func:`completed_round`). Then:

- every file under ``reports/<round>/`` and ``data/processed/<round>/`` (HTML, xlsx, executed
  notebooks, run.log, manifest, Parquet string columns, JSON) holds none of the planted personal
  data and no sentence of the raw free text (read from the raw exports independently of the
  package);
- no estimate with fewer than ``min_n`` respondents or ``min_orgs`` organisations is published in
  ``estimates.parquet`` or in the tables workbooks;
- no suppressed value can be recovered by subtraction (a sector value shown with a group hidden;
  a stratum row with exactly one hidden cell and its group total shown);
- the HTML reports carry no ``<script>`` element or ``on*`` event-handler attribute, and the
  workbooks no formula.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
import yaml

from reliability_report import record

ROUND_ID = "audit"
SEED = 11
SCALE = 0.3
ANCHORING = [sys.executable, "-m", "anchoring.cli"]
LANG = "both"
"""Report languages of every run (the same in all, so unchanged stages are reused)."""
_BASELINE: dict[str, Path] = {}
_BASE64 = re.compile(r"(data:image/[a-z+]+;base64,|\"image/png\": \")[A-Za-z0-9+/=\\n]+")
_PII_KINDS = ("fodselsnummer", "fodselsnummer_spaced", "d_number", "email", "phone")
_ADDITIVE = ("mean", "agree_share", "dont_know_share")
_EXEMPT = ("response_rate", "weighting_efficiency")


def run_cli(*args: str, timeout: float = 900, **kwargs: object) -> subprocess.CompletedProcess:
    """Run ``anchoring ARGS`` in a subprocess (text output captured)."""
    return subprocess.run(
        [*ANCHORING, *args], capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )


def completed_round(factory: pytest.TempPathFactory) -> Path:
    """A root with round ``audit`` simulated and run once (cached for the whole session)."""
    if "root" not in _BASELINE:
        root = factory.mktemp("baseline")
        from anchoring.simulate import simulate_round

        simulate_round(root, ROUND_ID, seed=SEED, scale=SCALE)
        done = run_cli("run", "--root", str(root), "--round", ROUND_ID, "--lang", LANG)
        assert done.returncode == 0, done.stderr[-3000:]
        _BASELINE["root"] = root
    return _BASELINE["root"]


def copy_of_completed_round(factory: pytest.TempPathFactory, name: str) -> Path:
    """A private copy of the completed round's root (for tests that break things)."""
    target = factory.mktemp(name) / "root"
    shutil.copytree(completed_round(factory), target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def audited_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return completed_round(tmp_path_factory)


# ----------------------------------------------------------------------------------------------
# what the run wrote, as text


def output_files(root: Path) -> list[Path]:
    """Every file a run wrote for the round (reports and processed data)."""
    folders = [root / "reports" / ROUND_ID, root / "data" / "processed" / ROUND_ID]
    return sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        return "\n".join(
            book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml")
        )


def _parquet_text(path: Path) -> str:
    table = pq.read_table(path)
    parts = list(table.column_names)
    for name in table.column_names:
        column = table.column(name)
        if str(column.type) in ("string", "large_string") or "dictionary" in str(column.type):
            parts += [str(v) for v in column.to_pylist() if v is not None]
    return "\n".join(parts)


def file_text(path: Path) -> str:
    """The text content of an output file (base64 images removed), as the audit reads it."""
    if path.suffix == ".xlsx":
        text = _xlsx_text(path)
    elif path.suffix == ".parquet":
        text = _parquet_text(path)
    else:
        text = path.read_bytes().decode("utf-8", "replace")
    return _BASE64.sub("<image>", text)


@pytest.fixture(scope="session")
def output_texts(audited_root: Path) -> dict[str, str]:
    return {str(p.relative_to(audited_root)): file_text(p) for p in output_files(audited_root)}


# ----------------------------------------------------------------------------------------------
# what went in: planted personal data and the raw free text


def planted_pii(root: Path) -> list[str]:
    """The planted personal data of the round, in every written form worth looking for."""
    truth = json.loads((root / "data" / "raw" / ROUND_ID / "truth.json").read_text("utf-8"))
    needles = set()
    for item in truth["pii"]:
        if not item["kind"].startswith(_PII_KINDS):
            continue
        needles.add(item["text"])
        if item["kind"] == "email":
            continue
        digits = item.get("digits") or re.sub(r"\D", "", item["text"])
        needles.add(digits[-8:] if item["kind"].startswith("phone") else digits)
    return sorted(needles)


def raw_free_text(root: Path) -> list[str]:
    """Every comment of the raw exports (read with csv, openpyxl and pyreadstat directly)."""
    raw = root / "data" / "raw" / ROUND_ID
    config = yaml.safe_load((raw / "round.yaml").read_text("utf-8"))
    comments = []
    for source in config["sources"]:
        column = source["columns"].get("barriers")
        if column is None:
            continue
        path = raw / source["file"]
        if path.suffix == ".sav":
            frame, _ = pyreadstat.read_sav(str(path), usecols=[column])
            comments += [str(v) for v in frame[column] if isinstance(v, str)]
        elif path.suffix == ".xlsx":
            sheet = openpyxl.load_workbook(path, read_only=True)[source.get("sheet") or 0]
            rows = list(sheet.iter_rows(values_only=True))
            header = rows[source.get("header_row", 1) - 1]
            j = [" ".join(str(h).split()) if h else h for h in header].index(column)
            body = rows[source.get("header_row", 1) :]
            comments += [str(r[j]) for r in body if j < len(r) and r[j]]
        else:
            frame = pd.read_csv(path, sep=source.get("delimiter") or ";", dtype=str)
            comments += list(frame[column].dropna())
    return comments


def raw_sentences(root: Path, min_chars: int = 25) -> list[str]:
    """Distinct sentences of the raw comments, at least ``min_chars`` long."""
    sentences = set()
    for comment in raw_free_text(root):
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", comment):
            sentence = sentence.strip()
            if len(sentence) >= min_chars:
                sentences.add(sentence)
    return sorted(sentences)


# ----------------------------------------------------------------------------------------------
# the audit


def test_no_planted_personal_data_in_any_output(audited_root: Path, output_texts: dict) -> None:
    needles = planted_pii(audited_root)
    assert len(needles) >= 10, "the simulated round planted too little to audit"
    hits = [
        (name, needle)
        for name, text in output_texts.items()
        for needle in needles
        if re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", text)
    ]
    record(
        "audit",
        {
            "check": "personal data",
            "strings": len(needles),
            "files": len(output_texts),
            "hits": len(hits),
        },
    )
    assert hits == []


def test_no_raw_free_text_sentence_in_any_output(audited_root: Path, output_texts: dict) -> None:
    sentences = raw_sentences(audited_root)
    assert len(sentences) >= 50, "the simulated round has too little free text to audit"
    hits = [
        (name, sentence)
        for name, text in output_texts.items()
        for sentence in sentences
        if sentence in text
    ]
    record(
        "audit",
        {
            "check": "free-text sentences",
            "strings": len(sentences),
            "files": len(output_texts),
            "hits": len(hits),
        },
    )
    assert hits[:5] == []


def _estimates(root: Path) -> pd.DataFrame:
    return pd.read_parquet(root / "data" / "processed" / ROUND_ID / "estimates.parquet")


def _limits(root: Path) -> tuple[int, int]:
    config = yaml.safe_load((root / "data" / "raw" / ROUND_ID / "round.yaml").read_text("utf-8"))
    estimation = config.get("estimation") or {}
    return int(estimation.get("min_n", 5)), int(estimation.get("min_orgs", 3))


def test_no_small_cell_in_estimates(audited_root: Path) -> None:
    estimates = _estimates(audited_root)
    min_n, min_orgs = _limits(audited_root)
    judged = estimates[~estimates["statistic"].isin(_EXEMPT)]
    small = judged[(judged["n"].fillna(0) < min_n) | (judged["n_orgs"].fillna(0) < min_orgs)]
    shown = small[small[["estimate", "se", "ci_low", "ci_high"]].notna().any(axis=1)]
    record(
        "audit",
        {
            "check": "small cells (estimates.parquet)",
            "cells": len(judged),
            "small": len(small),
            "hits": len(shown),
        },
    )
    assert len(small) > 0, "no small cell in the simulated round: the audit would prove nothing"
    assert shown.empty, shown.head().to_string()


def _sector_leaks(estimates: pd.DataFrame) -> list[tuple]:
    totals = estimates[(estimates["breakdown"] == "") & estimates["statistic"].isin(_ADDITIVE)]
    leaks = []
    for key, rows in totals.groupby(["measure", "dimension", "statistic"]):
        sector = rows[rows["group"] == "sector"]
        groups = rows[rows["group"] != "sector"]
        if len(sector) and sector["estimate"].notna().all() and groups["estimate"].isna().any():
            leaks.append(key)
    return leaks


def _breakdown_leaks(estimates: pd.DataFrame) -> tuple[int, list[tuple]]:
    keys = ["measure", "group", "dimension", "statistic"]
    additive = estimates[estimates["statistic"].isin(_ADDITIVE)]
    totals = additive[additive["breakdown"] == ""].set_index(keys)["estimate"]
    rows, leaks = 0, []
    for key, cells in additive[additive["breakdown"] == "stratum"].groupby(keys):
        rows += 1
        total_shown = key in totals.index and pd.notna(totals.loc[key])
        if total_shown and int(cells["estimate"].isna().sum()) == 1 and len(cells) > 1:
            leaks.append(key)
    return rows, leaks


def test_no_suppressed_value_recoverable_by_subtraction(audited_root: Path) -> None:
    estimates = _estimates(audited_root)
    sector = _sector_leaks(estimates)
    rows, breakdown = _breakdown_leaks(estimates)
    record(
        "audit",
        {
            "check": "secondary suppression",
            "cells": rows,
            "small": int(estimates["is_suppressed"].sum()),
            "hits": len(sector) + len(breakdown),
        },
    )
    assert rows > 0
    assert sector == [], sector[:5]
    assert breakdown == [], breakdown[:5]


_COUNT_HEADERS = {"svar", "responses", "respondents", "n"}
_ORG_HEADERS = {"organisasjoner", "organisations", "organizations"}


def _small_rows_shown(sheet, min_n: int, min_orgs: int) -> tuple[int, int, list]:
    tables = small = 0
    shown = []
    columns: dict[str, int] | None = None
    for row in sheet.iter_rows(values_only=True):
        names = [str(v).strip().casefold() if isinstance(v, str) else None for v in row]
        count_col = next((j for j, v in enumerate(names) if v in _COUNT_HEADERS), None)
        org_col = next((j for j, v in enumerate(names) if v in _ORG_HEADERS), None)
        if count_col is not None and org_col is not None:
            columns, tables = {"n": count_col, "orgs": org_col}, tables + 1
            continue
        if columns is None or not any(v is not None for v in row):
            columns = None if not any(v is not None for v in row) else columns
            continue
        n, orgs = row[columns["n"]], row[columns["orgs"]]
        if not isinstance(n, int | float) or not isinstance(orgs, int | float):
            continue
        if n < min_n or orgs < min_orgs:
            small += 1
            values = [v for j, v in enumerate(row) if j not in columns.values() and j > 0]
            if any(isinstance(v, float) for v in values):
                shown.append((sheet.title, row))
    return tables, small, shown


def test_no_small_cell_in_the_workbooks(audited_root: Path) -> None:
    min_n, min_orgs = _limits(audited_root)
    books = sorted((audited_root / "reports" / ROUND_ID).glob("*.xlsx"))
    assert len(books) == 2, books
    tables = small = 0
    shown: list = []
    for path in books:
        for sheet in openpyxl.load_workbook(path, data_only=True).worksheets:
            t, s, rows = _small_rows_shown(sheet, min_n, min_orgs)
            tables, small, shown = tables + t, small + s, shown + rows
    record(
        "audit",
        {"check": "small cells (xlsx)", "cells": tables, "small": small, "hits": len(shown)},
    )
    assert tables > 0, "no table with respondent and organisation counts found in the workbooks"
    assert shown == [], shown[:5]


class _ActiveContent(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.handlers += [f"{tag} {k}" for k, _ in attrs if k.lower().startswith("on")]


def test_reports_have_no_active_content_and_workbooks_no_formulas(audited_root: Path) -> None:
    reports = sorted((audited_root / "reports" / ROUND_ID).glob("*.html"))
    assert len(reports) == 2, reports
    found = []
    for path in reports:
        parser = _ActiveContent()
        parser.feed(path.read_text("utf-8"))
        found += [f"{path.name}: <script>"] * parser.scripts + [
            f"{path.name}: {h}" for h in parser.handlers
        ]
    formulas = []
    for path in sorted((audited_root / "reports" / ROUND_ID).glob("*.xlsx")):
        for sheet in openpyxl.load_workbook(path).worksheets:
            formulas += [
                f"{path.name}!{sheet.title}!{c.coordinate}"
                for row in sheet.iter_rows()
                for c in row
                if c.data_type == "f"
            ]
    record(
        "audit",
        {
            "check": "active content (HTML, xlsx)",
            "files": len(reports) + 2,
            "hits": len(found) + len(formulas),
        },
    )
    assert found == []
    assert formulas == []


# Respondent identities (a Forms e-mail, a Qualtrics recipient) and their hashes: the audited round
# here has none, so tests/test_intake_round.py audits them on a round whose exports carry them.

"""Tests of ``anchoring simulate --formats``: rounds written in the survey tools' own formats.

One round (seed 5) with Nettskjema without codebook for municipalities, Microsoft Forms for trusts
and Qualtrics for GPs is simulated per module, and one with the formats rotated over the groups.
The exports are read back with ``csv`` and ``openpyxl`` and compared with ``truth.json`` and with
the tools' documented conventions (the writers' docstrings cite them); the typed organisation
names are checked against SSB's name list packaged in ``anchoring/frames``, not against the
simulator's own tables.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
from importlib.resources import files

import pandas as pd
import pytest
from openpyxl import load_workbook

from anchoring.cli import main
from anchoring.exceptions import AnchoringError
from anchoring.instrument import load_instrument
from anchoring.instrument.model import ScaleLabel
from anchoring.intake.round_config import load_round_config
from anchoring.simulate import simulate_round
from anchoring.simulate.formats import check_formats
from anchoring.simulate.population import simulated_roles

SEED = 5
TOOLS = ("nettskjema-text", "forms", "qualtrics")
QUALTRICS_METADATA = [
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
]


@pytest.fixture(scope="module")
def instrument():
    return load_instrument()


def _simulate(root, formats):
    raw_dir = simulate_round(root, "t1", seed=SEED, formats=formats)
    config = load_round_config(raw_dir / "round.yaml")
    truth = json.loads((raw_dir / "truth.json").read_text(encoding="utf-8"))
    return raw_dir, config, truth


@pytest.fixture(scope="module")
def tool_round(tmp_path_factory):
    return _simulate(tmp_path_factory.mktemp("tools"), TOOLS)


@pytest.fixture(scope="module")
def rotated_round(tmp_path_factory):
    return _simulate(tmp_path_factory.mktemp("rotated"), ("qualtrics", "nettskjema-text", "forms"))


def _nettskjema(path) -> pd.DataFrame:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return pd.DataFrame(rows[1:], columns=rows[0])


def _qualtrics(path) -> tuple[list[list[str]], pd.DataFrame]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[:3], pd.DataFrame(rows[3:], columns=rows[0])


def _forms(path) -> pd.DataFrame:
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    width = len(rows[0])  # read-only mode drops trailing empty cells
    frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows[1:]], columns=rows[0])
    return frame.astype(object).where(frame.notna(), "")  # an empty cell as ""


def _read(raw_dir, source) -> pd.DataFrame:
    path = raw_dir / source.file
    if source.format == "xlsx":
        return _forms(path)
    if source.format == "csv":
        return _qualtrics(path)[1]
    return _nettskjema(path)


def _source(config, group):
    return next(s for s in config.sources if s.group == group)


def _rows(table, rows):
    return table.iloc[[r - 1 for r in rows]]


# --- formats, files, determinism ------------------------------------------------------------


def test_formats_are_checked_with_a_message_naming_the_choices():
    assert check_formats("nettskjema-text, forms,qualtrics") == TOOLS
    with pytest.raises(AnchoringError, match="one format per group"):
        check_formats("forms,qualtrics")
    with pytest.raises(AnchoringError, match="one format per group"):
        check_formats("forms,qualtrics,surveymonkey")
    with pytest.raises(AnchoringError, match="written for the gp group only"):
        check_formats("spss,forms,qualtrics")


def test_annet_is_never_drawn_even_when_the_instrument_lists_it(instrument):
    other = ScaleLabel(0, {"nb": "Annet", "en": "Other"}, "annet")
    roles = {g: (*r, other) for g, r in instrument.roles.items()}
    extended = dataclasses.replace(instrument, roles=roles)
    for group in instrument.group_ids:
        assert "annet" not in simulated_roles(extended, group)
        assert simulated_roles(extended, group) == simulated_roles(instrument, group)


def test_tool_round_files_config_and_determinism(tool_round, instrument, tmp_path):
    raw_dir, config, truth = tool_round
    names = {p.name for p in raw_dir.iterdir()}
    assert names == {
        "kommuner.csv",
        "helseforetak.xlsx",
        "fastleger.csv",
        "round.yaml",
        "truth.json",
    }
    config.check_against(instrument)
    assert truth["formats"] == dict(zip(instrument.group_ids, TOOLS, strict=True))
    other = simulate_round(tmp_path, "t1", seed=SEED, formats=TOOLS)
    assert {p.name: p.read_bytes() for p in other.iterdir()} == {
        p.name: p.read_bytes() for p in raw_dir.iterdir()
    }
    with pytest.raises(AnchoringError, match="immutable"):
        simulate_round(tmp_path, "t1", seed=SEED)  # the default formats differ


def test_row_counts_match_truth_and_every_raw_value_is_mapped(tool_round):
    raw_dir, config, truth = tool_round
    for source in config.sources:
        table = _read(raw_dir, source)
        assert len(table) == truth["sources"][source.id]["rows_n"]
        org_column = source.columns["municipality_id" if source.group == "gp" else "org_id"]
        intake = truth["intake"][source.id]
        assert set(table[org_column]) == set(intake["org_values"])
        labels = {str(k) for k in source.values["items"]} | {"", None}
        items = [c for f, c in source.columns.items() if "__" in f]
        assert set(pd.unique(table[items].to_numpy().ravel())) <= labels
        assert set(table[source.columns["role"]]) <= set(source.values["role"])


# --- organisations as people type them -----------------------------------------------------


def _official_names() -> pd.DataFrame:
    path = files("anchoring.frames") / "kommuner-2024-names.csv"
    with path.open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def test_typed_municipalities_agree_with_ssb_names(tool_round):
    _, config, truth = tool_round
    names = _official_names()
    by_name = names.groupby("name")["kommunenummer"].agg(set).to_dict()
    kinds = set()
    for source in (_source(config, "municipality"), _source(config, "gp")):
        values = truth["intake"][source.id]["org_values"]
        for raw, number in values.items():
            leading = re.match(r"^(\d{4}) ", raw)
            if leading:
                assert leading[1] == number
                kinds.add("number")
            elif raw in by_name and len(by_name[raw]) == 1:
                assert by_name[raw] == {number}
                kinds.add("official")
            if raw.endswith((" kommune", " Kommune")):
                kinds.add("kommune")
        ambiguous = truth["intake"][source.id]["ambiguous_org_values"]
        assert set(ambiguous) >= {"Herøy", "Våler"}  # both respond at seed 5
        for raw, meant in ambiguous.items():
            assert meant["org_id"] in meant["candidates"] and len(meant["candidates"]) == 2
            assert values[raw] == meant["org_id"]
            assert source.org_id_map[raw] == meant["org_id"]
        assert set(source.org_id_map) == set(ambiguous)
    assert kinds == {"number", "official", "kommune"}


def test_typed_trusts_include_abbreviations(tool_round):
    _, config, truth = tool_round
    values = truth["intake"][_source(config, "hospital").id]["org_values"]
    assert {"UNN", "OUS", "Ahus", "St. Olavs", "Helse Bergen HF (Haukeland)"} & set(values)
    assert all(v.isupper() for v in values.values())  # trust ids of the frame


# --- planted intake problems -----------------------------------------------------------------


def test_opening_day_test_carries_its_comment(tool_round, instrument):
    raw_dir, config, truth = tool_round
    source = _source(config, "municipality")
    table = _nettskjema(raw_dir / source.file)
    start = dt.date.fromisoformat(truth["fieldwork"]["start"])
    comments = [t for t in truth["intake"][source.id]["tests"] if t["marker"] == "comment"]
    assert len(comments) == 1
    row = table.iloc[comments[0]["row"] - 1]
    assert row[source.columns["barriers"]] == "TEST – ikke ta med"
    created = dt.datetime.fromisoformat(row["$created"])
    assert created.date() == start and created.hour < 8 and created.utcoffset() is not None
    expected = {(e["source"], e["row"]) for e in truth["expected_exclusions"]}
    assert (source.id, comments[0]["row"]) in expected


def test_forms_resubmission_comes_from_the_same_email_with_changed_answers(tool_round):
    raw_dir, config, truth = tool_round
    source = _source(config, "hospital")
    table = _forms(raw_dir / source.file)
    assert list(table.columns[:6]) == [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
    ]
    assert all(isinstance(v, dt.datetime) for v in table["Completion time"])
    resubmissions = truth["intake"][source.id]["resubmissions"]
    assert resubmissions and all(r["basis"] == "identity" for r in resubmissions)
    items = {f: c for f, c in source.columns.items() if "__" in f}
    for r in resubmissions:
        first, kept = table.iloc[r["row"] - 1], table.iloc[r["kept_row"] - 1]
        assert first["Email"] == kept["Email"] and first["Email"].endswith("@example.org")
        assert first["Completion time"] < kept["Completion time"]
        differing = [f for f, c in items.items() if first[c] != kept[c]]
        assert differing == r["changed_items"]
        assert 2 <= len(differing) <= 4


def test_forms_words_one_measure_for_the_trusts(tool_round, instrument):
    _, config, _ = tool_round
    source = _source(config, "hospital")
    local = [f for f, c in source.columns.items() if "vårt helseforetak" in c]
    assert local and {f.split("__")[0] for f in local} == {instrument.measure_ids[0]}
    for field in local:
        assert "vår organisasjon" in instrument.item(field).text["nb"]


def test_qualtrics_header_rows_status_and_unfinished(tool_round, instrument):
    raw_dir, config, truth = tool_round
    source = _source(config, "gp")
    assert (raw_dir / source.file).read_bytes()[:3] == b"\xef\xbb\xbf"
    header, table = _qualtrics(raw_dir / source.file)
    assert header[0][: len(QUALTRICS_METADATA)] == QUALTRICS_METADATA
    import_ids = [json.loads(cell)["ImportId"] for cell in header[2]]
    matrix = [(h, i) for h, i in zip(header[0], import_ids, strict=True) if "_" in h]
    assert matrix and all(i == "QID" + h[1:] for h, i in matrix)
    title = f"Hvor enig er du i påstandene om {instrument.measure_ids[0].upper()}?"
    assert header[1][header[0].index("Q3_1")].startswith(f"{title} - ")
    intake = truth["intake"][source.id]
    preview = sorted(t["row"] for t in intake["tests"] if t["marker"] == "preview")
    assert sorted(table.index[table["Status"] == "Survey Preview"] + 1) == preview
    assert set(table["Status"]) == {"IP Address", "Survey Preview"}
    unfinished = table.index[table["Finished"] == "False"] + 1
    assert sorted(unfinished) == intake["unfinished"]
    assert (table.loc[unfinished - 1, "Progress"].astype(int) < 100).all()
    start = pd.to_datetime(table["StartDate"])
    end = pd.to_datetime(table["EndDate"])
    duration = table["Duration (in seconds)"].astype(int)
    assert ((end - start).dt.total_seconds() == duration).all()


def test_practice_size_typed_as_text_is_recorded(tool_round):
    raw_dir, config, truth = tool_round
    source = _source(config, "gp")
    table = _qualtrics(raw_dir / source.file)[1]
    sizes = table[source.columns["practice_size"]]
    text_rows = sorted(sizes.index[~sizes.str.fullmatch(r"\d+")] + 1)
    planted = truth["intake"][source.id]["practice_size_text"]
    assert text_rows == [p["row"] for p in planted]
    for p in planted:
        assert re.search(rf"\b{p['value']}\b", p["raw"])
        assert source.values["practice_size"][p["raw"]] == p["value"]


def test_annet_roles_are_planted_in_every_tool_source(tool_round):
    raw_dir, config, truth = tool_round
    for source in config.sources:
        table = _read(raw_dir, source)
        annet = sorted(table.index[table[source.columns["role"]] == "Annet"] + 1)
        assert annet and annet == truth["intake"][source.id]["other_roles"]


def test_identities_are_plainly_synthetic(tool_round):
    raw_dir, config, _ = tool_round
    forms = _forms(raw_dir / _source(config, "hospital").file)
    gp = _qualtrics(raw_dir / _source(config, "gp").file)[1]
    emails = set(forms["Email"]) | set(gp["RecipientEmail"])
    assert all(e in {"", "anonymous"} or e.endswith("@example.org") for e in emails)
    ips = set(gp["IPAddress"]) - {""}
    assert all(ip.startswith(("192.0.2.", "198.51.100.", "203.0.113.")) for ip in ips)


# --- any format for any group ----------------------------------------------------------------


def test_every_tool_format_can_be_given_for_any_group(rotated_round, instrument):
    raw_dir, config, truth = rotated_round
    config.check_against(instrument)
    assert {s.group: s.file for s in config.sources} == {
        "municipality": "kommuner.csv",
        "hospital": "helseforetak.csv",
        "gp": "fastleger.xlsx",
    }
    for source in config.sources:
        table = _read(raw_dir, source)
        assert len(table) == truth["sources"][source.id]["rows_n"]
        assert set(table[source.columns["role"]]) <= set(source.values["role"])
    assert "identity" in _source(config, "municipality").columns  # Qualtrics
    assert "identity" not in _source(config, "hospital").columns  # Nettskjema


def test_cli_passes_formats(tmp_path, capsys):
    status = main(
        [
            "simulate",
            "--root",
            str(tmp_path),
            "--round",
            "c1",
            "--seed",
            "3",
            "--formats",
            "forms,qualtrics,nettskjema-text",
        ]
    )
    assert status == 0
    raw_dir = capsys.readouterr().out.strip()
    truth = json.loads((tmp_path / "data" / "raw" / "c1" / "truth.json").read_text("utf-8"))
    assert raw_dir.endswith("c1")
    assert list(truth["formats"].values()) == ["forms", "qualtrics", "nettskjema-text"]
    refused = ["simulate", "--root", str(tmp_path), "--round", "c2", "--seed", "3"]
    assert main([*refused, "--formats", "excel,excel,excel"]) == 1

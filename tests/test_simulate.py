"""Tests of ``anchoring.simulate``: a simulated round's files, truth and planted problems.

One round (seed 5, scale 1) is simulated per module; the exports are read back with their own
libraries (``tests/_simulate_fixtures.py``) and compared with ``truth.json``. Expected values are
identities (a duplicate equals its original, a weighted mean of organisation values equals the
group value) or the design's definitions (methodology §1, brief thresholds), never copied output.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from _simulate_fixtures import (
    fieldwork_start_utc,
    normalise_label,
    read_sources,
    requote_all,
)
from anchoring.exceptions import AnchoringError
from anchoring.fodselsnummer import is_valid_fodselsnummer
from anchoring.frames import load_frames
from anchoring.instrument import load_instrument
from anchoring.intake.round_config import load_round_config
from anchoring.paths import RoundPaths
from anchoring.simulate import simulate_demo_rounds, simulate_round

SEED = 5
FILES = {"round.yaml", "truth.json", "kommuner.csv", "helseforetak.xlsx", "fastleger.sav"}


@pytest.fixture(scope="module")
def instrument():
    return load_instrument()


@pytest.fixture(scope="module")
def simulated(tmp_path_factory, instrument):
    root = tmp_path_factory.mktemp("sim")
    raw_dir = simulate_round(root, "r1", seed=SEED)
    config = load_round_config(raw_dir / "round.yaml")
    truth = json.loads((raw_dir / "truth.json").read_text(encoding="utf-8"))
    return root, raw_dir, config, truth, read_sources(raw_dir, config, instrument)


def _bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- files, determinism, immutability --------------------------------------------------------


def test_round_folder_holds_the_expected_files(simulated):
    root, raw_dir, _, _, _ = simulated
    assert raw_dir == RoundPaths(root, "r1").raw_dir
    assert {p.name for p in raw_dir.iterdir()} == FILES  # no GP frame needed at scale 1


def test_same_seed_gives_identical_bytes_and_rerun_is_a_no_op(simulated, tmp_path):
    _, raw_dir, _, _, _ = simulated
    other = simulate_round(tmp_path, "r1", seed=SEED)
    assert _bytes(other) == _bytes(raw_dir)  # csv, yaml, json, and also xlsx and sav
    before = {p.name: p.stat().st_mtime_ns for p in other.iterdir()}
    assert simulate_round(tmp_path, "r1", seed=SEED) == other  # identical: nothing written
    assert {p.name: p.stat().st_mtime_ns for p in other.iterdir()} == before


def test_a_different_simulation_never_overwrites_raw_data(simulated, tmp_path):
    _, raw_dir, _, _, _ = simulated
    target = RoundPaths(tmp_path, "r1").raw_dir
    shutil.copytree(raw_dir, target)
    with pytest.raises(AnchoringError, match="immutable"):
        simulate_round(tmp_path, "r1", seed=SEED + 1)
    assert _bytes(target) == _bytes(raw_dir)
    assert [p.name for p in target.parent.iterdir()] == ["r1"]  # no staging folder left


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1}, "seed"),
        ({"seed": 1, "scale": 0}, "scale"),
        ({"seed": 1, "shift": {"schools": {"pll": 1}}}, "shift"),
        ({"seed": 1, "shift": {"gp": {"pll": {"nope": 1}}}}, "shift"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, kwargs, message):
    with pytest.raises(AnchoringError, match=message):
        simulate_round(tmp_path, "bad", **kwargs)
    assert not RoundPaths(tmp_path, "bad").raw_dir.exists()


def test_config_validates_against_the_instrument(simulated, instrument):
    _, raw_dir, config, truth, _ = simulated
    config.check_against(instrument, raw_dir / "round.yaml")
    assert config.round_id == "r1" and config.previous_round is None
    assert [(s.id, s.group, s.format) for s in config.sources] == [
        ("kommuner", "municipality", "nettskjema"),
        ("helseforetak", "hospital", "xlsx"),
        ("fastleger", "gp", "sav"),
    ]
    for source in config.sources:
        assert set(instrument.item_ids()) <= set(source.columns)
    assert str(config.fieldwork.start) == truth["fieldwork"]["start"]


# --- the three exports, each read by its own library ------------------------------------------


def test_nettskjema_csv_is_semicolon_separated_and_fully_quoted(simulated, instrument):
    _, raw_dir, config, _, _ = simulated
    path = raw_dir / "kommuner.csv"
    assert requote_all(path) == path.read_bytes()  # every field quoted, UTF-8, CRLF
    table = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    source = config.sources[0]
    assert list(table.columns[:5]) == [
        "$submission_id",
        "$created",
        "$answer_time_ms",
        "kommunenr",
        "rolle",
    ]
    assert set(source.columns.values()) <= set(table.columns)
    assert "pll_kjenn" in table.columns and "pll__kjennskap" not in table.columns
    assert {c for c in table.columns if c.startswith("kilde.")} and table.filter(
        like="kilde."
    ).isin(["0", "1"]).all().all()
    assert table["$created"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00").all()
    assert table["kommunenr"].str.fullmatch(r"\d{4}").all()
    assert table["$answer_time_ms"].str.fullmatch(r"\d+").all()
    items = table[[source.columns[i] for i in instrument.item_ids()]]
    assert set(np.unique(items.to_numpy())) == {"", "1", "2", "3", "4", "5", "8", "9"}
    assert source.values["items"] == {"9": 8, "8": 9}  # Nettskjema's 9 is «Vet ikke»
    assert table["barrierer"].str.contains("\n").any()  # multi-line comments stay quoted


def test_excel_export_has_title_rows_question_headers_and_label_answers(simulated, instrument):
    _, raw_dir, config, _, _ = simulated
    source = config.sources[1]
    workbook = load_workbook(raw_dir / "helseforetak.xlsx")
    assert workbook.sheetnames == [source.sheet]
    rows = list(workbook[source.sheet].iter_rows(values_only=True))
    assert rows[0][0].startswith("Forankringsundersøkelsen 2026")
    assert rows[1][0].startswith("Eksportert")
    header = list(rows[source.header_row - 1])
    assert header[:5] == ["Respondent-ID", "Starttid", "Fullført", "Helseforetak", "Rolle"]
    assert set(source.columns.values()) <= set(header)
    assert instrument.item("pll__ressurser").text["nb"] in header
    data = rows[source.header_row :]
    labels = {v for r in data for v in r[5:-1] if v is not None}
    known = {normalise_label(p.label["nb"]) for p in instrument.points + instrument.non_substantive}
    assert {normalise_label(v) for v in labels} == known
    assert {"Hverken enig eller uenig", "Verken enig eller uenig"} <= labels
    assert any(v != " ".join(v.split()) or v != v.strip() for v in labels)  # odd spacing
    names = {r[3] for r in data}
    frame_names = set(load_frames()["hospital"].units["org_name"])
    assert names & frame_names and names - frame_names  # some names are spelled oddly
    assert all(r[1] < r[2] for r in data)  # start before completion
    assert set(source.values["role"].values()) == {r.id for r in instrument.roles["hospital"]}


def test_excel_export_keeps_a_formula_looking_comment_as_text(simulated):
    _, raw_dir, config, truth, _ = simulated
    source = config.sources[1]
    sheet = load_workbook(raw_dir / "helseforetak.xlsx")[source.sheet]
    formulas = [p for p in truth["pii"] if p["source"] == source.id and p["kind"] == "formula"]
    assert formulas
    for case in formulas:
        cell = sheet.cell(row=source.header_row + case["row"], column=sheet.max_column)
        assert cell.value == case["text"] and cell.data_type == "s"


def test_spss_export_has_labels_user_missing_and_numeric_municipality(simulated, instrument):
    _, raw_dir, config, _, _ = simulated
    source = config.sources[2]
    path = raw_dir / "fastleger.sav"
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert set(source.columns.values()) <= set(data.columns)
    item = source.columns["pll__kjennskap"]
    assert item == "PLL1" and meta.column_names_to_labels[item].startswith("Vi vet hva PLL")
    assert meta.variable_value_labels[item][9.0] == "Vet ikke"
    assert meta.variable_value_labels[item][8.0] == "Ikke relevant"
    assert {"lo": 9.0, "hi": 9.0} in meta.missing_ranges[item]
    assert (data[item] == 9).any()
    without, _ = pyreadstat.read_sav(str(path))  # user-missing codes vanish without the flag
    assert not without[item].isin([8, 9]).any()
    municipality = data[source.columns["municipality_id"]]
    assert (municipality == 301).any()  # Oslo's 0301 stored as a number: lost leading zero
    assert data[source.columns["answer_time_ms"]].gt(0).all()
    assert data[source.columns["respondent_id"]].is_unique


# --- truth.json against the data ------------------------------------------------------------


def _answers(table, instrument):
    return table[instrument.item_ids()]


def _content(table, instrument):
    """Everything a respondent answered (the duplicate key): org, items, free text."""
    items = _answers(table, instrument).fillna(0).astype(int).astype(str).agg("".join, axis=1)
    return table["org"].astype(str) + "|" + items + "|" + table["barriers"].astype(str)


def test_planted_exclusions_have_their_property(simulated, instrument):
    _, _, config, truth, tables = simulated
    start = fieldwork_start_utc(config.fieldwork.start)
    n_items = len(instrument.item_ids())
    assert {e["reason"] for e in truth["expected_exclusions"]} == {
        "duplicate",
        "test",
        "incomplete",
    }
    for case in truth["expected_exclusions"]:
        table = tables[case["source"]].set_index("row")
        row = table.loc[case["row"]]
        answered = row[instrument.item_ids()].notna().sum()
        if case["reason"] == "duplicate":
            kept = table.loc[case["kept_row"]]
            assert row[instrument.item_ids()].equals(kept[instrument.item_ids()])
            assert (row["org"], row["barriers"]) == (kept["org"], kept["barriers"])
            assert kept["submitted_at"] > row["submitted_at"]
            assert answered >= n_items / 2  # the later copy is complete
        elif case["reason"] == "test":
            assert row["submitted_at"] < start
        else:
            assert answered < n_items / 2


def test_nothing_else_looks_dropped(simulated, instrument):
    """Rows not planted: in fieldwork, at least half substantive, no duplicate content."""
    _, _, config, truth, tables = simulated
    start = fieldwork_start_utc(config.fieldwork.start)
    half = len(instrument.item_ids()) / 2
    for source, table in tables.items():
        planted = {e["row"] for e in truth["expected_exclusions"] if e["source"] == source}
        kept = table[~table["row"].isin(planted)]
        assert len(kept) == truth["sources"][source]["kept_n"]
        assert len(table) == truth["sources"][source]["rows_n"]
        assert (kept["submitted_at"] >= start).all()
        substantive = _answers(kept, instrument).isin([1, 2, 3, 4, 5]).sum(axis=1)
        assert (substantive >= half).all()
        assert _content(kept, instrument).is_unique
        content = _content(table, instrument)
        pairs = {
            (e["row"], e["kept_row"])
            for e in truth["expected_exclusions"]
            if e["source"] == source and e["reason"] == "duplicate"
        }
        repeated = content[content.duplicated(keep=False)]
        assert len(repeated) == 2 * len(pairs)


def test_flags_follow_the_rules_exactly(simulated, instrument):
    _, _, _, truth, tables = simulated
    measure_items = {m: instrument.item_ids(m) for m in instrument.measure_ids}
    for source, table in tables.items():
        dropped = {e["row"] for e in truth["expected_exclusions"] if e["source"] == source}
        kept = table[~table["row"].isin(dropped)]
        median = kept["answer_time_ms"].median()
        for ratio in (0.2, 0.3, 0.4):  # the brief's 0.2, the config default 0.3: same rows
            speeders = set(kept.loc[kept["answer_time_ms"] < ratio * median, "row"])
            planted = {
                f["row"] for f in truth["flags"] if f["source"] == source and f["flag"] == "speeder"
            }
            assert speeders == planted and planted
        liners = set()
        for items in measure_items.values():
            block = kept[items].to_numpy()
            same = (block == block[:, :1]).all(axis=1) & np.isin(block[:, 0], [1, 2, 3, 4, 5])
            liners |= set(kept.loc[same, "row"])
        flagged = {
            f["row"]
            for f in truth["flags"]
            if f["source"] == source and f["flag"] == "straightliner"
        }
        assert liners == flagged
    assert any(f["planted"] and f["flag"] == "straightliner" for f in truth["flags"])


def test_planted_text_is_in_its_row(simulated):
    _, _, _, truth, tables = simulated
    kinds = {p["kind"] for p in truth["pii"]}
    assert kinds == {
        "fodselsnummer",
        "fodselsnummer_spaced",
        "d_number",
        "phone_plus47",
        "phone_0047",
        "phone_landline",
        "email",
        "script",
        "img",
        "formula",
    }
    for case in truth["pii"] + truth["must_keep"]:
        text = tables[case["source"]].set_index("row").loc[case["row"], "barriers"]
        assert case["text"] in text, case
        if case["kind"] == "formula":
            assert text.startswith("=")
    for case in truth["pii"]:
        if "digits" in case:
            assert is_valid_fodselsnummer(case["digits"]), case
            assert case["text"].replace(" ", "") == case["digits"]
        if case["kind"] == "d_number":
            assert int(case["digits"][0]) >= 4
        if case["kind"] == "fodselsnummer_spaced":
            assert re.fullmatch(r"\d{6} \d{5}", case["text"])
    shapes = {p["kind"]: p["text"] for p in truth["pii"]}
    assert re.fullmatch(r"\+47 [49]\d\d \d\d \d{3}", shapes["phone_plus47"])
    assert re.fullmatch(r"0047 [49]\d{7}", shapes["phone_0047"])
    assert re.fullmatch(r"2[23] \d\d \d\d \d\d", shapes["phone_landline"])
    keep = {p["kind"]: p["text"] for p in truth["must_keep"]}
    assert re.fullmatch(r"\d\d\.\d\d\.20\d\d", keep["date"])
    assert re.fullmatch(r"\d \d{3} 000 kr", keep["amount"])
    assert re.fullmatch(r"\d{1,2} %", keep["percent"])
    assert re.fullmatch(r"\d{4}", keep["municipality_number"])


def test_most_respondents_leave_the_comment_empty(simulated, instrument):
    _, _, _, truth, tables = simulated
    for source, table in tables.items():
        share = (table["barriers"] != "").mean()
        assert 0.1 < share < 0.5, source
        rows = truth["barrier_themes"][source]
        assert len(rows) == (table["barriers"] != "").sum()
        assert set().union(*map(set, rows.values())) <= set(instrument.theme_ids())


# --- design situations and the truth ----------------------------------------------------------


def test_lonely_psu_and_census_strata_exist_among_responding_organisations(simulated):
    _, _, _, truth, tables = simulated
    design = truth["design"]
    assert "municipality:03" in design["census_strata"]
    assert design["lonely_psu_strata"]
    units = load_frames()["municipality"].units.set_index("org_id")["stratum"]
    dropped = {e["row"] for e in truth["expected_exclusions"] if e["source"] == "kommuner"}
    kept = tables["kommuner"][~tables["kommuner"]["row"].isin(dropped)]
    responding = kept.groupby(kept["org"].map(units))["org"].nunique()
    for stratum in design["lonely_psu_strata"]:
        facts = design[stratum.split(":")[0]][stratum]
        assert responding[stratum] == facts["responding_n"] == 1 < facts["frame_n"]
    assert responding["municipality:03"] == design["municipality"]["municipality:03"]["frame_n"]
    assert responding.to_dict() == {s: f["responding_n"] for s, f in design["municipality"].items()}


def test_respondents_per_organisation_are_realistic(simulated, instrument):
    _, _, _, truth, _ = simulated
    per_org = {g: [n for n in truth["organisations"][g]["respondents_n"] if n] for g in
               ("municipality", "hospital")}  # fmt: skip
    assert min(per_org["municipality"]) >= 1 and max(per_org["municipality"]) <= 5
    assert min(per_org["hospital"]) >= 3 and max(per_org["hospital"]) <= 15


def test_true_values_are_in_range_and_the_sector_is_the_group_mean(simulated):
    _, _, _, truth, _ = simulated
    for measure, groups in truth["truth"].items():
        for group, value in groups.items():
            assert 0 <= value["index"] <= 100
            for key in ("agree_share", "dont_know_share"):
                assert all(0 <= v <= 1 for v in value[key].values()), (measure, group, key)
        mean = np.mean([groups[g]["index"] for g in ("municipality", "hospital", "gp")])
        assert groups["sector"]["index"] == pytest.approx(mean, abs=1e-6)
    indexes = [g["index"] for m in truth["truth"].values() for g in m.values()]
    assert max(indexes) - min(indexes) > 15  # measures and groups differ


def test_organisation_truth_adds_up_to_the_group_truth(simulated):
    """Group value = ratio of weighted organisation values (truth.json ``definitions``)."""
    _, _, _, truth, _ = simulated
    for group in ("municipality", "hospital"):
        orgs = truth["organisations"][group]
        strata = np.array(orgs["stratum"])
        for measure in truth["measures"]:
            value = truth["truth"][measure][group]
            index = np.array(orgs["index"][measure])
            weight = np.array(orgs["defined_share"][measure])
            assert value["index"] == pytest.approx(np.sum(weight * index) / weight.sum(), abs=2e-6)
            for dim in truth["dimensions"]:
                agree = np.array(orgs["agree_share"][measure][dim])
                answered = np.array(orgs["answered_share"][measure][dim])
                expected = np.sum(answered * agree) / answered.sum()
                assert value["agree_share"][dim] == pytest.approx(expected, abs=1e-7)
                dont_know = np.mean(orgs["dont_know_share"][measure][dim])
                assert value["dont_know_share"][dim] == pytest.approx(dont_know, abs=1e-7)
            for stratum, part in value["by_stratum"].items():
                inside = strata == stratum
                expected = np.sum((weight * index)[inside]) / weight[inside].sum()
                assert part["index"] == pytest.approx(expected, abs=2e-6)


# --- demo pair and scale ------------------------------------------------------------------------


def test_demo_rounds_show_the_planted_change(tmp_path):
    assert simulate_demo_rounds(tmp_path) == ["demo-previous", "demo"]
    previous, current = (
        json.loads(RoundPaths(tmp_path, r).truth_file.read_text(encoding="utf-8"))
        for r in ("demo-previous", "demo")
    )
    config = load_round_config(RoundPaths(tmp_path, "demo").config_file)
    assert config.previous_round == "demo-previous"
    assert current["model"]["shift"] == {"municipality": {"pll": 0.5}, "gp": {"dho": -0.4}}
    change = {
        (m, g): current["truth"][m][g]["index"] - previous["truth"][m][g]["index"]
        for m in current["measures"]
        for g in ("municipality", "hospital", "gp")
    }
    assert change.pop(("pll", "municipality")) > 5
    assert change.pop(("dho", "gp")) < -4
    assert max(abs(v) for v in change.values()) < 1e-6  # one population: nothing else moved
    assert simulate_demo_rounds(tmp_path) == ["demo-previous", "demo"]  # rerun: a no-op


@pytest.mark.slow
def test_scale_five_gives_about_five_times_the_rows(simulated, tmp_path):
    _, _, _, truth, _ = simulated
    raw_dir = simulate_round(tmp_path, "big", seed=SEED, scale=5)
    big = json.loads((raw_dir / "truth.json").read_text(encoding="utf-8"))
    rows = sum(s["rows_n"] for s in big["sources"].values())
    base = sum(s["rows_n"] for s in truth["sources"].values())
    assert 1500 <= base <= 2500  # the brief's size at scale 1
    assert 4.3 < rows / base < 5.7
    config = load_round_config(raw_dir / "round.yaml")
    assert config.frames == {"gp": "fastleger-ramme.csv"}  # 5× the GPs exceed the frame
    frame = load_frames({"gp": raw_dir / "fastleger-ramme.csv"})["gp"]
    assert sum(frame.psu_n().values()) == pytest.approx(5 * 5224, rel=0.01)
    assert big["design"]["gp"]["gp:03"]["frame_n"] == frame.psu_n()["gp:03"]


@pytest.mark.parametrize("scale", [0.05, 0.01])
def test_a_small_scale_simulates_a_round_that_cleans(tmp_path, scale):
    from anchoring.cleaning import clean_round

    simulate_round(tmp_path, "small", seed=4, scale=scale)
    clean_round(tmp_path, "small")
    responses = pd.read_parquet(RoundPaths(tmp_path, "small").responses_file)
    assert set(responses["group"]) == {"municipality", "hospital", "gp"}


def test_a_group_can_be_cut_down_and_is_recorded(tmp_path):
    raw = simulate_round(tmp_path, "hidden", seed=5, responding={"hospital": 2})
    truth = json.loads((raw / "truth.json").read_text(encoding="utf-8"))
    assert truth["responding"] == {"hospital": 2}
    planned = truth["design"]["hospital"]
    assert sum(s["responding_n"] for s in planned.values()) == 2
    with pytest.raises(AnchoringError, match="at least 1"):
        simulate_round(tmp_path, "none", seed=5, responding={"hospital": 0})

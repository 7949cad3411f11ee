"""``clean_round`` end to end: accounting, immutability, determinism, no free text, bad input."""

import hashlib
import json
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

import _cleaning_fixtures as fx
from anchoring.cleaning import clean_round
from anchoring.exceptions import (
    AnchoringError,
    FrameError,
    InputFileError,
    MappingError,
    RoundConfigError,
)

ROUND = "t1"


@pytest.fixture
def small_round(tmp_path):
    fx.write_small_round(tmp_path, ROUND)
    return tmp_path


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    """One cleaned copy of the small round, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("cleaned")
    fx.write_small_round(root, ROUND)
    return clean_round(root, ROUND)


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _edit_config(root, change):
    path = root / "data" / "raw" / ROUND / "round.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_every_raw_row_is_kept_or_excluded_and_raw_files_are_untouched(small_round):
    raw_dir = small_round / "data" / "raw" / ROUND
    before = _hashes(raw_dir)
    result = clean_round(small_round, ROUND)
    assert _hashes(raw_dir) == before
    responses = pd.read_parquet(result.responses_file)
    exclusions = pd.read_parquet(result.exclusions_file)
    read = {s["source_id"]: s["rows_read"] for s in result.quality["sources"]}
    assert read == {
        "kommuner": len(fx.MUNICIPALITY_ROWS),
        "helseforetak": len(fx.HOSPITAL_ROWS),
        "fastleger": len(fx.GP_ROWS),
    }
    for source, n in read.items():
        kept = set(responses.loc[responses["source_id"] == source, "source_row"])
        dropped = set(exclusions.loc[exclusions["source_id"] == source, "source_row"])
        assert not kept & dropped
        assert kept | dropped == set(range(1, n + 1))
    assert result.rows_read == result.kept_n + result.excluded_n


def test_planted_problems_are_found_and_nothing_else(cleaned):
    result = cleaned
    exclusions = pd.read_parquet(result.exclusions_file)
    found = {(r.source_id, r.source_row): r.reason for r in exclusions.itertuples()}
    planted = {(s, row): why for s, rows in fx.PLANTED.items() for row, why in rows.items()}
    assert found == planted
    duplicate = exclusions[exclusions["reason"] == "duplicate"].iloc[0]
    assert duplicate["duplicate_of_row"] == 8  # the later identical submission is kept
    responses = pd.read_parquet(result.responses_file).set_index("respondent_key")
    assert responses.loc["kommuner:1005", "is_speeder"]  # 20 s against a median near 400 s
    assert responses.loc["kommuner:1007", "is_straightliner"]
    assert responses["is_speeder"].sum() == 1 and responses["is_straightliner"].sum() == 1


def test_responses_schema_codes_and_design(cleaned):
    result = cleaned
    schema = pq.read_schema(result.responses_file)
    head = [
        "round_id",
        "source_id",
        "source_row",
        "respondent_key",
        "group",
        "org_id",
        "stratum",
        "fpc",
        "weight",
        "role",
        "submitted_at",
        "answer_time_s",
    ]
    assert schema.names[: len(head)] == head
    assert [str(schema.field(i).type) for i in fx.ITEMS] == ["int8"] * 7
    assert str(schema.field("submitted_at").type) == "timestamp[us, tz=UTC]"
    responses = pd.read_parquet(result.responses_file).set_index("respondent_key")
    # Nettskjema 9 («Vet ikke») → 8, unanswered stays missing
    assert responses.loc["kommuner:1003", "pll__ressurser"] == 8
    # xlsx labels in mixed spelling and language
    assert responses.loc["helseforetak:R3", "pll__nytte"] == 8  # "Don't know"
    assert responses.loc["helseforetak:R2", "pll__medvirkning"] == 9  # «Ikke relevant»
    assert pd.isna(responses.loc["helseforetak:R3", "pll__beredskap"])
    # sav: user-missing 9 labelled «Vet ikke» → 8; 301 → 0301 → Oslo county
    assert responses.loc["fastleger:G1", "pll__medvirkning"] == 8
    assert responses.loc["fastleger:G1", "stratum"] == "gp:03"
    assert responses.loc["fastleger:G1", "org_id"] == "fastleger:G1"
    assert responses.loc["helseforetak:R1", "org_id"] == "HB"
    # weights: Oslo (1 municipality) with one responding PSU and two respondents: 1/1 · 1/2
    assert responses.loc["kommuner:1002", "weight"] == 0.5
    assert responses.loc["kommuner:1002", "fpc"] == 1
    keys = list(
        responses.reset_index()[["group", "org_id", "respondent_key"]].itertuples(
            index=False, name=None
        )
    )
    assert keys == sorted(keys)


def test_themes_come_from_redacted_text_and_no_free_text_is_stored(cleaned):
    result = cleaned
    responses = pd.read_parquet(result.responses_file).set_index("respondent_key")
    assert responses.loc["kommuner:1002", "theme__okonomi"]  # «Budsjett mangler»
    assert responses.loc["kommuner:1005", "theme__kapasitet"]  # «Tid og kapasitet»
    assert responses.loc["kommuner:1009", "theme__kompetanse"]  # «Opplæring» after <script>
    assert responses.loc["helseforetak:R1", "theme__leverandor"]  # «DIPS»
    assert not responses.loc["kommuner:1007", "has_barrier_text"]
    assert "barriers" not in responses.columns
    secrets = [
        "Budsjett mangler",
        "912 34 567",
        "per.hansen@bergen.kommune.no",
        "14077595091",
        "Opplæring trengs",
        "DIPS er treg",
        "22 33 44 55",
    ]
    for path in sorted(result.responses_file.parent.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            data += json.dumps(table.to_pylist(), default=str).encode("utf-8")
        for secret in secrets:
            assert secret.encode("utf-8") not in data, (path.name, secret)
    redactions = result.quality["totals"]["redactions_by_type"]
    assert redactions["e_post"] == 2 and redactions["telefon"] == 2
    assert redactions["fodselsnummer"] == 1 and redactions["script"] == 1


def test_same_raw_data_same_bytes(cleaned, tmp_path_factory):
    hashes = _hashes(cleaned.responses_file.parent)
    other = tmp_path_factory.mktemp("again")
    shutil.copytree(cleaned.responses_file.parents[2] / "raw", other / "data" / "raw")
    second = clean_round(other, ROUND)
    assert _hashes(second.responses_file.parent) == hashes
    assert set(hashes) == {"responses.parquet", "exclusions.parquet", "quality.json"}


def test_quality_report_contents(cleaned):
    result = cleaned
    quality = json.loads(result.quality_file.read_text(encoding="utf-8"))
    municipal = quality["sources"][0]
    assert (municipal["format"], municipal["encoding"], municipal["delimiter"]) == (
        "nettskjema",
        "utf-8",
        ";",
    )
    assert municipal["excluded_by_reason"]["duplicate"] == 1
    assert quality["totals"]["flagged_by_reason"] == {"speeder": 1, "straightliner": 1}
    oslo = next(r for r in quality["response_rates"] if r["stratum"] == "municipality:03")
    assert (oslo["frame_psu_n"], oslo["responding_psu_n"], oslo["response_rate_share"]) == (
        1,
        1,
        1.0,
    )
    item = next(
        r
        for r in quality["items"]
        if r["group"] == "hospital" and r["item_id"] == "pll__medvirkning"
    )
    # hospital medvirkning: «Vet ikke», «Ikke relevant», «Litt enig», «4» among 4 respondents
    assert (item["dont_know_share"], item["not_applicable_share"]) == (0.25, 0.25)
    table = result.quality_table()
    assert "| kommuner | municipality |" in table and "| **all** |" in table


def _assert_nothing_written(root):
    processed = root / "data" / "processed"
    assert not processed.exists() or not any(processed.iterdir())


def test_unknown_labels_of_all_sources_listed_at_once(small_round):
    raw = small_round / "data" / "raw" / ROUND
    text = (raw / "kommuner.csv").read_text(encoding="utf-8")
    (raw / "kommuner.csv").write_text(text.replace('"4354245"', '"x"'), encoding="utf-8")
    lines = text.splitlines()
    # row 2 (data) item pll_kjennskap gets «Delvis enig»; a second bad value in row 5
    header = lines[0].split(";")
    column = header.index('"pll_kjennskap"')
    for row, value in ((2, "Delvis enig"), (5, "Tja")):
        fields = lines[row].split(";")
        fields[column] = f'"{value}"'
        lines[row] = ";".join(fields)
    (raw / "kommuner.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _edit_config(
        small_round,
        lambda c: (
            c["sources"][1]["values"].update({"items": {"Litt enig": "Delvis"}})
            if "values" in c["sources"][1]
            else c["sources"][1].update({"values": {}})
        ),
    )
    with pytest.raises(MappingError) as error:
        clean_round(small_round, ROUND)
    message = str(error.value)
    assert (
        "kommuner.csv: column 'pll_kjennskap' (pll__kjennskap): value 'Delvis enig' in data "
        "row(s) 2" in message
    )
    assert "value 'Tja' in data row(s) 5" in message
    _assert_nothing_written(small_round)


def test_bad_label_in_a_second_source_is_listed_too(small_round):
    raw = small_round / "data" / "raw" / ROUND
    text = (raw / "kommuner.csv").read_text(encoding="utf-8")
    (raw / "kommuner.csv").write_text(
        text.replace('"4444334"', '"x"').replace(
            '"2026-03-05T10:00:00+01:00";"390000";"1103";"kommuneoverlege";"4"',
            '"2026-03-05T10:00:00+01:00";"390000";"1103";"kommuneoverlege";"Sikkert"',
        ),
        encoding="utf-8",
    )
    _edit_config(
        small_round,
        lambda c: c["sources"][2].update(
            {
                "columns": {
                    **c["sources"][2]["columns"],
                    "pll__nytte": "q_kjennskap",
                    "pll__kjennskap": "q_nytte",
                }
            }
        ),
    )
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(raw / "fastleger.sav"), user_missing=True)
    frame.loc[1, "q_nytte"] = 7.0
    pyreadstat.write_sav(
        frame,
        str(raw / "fastleger.sav"),
        variable_value_labels=meta.variable_value_labels,
        missing_ranges={c: [9.0] for c in frame.columns if c.startswith("q_")},
    )
    with pytest.raises(MappingError) as error:
        clean_round(small_round, ROUND)
    message = str(error.value)
    assert "kommuner.csv: column 'pll_kjennskap'" in message and "'Sikkert'" in message
    assert "fastleger.sav: column 'q_nytte'" in message and "value '7' in data row(s) 2" in message
    _assert_nothing_written(small_round)


def test_organisation_outside_the_frame(small_round):
    raw = small_round / "data" / "raw" / ROUND
    text = (raw / "kommuner.csv").read_text(encoding="utf-8")
    (raw / "kommuner.csv").write_text(text.replace('"5001"', '"9999"'), encoding="utf-8")
    with pytest.raises(FrameError) as error:
        clean_round(small_round, ROUND)
    assert "kommuner.csv" in str(error.value)
    assert "'9999' in data row(s) 10" in str(error.value)
    assert "org_id_map" in str(error.value)
    _assert_nothing_written(small_round)


def test_missing_file(small_round):
    (small_round / "data" / "raw" / ROUND / "fastleger.sav").unlink()
    with pytest.raises(InputFileError, match=r"fastleger\.sav: file not found"):
        clean_round(small_round, ROUND)
    _assert_nothing_written(small_round)


def test_empty_file(small_round):
    (small_round / "data" / "raw" / ROUND / "kommuner.csv").write_bytes(b"")
    with pytest.raises(InputFileError, match=r"kommuner\.csv: the file is empty"):
        clean_round(small_round, ROUND)
    _assert_nothing_written(small_round)


def test_missing_required_column(small_round):
    _edit_config(
        small_round, lambda c: c["sources"][0]["columns"].update({"org_id": "kommunenummer"})
    )
    with pytest.raises(InputFileError) as error:
        clean_round(small_round, ROUND)
    message = str(error.value)
    assert "kommuner.csv" in message and "'kommunenummer' (for org_id;" in message
    assert "did you mean 'kommunenr'?" in message  # the closest header, named
    assert "Fix sources[kommuner].columns" in message
    _assert_nothing_written(small_round)


def test_config_that_does_not_validate(small_round):
    _edit_config(small_round, lambda c: c["sources"][0].update({"group": "pharmacy"}))
    with pytest.raises(RoundConfigError) as error:
        clean_round(small_round, ROUND)
    assert "round.yaml" in str(error.value) and "sources.0.group" in str(error.value)
    _assert_nothing_written(small_round)


def test_missing_round_config(tmp_path):
    with pytest.raises(RoundConfigError, match="round configuration not found"):
        clean_round(tmp_path, "nothing")


def test_failed_run_keeps_earlier_outputs_whole(small_round):
    first = clean_round(small_round, ROUND)
    hashes = _hashes(first.responses_file.parent)
    (small_round / "data" / "raw" / ROUND / "kommuner.csv").write_bytes(b"")
    with pytest.raises(AnchoringError):
        clean_round(small_round, ROUND)
    assert _hashes(first.responses_file.parent) == hashes
    leftovers = [p.name for p in (small_round / "data" / "processed").iterdir()]
    assert leftovers == [ROUND]  # no staging folder left behind


def test_excluding_flagged_rows_when_configured(small_round):
    _edit_config(
        small_round,
        lambda c: c.update(
            {"cleaning": {"exclude_speeders": True, "exclude_straightliners": True}}
        ),
    )
    result = clean_round(small_round, ROUND)
    reasons = result.quality["totals"]["excluded_by_reason"]
    assert (reasons["speeder"], reasons["straightliner"]) == (1, 1)
    assert result.rows_read == result.kept_n + result.excluded_n


# --- end to end on a simulated round: the cleaned data reproduce the planted dirt -------------

SIMULATED = "sim"
TRUTH_REASONS = {
    "test": {"test_marked", "before_fieldwork"},
    "incomplete": {"incomplete"},
    "duplicate": {"duplicate"},
}


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    simulate = pytest.importorskip("anchoring.simulate")
    root = tmp_path_factory.mktemp("simulated")
    raw_dir = simulate.simulate_round(root, SIMULATED, seed=11)
    before = _hashes(raw_dir)
    result = clean_round(root, SIMULATED)
    truth = json.loads((raw_dir / "truth.json").read_text(encoding="utf-8"))
    return root, raw_dir, before, result, truth


def _redacted_comments(raw_dir):
    from anchoring.cleaning.mapping import map_source
    from anchoring.cleaning.redaction import redact_series
    from anchoring.instrument import load_instrument
    from anchoring.intake.round_config import load_round_config
    from anchoring.readers import read_export

    config = load_round_config(raw_dir / "round.yaml")
    instrument = load_instrument()
    items = [i for m in config.measure_ids(instrument) for i in instrument.item_ids(m)]
    out = {}
    for source in config.sources:
        mapped = map_source(
            read_export(raw_dir / source.file, source), source, instrument, items, "round.yaml"
        )
        redacted, _ = redact_series(mapped.frame["barriers"])
        out[source.id] = (mapped.frame["barriers"], redacted)
    return out


@pytest.mark.slow
def test_simulated_exclusions_match_the_planted_dirt(simulated):
    _, _, _, result, truth = simulated
    exclusions = pd.read_parquet(result.exclusions_file)
    found = {
        (r.source_id, r.source_row): (r.reason, r.duplicate_of_row) for r in exclusions.itertuples()
    }
    expected = {(e["source"], e["row"]): e for e in truth["expected_exclusions"]}
    assert set(found) == set(expected)  # every planted case caught, nothing else dropped
    for key, planted in expected.items():
        reason, kept_row = found[key]
        assert reason in TRUTH_REASONS[planted["reason"]], key
        if planted["reason"] == "duplicate":
            assert kept_row == planted["kept_row"], key


@pytest.mark.slow
def test_simulated_accounting_and_raw_files_untouched(simulated):
    _, raw_dir, before, result, truth = simulated
    assert _hashes(raw_dir) == before
    responses = pd.read_parquet(result.responses_file)
    exclusions = pd.read_parquet(result.exclusions_file)
    for source, facts in truth["sources"].items():
        kept = responses.loc[responses["source_id"] == source, "source_row"]
        dropped = exclusions.loc[exclusions["source_id"] == source, "source_row"]
        assert len(kept) + len(dropped) == facts["rows_n"]
        assert set(kept) | set(dropped) == set(range(1, facts["rows_n"] + 1))
        assert len(kept) == facts["kept_n"]


@pytest.mark.slow
def test_simulated_flags_match(simulated):
    _, _, _, result, truth = simulated
    responses = pd.read_parquet(result.responses_file)
    mine = set()
    for flag in ("speeder", "straightliner"):
        rows = responses.loc[responses[f"is_{flag}"], ["source_id", "source_row"]]
        mine |= {(s, int(r), flag) for s, r in rows.itertuples(index=False)}
    assert mine == {(f["source"], f["row"], f["flag"]) for f in truth["flags"]}


@pytest.mark.slow
def test_simulated_pii_redacted_must_keep_survives_themes_match(simulated):
    _, raw_dir, _, result, truth = simulated
    comments = _redacted_comments(raw_dir)
    for case in truth["pii"]:
        raw, redacted = comments[case["source"]]
        assert case["text"] in raw.iloc[case["row"] - 1]
        assert case["text"] not in redacted.iloc[case["row"] - 1], case
    for case in truth["must_keep"]:
        _, redacted = comments[case["source"]]
        assert case["text"] in redacted.iloc[case["row"] - 1], case
    responses = pd.read_parquet(result.responses_file)
    themes = [c for c in responses.columns if c.startswith("theme__")]
    checked = 0
    for source, rows in truth["barrier_themes"].items():
        part = responses[responses["source_id"] == source].set_index("source_row")
        for row, planted in rows.items():
            if int(row) in part.index:
                tagged = sorted(c.removeprefix("theme__") for c in themes if part.loc[int(row), c])
                assert tagged == sorted(planted), (source, row)
                checked += 1
    assert checked > 100
    redactions = result.quality["totals"]["redactions_by_type"]
    assert redactions["telefon"] == sum("phone" in p["kind"] for p in truth["pii"])
    assert redactions["e_post"] == sum(p["kind"] == "email" for p in truth["pii"])


@pytest.mark.slow
def test_simulated_outputs_hold_no_free_text_or_pii(simulated):
    _, raw_dir, _, result, truth = simulated
    comments = _redacted_comments(raw_dir)
    sentences = {
        s.strip()
        for raw, _ in comments.values()
        for text in raw.dropna()
        for s in text.split(".")
        if len(s.strip()) > 25
    }
    needles = sentences | {p["text"] for p in truth["pii"]}
    for path in sorted(result.responses_file.parent.iterdir()):
        data = (
            path.read_text(encoding="utf-8")
            if path.suffix == ".json"
            else json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False)
        )
        leaked = [n for n in needles if n in data]
        assert leaked == [], (path.name, leaked[:3])


def test_answers_on_another_sheet_name_the_sheets(small_round):
    import openpyxl

    path = small_round / "data" / "raw" / ROUND / "helseforetak.xlsx"
    book = openpyxl.load_workbook(path)
    info = book.create_sheet("Info", 0)
    info.append(["Verktøy", "Questback"])
    info.append(["Eksportert", "2026-03-31"])
    book.save(path)
    with pytest.raises(InputFileError) as error:
        clean_round(small_round, ROUND)
    message = str(error.value)
    assert "helseforetak.xlsx" in message and "'Svar'" in message and "'sheet'" in message
    _assert_nothing_written(small_round)


def test_iso_instants_fast_path_agrees_with_the_general_parser():
    # Arrow parses plain ISO 8601 instants with an offset; anything else goes to pandas
    from anchoring.cleaning import cells

    aware = pd.Series(
        ["2026-09-02 06:00:57Z", "2026-09-02T06:00:57+02:00", None, "2026-03-29 01:30:00.25-01:30"],
        dtype="str",
    )
    fast = cells.iso_instants(aware)
    assert fast is not None
    # what the general path does with values that carry an offset
    slow = pd.to_datetime(aware, utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    pd.testing.assert_series_equal(fast, slow)
    # local times, surrounding spaces and impossible dates are left to the general parser
    for other in (["2026-09-02 06:00:57"], [" 2026-09-02 06:00:57Z"], ["2026-02-30 06:00:57Z"]):
        assert cells.iso_instants(pd.Series(other, dtype="str")) is None


def test_plain_respondent_ids_kept_and_others_hashed():
    from anchoring.cleaning.cells import stored_respondent_ids as _respondent_ids

    plain = pd.Series(["31400011", "a-1.b_2", None], dtype="str")
    assert _respondent_ids(plain, 3).tolist()[:2] == ["31400011", "a-1.b_2"]
    mixed = _respondent_ids(pd.Series([" 7 ", "ola@x.no", "12345678901"], dtype="str"), 3)
    assert mixed.tolist()[0] == "7"  # stripped
    assert all(v.startswith("h") and len(v) == 17 for v in mixed.tolist()[1:])  # hashed

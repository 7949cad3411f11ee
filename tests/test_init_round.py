"""``init-round``: copy exports byte for byte, draft round.yaml with CONFIRM notes."""

import hashlib

import pytest
import yaml

import _cleaning_fixtures as fx
from anchoring.exceptions import InputFileError
from anchoring.intake.init_round import DRAFT_FILE, init_round
from anchoring.intake.round_config import load_round_config


@pytest.fixture
def exports(tmp_path):
    source = fx.write_small_round(tmp_path / "incoming", "x")
    return [source / "kommuner.csv", source / "helseforetak.xlsx", source / "fastleger.sav"]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_copies_files_byte_for_byte_and_writes_a_valid_draft(tmp_path, exports):
    root = tmp_path / "project"
    draft = init_round(root, "r1", exports)
    raw = root / "data" / "raw" / "r1"
    assert draft == raw / "round.yaml"
    for path in exports:
        assert _sha(raw / path.name) == _sha(path)
    config = load_round_config(draft)  # the draft validates as it is
    by_file = {s.file: s for s in config.sources}
    municipal = by_file["kommuner.csv"]
    assert (municipal.group, municipal.format, municipal.encoding, municipal.delimiter) == (
        "municipality",
        "nettskjema",
        "utf-8",
        ";",
    )
    assert municipal.columns["respondent_id"] == "$submission_id"
    assert municipal.columns["org_id"] == "kommunenr"
    assert municipal.columns["pll__nytte"] == "pll_nytte"  # codebook name
    assert municipal.values["items"] == {"9": 8, "8": 9}
    hospital = by_file["helseforetak.xlsx"]
    assert (hospital.group, hospital.header_row) == ("hospital", 3)
    # question-text headers matched to the item wording
    assert hospital.columns["pll__ressurser"] == "Vi mangler folk og budsjett til å innføre PLL."
    assert hospital.columns["org_id"] == "Helseforetak"
    gp = by_file["fastleger.sav"]
    assert gp.group == "gp" and gp.columns["municipality_id"] == "kommnr"


def test_unsure_guesses_are_marked_confirm(tmp_path, exports):
    text = init_round(tmp_path, "r1", exports).read_text(encoding="utf-8")
    lines = text.splitlines()
    # the GP export's item names say the dimension but not the measure
    gp_item = next(line for line in lines if '"q_nytte"' in line)
    assert "# CONFIRM:" in gp_item and "as similar to" in gp_item
    values = next(line for line in lines if line.strip().startswith("items:"))
    assert "# CONFIRM:" in values and "codebook" in values
    assert any("# Columns not mapped:" in line and '"tid"' in line for line in lines)
    # the exact codebook matches need no confirmation
    assert "CONFIRM" not in next(line for line in lines if '"pll_nytte"' in line)


def test_existing_round_yaml_is_left_alone(tmp_path, exports):
    raw = tmp_path / "data" / "raw" / "r1"
    raw.mkdir(parents=True)
    (raw / "round.yaml").write_text("# mine\n", encoding="utf-8")
    draft = init_round(tmp_path, "r1", exports)
    assert draft.name == DRAFT_FILE
    assert (raw / "round.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["round_id"] == "r1"


def test_same_file_twice_is_fine_a_different_one_is_refused(tmp_path, exports):
    init_round(tmp_path, "r1", exports)
    init_round(tmp_path, "r1", exports[:1])  # identical bytes: nothing to do
    other = tmp_path / "elsewhere" / "kommuner.csv"
    other.parent.mkdir()
    other.write_text('"$submission_id";"x"\n"1";"2"\n', encoding="utf-8")
    with pytest.raises(InputFileError, match="never overwritten") as error:
        init_round(tmp_path, "r1", [other])
    assert "kommuner.csv" in str(error.value)
    assert _sha(tmp_path / "data" / "raw" / "r1" / "kommuner.csv") == _sha(exports[0])


def test_missing_file_and_no_exports(tmp_path):
    with pytest.raises(InputFileError, match="file not found"):
        init_round(tmp_path, "r1", [tmp_path / "nope.csv"])
    with pytest.raises(InputFileError, match="no survey export"):
        init_round(tmp_path, "r2", [])


def test_generic_questback_and_surveyxact_exports_are_drafted(tmp_path):
    # Excel with a title row and label cells; Windows-1252 CSV with code cells (tests/_tool_exports)
    import random

    import _tool_exports as tx
    from anchoring.intake.validate import validate_round

    rows = tx._municipal_rows(random.Random(3), 30)
    folder = tmp_path / "in"
    folder.mkdir()
    files = [
        tx.write_questback_xlsx(folder / "kommuner_questback.xlsx", rows),
        tx.write_surveyxact_csv(folder / "kommuner_surveyxact.csv", rows),
    ]
    draft = init_round(tmp_path, "g1", files)
    text = draft.read_text(encoding="utf-8")
    config = load_round_config(draft)
    for source in config.sources:
        assert source.columns["respondent_id"] == "Respondent"
        assert source.columns["submitted_at"] == "Fullført"
        assert sum("__" in name for name in source.columns) == 28
    by_file = {s.file: s for s in config.sources}
    assert by_file["kommuner_questback.xlsx"].header_row == 3  # below the title rows
    assert by_file["kommuner_questback.xlsx"].values["items"]["Delvis enig"] == 4
    # bare codes 8 and 9 without labels: not guessed outside Nettskjema, left to the analyst
    assert "items" not in by_file["kommuner_surveyxact.csv"].values
    assert "# DECIDE (items): answer codes '8', '9' carry no label" in text
    decided = text.replace('# "Herøy": ""', '"Herøy": "1515"').replace(
        "    # DECIDE (items):", '    values: {items: {"8": 8, "9": 9}}\n    # (decided):'
    )
    draft.write_text(decided, encoding="utf-8")
    assert validate_round(tmp_path, "g1") == []

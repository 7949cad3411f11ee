"""The round configuration: schema, defaults, clear errors, deterministic writing."""

import copy
from pathlib import Path

import pytest
import yaml

from anchoring.exceptions import RoundConfigError
from anchoring.instrument import load_instrument
from anchoring.intake.round_config import load_round_config, write_round_config

MINIMAL = {
    "round_id": "2026-host",
    "title": {"nb": "Forankring høsten 2026", "en": "Anchoring autumn 2026"},
    "fieldwork": {"start": "2026-09-07", "end": "2026-10-16"},
    "sources": [
        {
            "id": "kommuner",
            "group": "municipality",
            "file": "kommuner.csv",
            "format": "nettskjema",
            "columns": {"org_id": "kommunenr", "pll__nytte": "pll_3"},
            "values": {"items": {9: 8, 8: 9}},
            "org_id_map": {1201: "4601"},
        }
    ],
}


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "round.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_minimal_config_gets_methodology_defaults(tmp_path):
    config = load_round_config(_write(tmp_path, MINIMAL))
    assert config.estimation.min_n == 5 and config.estimation.min_orgs == 3
    assert config.estimation.status.well_index == 65
    assert config.cleaning.min_answered_share == 0.5
    assert config.measure_ids(load_instrument()) == ["pll", "pjd", "kritisk_info", "dho"]
    # Raw codes and ids are kept as text, whatever YAML made of them.
    assert config.sources[0].values["items"] == {"9": 8, "8": 9}
    assert config.sources[0].org_id_map == {"1201": "4601"}


def test_written_config_reads_back_identically_and_deterministically(tmp_path):
    config = load_round_config(_write(tmp_path, MINIMAL))
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    write_round_config(config, first)
    write_round_config(load_round_config(first), second)
    assert first.read_bytes() == second.read_bytes()
    assert load_round_config(second) == config


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d.pop("title"), "title"),
        (lambda d: d["fieldwork"].update(end="2026-01-01"), "fieldwork"),
        (lambda d: d["sources"][0].update(group="pharmacy"), "sources.0.group"),
        (lambda d: d["sources"][0].update(file="../../etc/passwd"), "sources.0.file"),
        (lambda d: d.update(colour="blue"), "colour"),
        (lambda d: d.update(round_id="a b"), "round_id"),
        (lambda d: d.update(estimation={"min_n": 0}), "estimation.min_n"),
        (lambda d: d["sources"].append(dict(d["sources"][0])), "(top level)"),
    ],
)
def test_invalid_config_names_file_and_key(tmp_path, mutate, key):
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(RoundConfigError) as info:
        load_round_config(path)
    assert str(path) in str(info.value)
    assert f"key '{key}'" in str(info.value)


def test_columns_checked_against_instrument(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["sources"][0]["columns"]["pll__happiness"] = "x"
    data["measures"] = ["pll", "eresept"]
    config = load_round_config(_write(tmp_path, data))
    with pytest.raises(RoundConfigError) as info:
        config.check_against(load_instrument())
    message = str(info.value)
    assert "'eresept' is not a measure" in message and "'pll__happiness'" in message


def test_missing_and_non_yaml_config(tmp_path):
    with pytest.raises(RoundConfigError, match="init-round"):
        load_round_config(tmp_path / "round.yaml")
    path = tmp_path / "bad.yaml"
    path.write_text("round_id: [x", encoding="utf-8")
    with pytest.raises(RoundConfigError, match="not valid YAML"):
        load_round_config(path)


def test_a_huge_title_is_refused(tmp_path):
    """Issue 19: a 50 MB title was accepted and produced a 105 MB report."""
    data = copy.deepcopy(MINIMAL)
    data["title"]["en"] = "x" * 201
    with pytest.raises(RoundConfigError, match="title"):
        load_round_config(_write(tmp_path, data))
    data["title"]["en"] = "x" * 200
    assert load_round_config(_write(tmp_path, data)).title.en == "x" * 200


@pytest.mark.parametrize("round_id", ["base\n", "../x", "a\u202eb", ".hidden"])
def test_round_id_in_the_config_follows_the_one_rule(tmp_path, round_id):
    data = copy.deepcopy(MINIMAL)
    data["round_id"] = round_id
    with pytest.raises(RoundConfigError, match="round_id"):
        load_round_config(_write(tmp_path, data))

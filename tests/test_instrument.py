"""The instrument loader: the shipped file, and broken files with the key named."""

from pathlib import Path

import pytest
import yaml

from anchoring.exceptions import InstrumentError
from anchoring.instrument import (
    DONT_KNOW,
    NOT_APPLICABLE,
    default_instrument_path,
    load_instrument,
)


@pytest.fixture
def raw_instrument() -> dict:
    return yaml.safe_load(default_instrument_path().read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "instrument.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_instrument_has_the_steg2_measures_and_dimensions():
    instrument = load_instrument()
    assert instrument.measure_ids == ["pll", "pjd", "kritisk_info", "dho"]
    assert instrument.dimension_ids == [
        "kjennskap",
        "prioritet",
        "nytte",
        "ledelse",
        "ressurser",
        "medvirkning",
        "beredskap",
    ]
    assert instrument.group_ids == ["municipality", "hospital", "gp"]
    assert len(instrument.item_ids()) == 4 * 7


def test_items_are_templated_in_both_languages():
    item = load_instrument().item("pll__beredskap")
    assert item.measure == "pll" and item.dimension == "beredskap"
    assert "PLL" in item.text["nb"] and "PLL" in item.text["en"]
    assert "{measure}" not in item.text["nb"]


def test_scale_codes_and_labels():
    instrument = load_instrument()
    assert [p.code for p in instrument.points] == [1, 2, 3, 4, 5]
    assert instrument.label(3, "nb") == "Verken enig eller uenig"
    assert instrument.label(DONT_KNOW, "nb") == "Vet ikke"
    assert instrument.label(NOT_APPLICABLE, "en") == "Not applicable"
    assert instrument.agree_codes == (4, 5)


def test_reverse_keyed_dimension_is_flagged():
    instrument = load_instrument()
    assert [d.id for d in instrument.dimensions if d.reverse_keyed] == ["ressurser"]


def test_roles_and_themes_present():
    instrument = load_instrument()
    assert {r.id for r in instrument.roles["municipality"]} >= {"kommuneoverlege", "it_leder"}
    assert "okonomi" in instrument.theme_ids()
    assert all(t.keywords_nb for t in instrument.themes)


def test_adding_a_measure_is_an_edit_to_the_file(tmp_path, raw_instrument):
    raw_instrument["measures"].append(
        {
            "id": "eresept",
            "name": {"nb": "E-resept", "en": "E-prescription"},
            "short": {"nb": "e-resept", "en": "e-prescription"},
            "description": {"nb": "Elektronisk resept.", "en": "Electronic prescription."},
        }
    )
    instrument = load_instrument(_write(tmp_path, raw_instrument))
    assert instrument.measure_ids[-1] == "eresept"
    assert "eresept__nytte" in instrument.item_ids()


def test_retiring_a_measure_keeps_it_readable(tmp_path, raw_instrument):
    raw_instrument["measures"][3]["active"] = False
    instrument = load_instrument(_write(tmp_path, raw_instrument))
    assert "dho" not in instrument.measure_ids
    assert instrument.measure("dho").name["en"] == "Data sharing for digital home follow-up"


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d.pop("measures"), "measures"),
        (lambda d: d["measures"][1]["name"].pop("en"), "measures[1].name.en"),
        (lambda d: d["measures"][0].update(id="PLL mål"), "measures[0].id"),
        (lambda d: d["measures"].append(dict(d["measures"][0])), "measures"),
        (
            lambda d: d["dimensions"][2]["item"].update(nb="Uten plassholder."),
            "dimensions[2].item.nb",
        ),
        (lambda d: d["dimensions"][0].update(reverse_keyed="ja"), "dimensions[0].reverse_keyed"),
        (lambda d: d["scale"]["points"].pop(), "scale.points"),
        (lambda d: d["scale"]["non_substantive"][0].update(code=7), "scale.non_substantive"),
        (
            lambda d: d["barriers"]["themes"][0].update(keywords_nb=[]),
            "barriers.themes[0].keywords_nb",
        ),
        (lambda d: d["background"]["role"]["options"].pop("gp"), "background.role.options.gp"),
        (lambda d: [m.update(active=False) for m in d["measures"]], "measures"),
    ],
)
def test_broken_instrument_names_the_key(tmp_path, raw_instrument, mutate, key):
    mutate(raw_instrument)
    path = _write(tmp_path, raw_instrument)
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    message = str(info.value)
    assert str(path) in message
    assert f"'{key}'" in message


def test_instrument_that_is_not_yaml(tmp_path):
    path = tmp_path / "instrument.yaml"
    path.write_text("measures: [unclosed", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not valid YAML"):
        load_instrument(path)


def test_missing_instrument_file(tmp_path):
    with pytest.raises(InstrumentError, match="not found"):
        load_instrument(tmp_path / "nope.yaml")


def test_other_role_is_separate_from_each_groups_roles():
    instrument = load_instrument()
    assert instrument.other_role.id == "annet"
    assert instrument.other_role.label == {"nb": "Annet", "en": "Other"}
    assert "Andre" in instrument.other_role_aliases
    assert all("annet" not in {r.id for r in roles} for roles in instrument.roles.values())
    assert [r.id for r in instrument.roles["gp"]] == ["fastlege"]

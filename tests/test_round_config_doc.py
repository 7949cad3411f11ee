"""The round.yaml reference page is generated from the schema and must be current."""

from __future__ import annotations

from anchoring.intake.round_config import METADATA_FIELDS, CleaningRules, Source
from anchoring.intake.round_config_doc import DOC_PATH, main, render_round_yaml_reference
from anchoring.paths import find_project_root


def test_the_reference_page_is_current():
    page = (find_project_root() / DOC_PATH).read_text(encoding="utf-8")
    assert page == render_round_yaml_reference(), (
        "docs/round-yaml.md is not current: run `python -m anchoring.intake.round_config_doc`"
    )


def test_every_key_is_documented_with_a_description():
    page = render_round_yaml_reference()
    for model in (Source, CleaningRules):
        for key, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{key} has no description"
            assert f"| `{key}` |" in page
    for field in METADATA_FIELDS:
        assert f"`{field}`" in page
    assert "`test_values`" in page and "`complete_values`" in page


def test_check_mode_fails_on_a_stale_page(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / DOC_PATH).write_text("stale", encoding="utf-8")
    assert main(["--root", str(tmp_path), "--check"]) == 1
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--root", str(tmp_path), "--check"]) == 0

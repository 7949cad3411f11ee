"""The one text catalog (instrument/texts.yaml): both languages, no unused key, no missing key."""

import re
import string
from pathlib import Path

import pytest

import anchoring
from anchoring.exceptions import InstrumentError
from anchoring.instrument import LANGUAGES
from anchoring.texts import CATALOG_PATH, catalog, dynamic_keys, load_catalog, text
from anchoring.yaml_io import parse_yaml

PACKAGE = Path(anchoring.__file__).parent
RAW = parse_yaml(CATALOG_PATH.read_text(encoding="utf-8"))


def _source() -> str:
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.j2")]
    return "\n".join(f.read_text(encoding="utf-8") for f in sorted(files))


def _fields(phrase: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name}


@pytest.mark.parametrize("key", sorted(RAW))
def test_every_key_has_both_languages_and_the_same_fields(key):
    entry = RAW[key]
    assert set(entry) == set(LANGUAGES)
    assert all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGUAGES)
    assert _fields(entry["nb"]) == _fields(entry["en"])


def test_no_key_is_unused():
    literals = set(re.findall(r"""["']([a-z0-9_]+)["']""", _source()))
    unused = sorted(set(RAW) - literals - dynamic_keys())
    assert not unused, f"keys of {CATALOG_PATH.name} that no module uses: {unused}"


def test_every_dynamic_key_is_in_the_catalog():
    assert not sorted(dynamic_keys() - set(RAW))


def test_every_literal_key_the_code_asks_for_exists():
    asked = set(
        re.findall(r"""\b(?:text|_t|_phrase)\(\s*(?:report,\s*)?["']([a-z0-9_]+)["']""", _source())
    )
    assert asked, "the scan found no call: the pattern is out of date"
    assert not sorted(asked - set(catalog()))


def test_text_fills_fields_and_leaves_a_text_without_fields_as_written():
    assert text("note_suppressed", "nb", min_n=5, min_orgs=3).startswith(
        ": Skjult fordi gruppen har færre enn 5 svar"
    )
    assert text("month_3", "nb") == "mars" and text("month_3", "en") == "March"
    assert "{min_n}" in text("note_suppressed", "en")


def test_a_missing_language_is_refused_naming_the_file_and_key(tmp_path):
    path = tmp_path / "texts.yaml"
    path.write_text("greeting:\n  nb: Hei\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"texts\.yaml.*'greeting'.*missing"):
        load_catalog(path)


@pytest.mark.parametrize("key", sorted(RAW))
def test_a_per_cent_sign_follows_each_languages_convention(key):
    # as anchoring.report.numbers writes numbers: «95 %» in bokmål, "95%" in English
    nb, en = RAW[key]["nb"], RAW[key]["en"]
    assert not re.search(r"[\d}]%", nb), nb
    assert not re.search(r"[\d}] %", en), en

"""Property-based tests (hypothesis) of the readers and the label matching.

1. Random valid exports (CSV in several delimiters, encodings, quotings and line ends; xlsx;
   SPSS with value labels), with answers spelt in random but legitimate ways, read and mapped,
   give back exactly the coded table they were written from (items, organisation, role, comment).
2. Any spelling variant of a scale label (case, spacing, no-break spaces, «Hverken», a code
   before or after, trailing punctuation) codes to its internal code.
3. Random byte mutations of a valid export (and of the sheet XML inside an xlsx) run through
   ``validate_round`` (read, map, labels, organisations) and, when it finds nothing wrong,
   ``clean_round``, never raise anything but the project's own
   :class:`~anchoring.exceptions.AnchoringError`; the raw file is unchanged afterwards.

Examples are bounded (``max_examples`` 60-150, ``deadline=None``) so the module stays fast.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
import traceback
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from anchoring.cleaning import clean_round
from anchoring.cleaning.answer_codes import ColumnCoding, scale_lookup
from anchoring.cleaning.mapping import map_source
from anchoring.exceptions import AnchoringError
from anchoring.instrument import load_instrument
from anchoring.intake.round_config import Source
from anchoring.intake.validate import validate_round
from anchoring.readers import read_export
from reliability_report import record
from test_corpus import CORPUS, packaged_data_loaded_once, tree_digest, write_case_round

INSTRUMENT = load_instrument()
ITEMS = INSTRUMENT.item_ids("pll")
ITEM_COLUMNS = [f"q{i + 1}" for i in range(len(ITEMS))]
CODES = (1, 2, 3, 4, 5, 8, 9)
LABELS = {
    p.code: (p.label["nb"], p.label["en"]) for p in INSTRUMENT.points + INSTRUMENT.non_substantive
}
ROLES = {r.id: (r.label["nb"], r.label["en"]) for r in INSTRUMENT.roles["municipality"]}
ORGS = ("0301", "4601", "1103", "5001", "3301", "5501")
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
"""Report the first failing example as found: shrinking a known failure costs minutes."""
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


@pytest.fixture(scope="module", autouse=True)
def _packaged_data_once():
    with packaged_data_loaded_once():
        yield


# ----------------------------------------------------------------------------------------------
# label spellings


@st.composite
def spelled(draw: st.DrawFn, code: int) -> str:
    """A legitimate spelling of the answer ``code`` as an export might write it."""
    label = draw(st.sampled_from(LABELS[code]))
    if code in (1, 2, 3, 4, 5):
        label = draw(
            st.sampled_from(
                [label, str(code), f"{code} - {label}", f"{code}. {label}", f"{label} ({code})"]
            )
        )
    label = label.replace("Verken", draw(st.sampled_from(["Verken", "Hverken", "verken"])))
    case = draw(st.sampled_from([str, str.upper, str.lower, str.capitalize]))
    label = case(label)
    space = draw(st.sampled_from([" ", "  ", "\u00a0", " \u00a0"]))
    label = label.replace(" ", space)
    pad = draw(st.sampled_from(["", " ", "\u00a0"]))
    return pad + label + draw(st.sampled_from(["", ".", " "]))


@given(data=st.data(), code=st.sampled_from(CODES))
@settings(max_examples=200, deadline=None, derandomize=True, phases=NO_SHRINK)
def test_label_variants_code_to_their_code(data: st.DataObject, code: int) -> None:
    text = data.draw(spelled(code))
    coding = ColumnCoding({}, {}, frozenset(), scale_lookup(INSTRUMENT))
    assert coding.code_of(text) == code, text


# ----------------------------------------------------------------------------------------------
# round trip of random valid exports

_TEXT = st.text(alphabet=st.sampled_from(list("abc XYZ æøåÆØÅ;,.\"'\n-=+@<>/12€«»")), max_size=40)


@st.composite
def tables(draw: st.DrawFn) -> dict:
    """A random coded table: ids, organisations, roles, item codes (or None), comments."""
    n = draw(st.integers(1, 12))
    answer = st.one_of(st.sampled_from(CODES), st.none())
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": f"R{i + 1}",
                "org": draw(st.sampled_from(ORGS)),
                "role": draw(st.sampled_from(sorted(ROLES))),
                "answers": [draw(answer) for _ in ITEMS],
                "text": draw(_TEXT),
            }
        )
    return {"rows": rows}


def _header() -> list[str]:
    return ["id", "kommunenr", "rolle", *ITEM_COLUMNS, "barrierer"]


def _cells(draw: st.DrawFn, table: dict) -> list[list[str]]:
    out = [_header()]
    for row in table["rows"]:
        answers = ["" if a is None else draw(spelled(a)) for a in row["answers"]]
        role = draw(st.sampled_from(ROLES[row["role"]]))
        out.append([row["id"], row["org"], role, *answers, row["text"]])
    return out


def _write_csv(draw: st.DrawFn, table: dict, path: Path) -> dict:
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerows(_cells(draw, table))
    path.write_bytes(buffer.getvalue().encode(encoding))
    return {"format": "csv"}


def _write_xlsx(draw: st.DrawFn, table: dict, path: Path) -> dict:
    book = openpyxl.Workbook()
    sheet = book.active
    title = draw(st.booleans())
    if title:
        sheet.append(["Eksport av svar"])
        sheet.append([])
    for row in _cells(draw, table):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"  # text that looks like a formula stays text
    book.save(path)
    return {"format": "xlsx"}


def _write_sav(draw: st.DrawFn, table: dict, path: Path) -> dict:
    frame = pd.DataFrame(
        {
            "id": [r["id"] for r in table["rows"]],
            "kommunenr": [float(r["org"]) for r in table["rows"]],
            "rolle": [ROLES[r["role"]][0] for r in table["rows"]],
            **{
                column: [
                    np.nan if r["answers"][j] is None else float(r["answers"][j])
                    for r in table["rows"]
                ]
                for j, column in enumerate(ITEM_COLUMNS)
            },
            "barrierer": [r["text"].replace("€", "e") for r in table["rows"]],
        }
    )
    labels = {float(c): draw(st.sampled_from(LABELS[c])) for c in CODES}
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels=dict.fromkeys(ITEM_COLUMNS, labels),
        missing_ranges={key: [8.0, 9.0] for key in ITEM_COLUMNS},
    )
    return {"format": "sav"}


WRITERS = {"csv": _write_csv, "xlsx": _write_xlsx, "sav": _write_sav}


def _source(file: str, fmt: str) -> Source:
    columns = {
        "respondent_id": "id",
        "org_id": "kommunenr",
        "role": "rolle",
        **dict(zip(ITEMS, ITEM_COLUMNS, strict=True)),
        "barriers": "barrierer",
    }
    return Source(id="s", group="municipality", file=file, format=fmt, columns=columns)


def _expected_text(text: str, fmt: str) -> str | None:
    text = (text.replace("€", "e") if fmt == "sav" else text).strip()
    return text or None


@given(data=st.data(), table=tables(), fmt=st.sampled_from(sorted(WRITERS)))
@SETTINGS
def test_random_valid_exports_round_trip(data: st.DataObject, table: dict, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{fmt}"
        WRITERS[fmt](data.draw, table, path)
        raw = read_export(path, _source(path.name, fmt))
        mapped = map_source(raw, _source(path.name, fmt), INSTRUMENT, ITEMS, "round.yaml")
    frame = mapped.frame
    assert len(frame) == len(table["rows"])
    assert [u.value for u in mapped.unknown_labels()] == []
    for i, row in enumerate(table["rows"]):
        got = [None if pd.isna(v) else int(v) for v in frame.loc[i, ITEMS]]
        assert got == row["answers"], (i, row)
        assert frame.loc[i, "org_raw"].zfill(4) == row["org"]
        assert frame.loc[i, "role"] == row["role"]
        assert frame.loc[i, "respondent_id"] == row["id"]
        text = frame.loc[i, "barriers"]
        got_text = None if pd.isna(text) else text.strip()
        # A blank comment must be <NA> (RawTable contract); other text compares trimmed.
        assert got_text == _expected_text(row["text"], fmt), (i, text)
    record("roundtrip", {"format": fmt, "rows": len(frame)})


# ----------------------------------------------------------------------------------------------
# mutations

_SEEDS = {"csv": "base.csv", "xlsx": "plain.xlsx", "sav": "codes.sav"}
_CASES = {
    "csv": "base_round_analysed",
    "xlsx": "xlsx_plain",
    "sav": "sav_codes_with_labels",
}


@st.composite
def mutations(draw: st.DrawFn, size: int) -> list[tuple[str, int, int]]:
    """A short list of byte edits: (kind, position, byte or length)."""
    kinds = st.sampled_from(["flip", "set", "insert", "delete", "truncate", "repeat"])
    edit = st.tuples(kinds, st.integers(0, max(size - 1, 0)), st.integers(0, 255))
    return draw(st.lists(edit, min_size=1, max_size=6))


def mutate(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    """Apply the edits in order (positions wrap around the current length)."""
    out = bytearray(data)
    for kind, position, value in edits:
        if not out:
            break
        at = position % len(out)
        if kind == "flip":
            out[at] ^= 1 << (value % 8)
        elif kind == "set":
            out[at] = value
        elif kind == "insert":
            out[at:at] = bytes([value]) * (1 + value % 4)
        elif kind == "delete":
            del out[at : at + 1 + value % 16]
        elif kind == "truncate":
            del out[at:]
        else:
            out[at:at] = out[at : at + 1 + value]
    return bytes(out)


def _mutate_xlsx_sheet(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    """Mutate the worksheet XML inside the workbook and zip it again (reaches the parser)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet") or info.filename.endswith(
                "sharedStrings.xml"
            ):
                content = mutate(content, edits)
            target.writestr(info.filename, content)
    return out.getvalue()


def _run_mutant(fmt: str, payload: bytes, inner: bool) -> None:
    entry = next(c for c in _load_cases() if c["id"] == _CASES[fmt])
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        raw = write_case_round(root, entry)
        (raw / _SEEDS[fmt]).write_bytes(payload)
        before = tree_digest(raw)
        outcome = "ok"
        try:
            problems = validate_round(root, "c")
            if problems:
                outcome = "reported"
            else:
                clean_round(root, "c")
        except AnchoringError as exc:
            outcome = type(exc).__name__
        except Exception as exc:
            tail = "".join(traceback.format_exception(exc)[-2:])
            record("mutation", {"format": fmt, "inner": inner, "outcome": "crash", "tail": tail})
            raise
        finally:
            assert tree_digest(raw) == before
        record("mutation", {"format": fmt, "inner": inner, "outcome": outcome})


@functools.cache
def _load_cases() -> list[dict]:
    import yaml

    return yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("fmt", "inner", "examples"),
    [("csv", False, 150), ("xlsx", False, 50), ("xlsx", True, 100), ("sav", False, 100)],
    ids=["csv", "xlsx-bytes", "xlsx-sheet-xml", "sav"],
)
def test_mutated_exports_raise_only_project_errors(fmt: str, inner: bool, examples: int) -> None:
    seed = (CORPUS / "files" / _SEEDS[fmt]).read_bytes()

    @given(edits=mutations(len(seed)))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        phases=NO_SHRINK,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def check(edits: list[tuple[str, int, int]]) -> None:
        payload = _mutate_xlsx_sheet(seed, edits) if inner else mutate(seed, edits)
        _run_mutant(fmt, payload, inner)

    check()


def test_mutation_helper_changes_bytes() -> None:
    """The mutator really edits (guards against a campaign that tests the seed 150 times)."""
    seed = b"abcdefgh"
    assert mutate(seed, [("flip", 0, 0)]) == b"`bcdefgh"
    assert mutate(seed, [("truncate", 3, 0)]) == b"abc"
    assert mutate(seed, [("delete", 2, 1)]) == b"abefgh"


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_blank_comment_is_missing_in_every_format(fmt: str, tmp_path: Path) -> None:
    """A comment of only spaces is an empty cell (<NA>) whichever format carries it."""
    table = {
        "rows": [
            {
                "id": "R1",
                "org": "0301",
                "role": "it_leder",
                "answers": [4] * len(ITEMS),
                "text": "   ",
            }
        ]
    }
    path = tmp_path / f"export.{fmt}"
    WRITERS[fmt](lambda strategy: strategy.example(), table, path)
    raw = read_export(path, _source(path.name, fmt))
    assert raw.frame["barrierer"].isna().all(), repr(raw.frame["barrierer"].iloc[0])

"""Hostile inputs: every export of ``tests/corpus/`` through ``clean_round`` (and the analysis).

Each case of ``tests/corpus/cases.yaml`` becomes a round ``c`` in ``tmp_path`` (its files copied,
its ``sources`` in a round.yaml with fieldwork 2026-03-01..31 and measure ``pll``). It must end as
the manifest says: one :class:`~anchoring.exceptions.AnchoringError` naming the file with the
expected fragments (and nothing written to ``data/processed``), or the expected rows and values.
Never a traceback; the raw files are byte-identical afterwards. ``anchoring validate`` on the same
round must not crash either and must agree (exit 1 for an error case, 0 for an ok case).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import shutil
import traceback
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

from anchoring import cli
from anchoring.analysis import analyse_round
from anchoring.cleaning import clean_round
from anchoring.exceptions import AnchoringError
from reliability_report import record

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
ROUND_ID = "c"


def write_case_round(root: Path, entry: dict) -> Path:
    """Lay out one corpus case as round ``c`` under ``root``; return its raw folder."""
    raw = root / "data" / "raw" / ROUND_ID
    raw.mkdir(parents=True)
    for name in entry["files"]:
        shutil.copyfile(CORPUS / "files" / name, raw / name)
    config = {
        "round_id": ROUND_ID,
        "title": {"nb": "Korpus", "en": "Corpus"},
        "fieldwork": {"start": "2026-03-01", "end": "2026-03-31"},
        "measures": ["pll"],
        "sources": entry["sources"],
    }
    (raw / "round.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return raw


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_case(root: Path, analyse: bool) -> dict:
    """Clean (and analyse) round ``c``; the outcome as a dict (never raises)."""
    try:
        result = clean_round(root, ROUND_ID)
        if analyse:
            analyse_round(root, ROUND_ID)
    except AnchoringError as exc:
        return {"outcome": "error", "error_class": type(exc).__name__, "message": str(exc)}
    except Exception as exc:  # the finding this suite exists for
        tail = traceback.format_exception(exc)[-3:]
        return {"outcome": "crash", "error_class": type(exc).__name__, "message": "".join(tail)}
    return {"outcome": "ok", "kept": result.kept_n, "excluded": result.excluded_n}


@contextlib.contextmanager
def packaged_data_loaded_once() -> Iterator[None]:
    """Load the packaged instrument and frames once while the block runs (speed only).

    Both are immutable package data; the package reparses them (pure-Python YAML) on every
    ``clean_round``, ``analyse_round`` and ``validate_round`` call, which would make the corpus
    and mutation tests several times slower.
    """
    import anchoring.analysis.round as analysis_round
    import anchoring.cleaning.clean as clean
    import anchoring.frames as frames
    import anchoring.instrument as instrument

    cached_instrument = functools.lru_cache(maxsize=1)(instrument.load_instrument)
    real_frames = frames.load_frames
    default_frames = real_frames({})

    def load_frames(overrides: dict | None = None) -> object:
        return default_frames if not overrides else real_frames(overrides)

    with pytest.MonkeyPatch.context() as patch:
        for module in (clean, analysis_round, instrument):
            patch.setattr(module, "load_instrument", lambda path=None: cached_instrument(path))
        for module in (clean, analysis_round, frames):
            patch.setattr(module, "load_frames", load_frames)
        yield


@pytest.fixture(scope="module", autouse=True)
def _packaged_data_once() -> Iterator[None]:
    with packaged_data_loaded_once():
        yield


def _class_names(name: str) -> set[str]:
    import anchoring.exceptions as exceptions

    cls = getattr(exceptions, name)
    return {c.__name__ for c in cls.__subclasses__()} | {name}


def _check_error(entry: dict, got: dict, root: Path) -> None:
    expected = entry["expected"]
    assert got["outcome"] == "error", f"expected an error, got {got}"
    assert got["error_class"] in _class_names(expected["error_class"]), got
    message = got["message"].casefold()
    for fragment in expected["message"]:
        assert fragment.casefold() in message, f"{fragment!r} not in: {got['message']}"
    if "names" in expected:
        assert expected["names"].casefold() in message, f"file not named: {got['message']}"
    for text in expected.get("forbidden", []):  # personal data quoted from a raw cell
        assert text.casefold() not in message, f"{text!r} shown in: {got['message']}"
    assert "traceback" not in message
    processed = root / "data" / "processed"
    left = sorted(p.name for p in processed.iterdir()) if processed.exists() else []
    assert left == [], f"partial output left in data/processed: {left}"


def _string_cells(frame: pd.DataFrame) -> list[str]:
    out = []
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            out += [str(v) for v in frame[column].dropna()]
    return [*out, *map(str, frame.columns)]


def _check_values(expected: dict, root: Path) -> None:
    processed = root / "data" / "processed" / ROUND_ID
    responses = pd.read_parquet(processed / "responses.parquet")
    exclusions = pd.read_parquet(processed / "exclusions.parquet")
    for check in expected["values"]:
        row = responses[responses["source_row"] == check["source_row"]]
        assert len(row) == 1, f"source_row {check['source_row']} not kept once"
        assert str(row[check["column"]].iloc[0]) == check["value"], check
    for reason, n in expected.get("excluded_reasons", {}).items():
        assert int((exclusions["reason"] == reason).sum()) == n, (reason, exclusions)
    written = "\n".join(
        _string_cells(responses)
        + _string_cells(exclusions)
        + [(processed / "quality.json").read_text(encoding="utf-8")]
    )
    for text in expected.get("forbidden", []):
        assert text not in written, f"{text!r} reached data/processed"


def check_suppression(root: Path) -> int:
    """Assert no estimate of a cell under ``min_n`` or ``min_orgs`` is shown; count the cells."""
    estimates = pd.read_parquet(root / "data" / "processed" / ROUND_ID / "estimates.parquet")
    small = estimates[
        (estimates["n"].fillna(0) < 5)
        | ((estimates["n_orgs"].fillna(0) < 3) & (estimates["group"] != "gp"))
    ]
    small = small[~small["statistic"].isin(["response_rate", "weighting_efficiency"])]
    shown = small[small["estimate"].notna()]
    assert shown.empty, f"small cells published:\n{shown.head(10).to_string()}"
    return len(small)


def _check_ok(entry: dict, got: dict, root: Path) -> None:
    expected = entry["expected"]
    assert got["outcome"] == "ok", f"expected ok, got {got['error_class']}: {got['message']}"
    assert got["kept"] == expected["kept"], got
    if expected["excluded"] is not None:
        assert got["excluded"] == expected["excluded"], got
    _check_values(expected, root)
    if expected.get("analyse"):
        check_suppression(root)


def _validate_exit(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    try:
        status = cli.main(["validate", "--root", str(root), "--round", ROUND_ID])
    except SystemExit as exc:  # pragma: no cover - argparse
        status = int(exc.code or 0)
    except Exception as exc:  # a crash of validate: reported as a traceback, exit -1
        return -1, "Traceback: " + "".join(traceback.format_exception(exc)[-2:])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.mark.parametrize("entry", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(entry: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = write_case_round(tmp_path, entry)
    before = tree_digest(raw)
    got = run_case(tmp_path, bool(entry["expected"].get("analyse")))
    status, output = _validate_exit(tmp_path, capsys)
    record(
        "corpus",
        {
            "case": entry["id"],
            "expected": entry["expected"]["outcome"],
            "validate_exit": status,
            **got,
        },
    )
    assert tree_digest(raw) == before, "a raw file was changed"
    if got["outcome"] == "crash":
        pytest.fail(f"traceback instead of a clear error:\n{got['message']}")
    if entry["expected"]["outcome"] == "error":
        _check_error(entry, got, tmp_path)
    else:
        _check_ok(entry, got, tmp_path)
    assert "Traceback" not in output
    assert status == (1 if entry["expected"]["outcome"] == "error" else 0), output


def test_corpus_size_and_files() -> None:
    """The issue asks for at least 40 cases, each file present and each case id unique."""
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)
    for entry in CASES:
        for name in entry["files"]:
            assert (CORPUS / "files" / name).is_file(), name


def test_corpus_is_regenerated_identically(tmp_path: Path) -> None:
    """make_corpus.py writes the committed files byte for byte (deterministic generator)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    module.write_corpus(tmp_path / "files", tmp_path / "cases.yaml")
    assert tree_digest(tmp_path / "files") == tree_digest(CORPUS / "files")
    assert (tmp_path / "cases.yaml").read_bytes() == (CORPUS / "cases.yaml").read_bytes()

"""The analyst's decisions in round.yaml (issue #14).

Answer time in seconds, unfinished answers, identity resubmissions, ``exclude``, the «other» role,
lenient numbers, problems collected in one pass, and the review lists
(:mod:`anchoring.cleaning.review`).

Unit tests use small hand-built :class:`RawTable` exports; the end-to-end test cleans a one-source
round written here (a Qualtrics-like CSV: ``Finished``, ``Duration (in seconds)``,
``RecipientEmail``, following Qualtrics' documented export columns,
https://www.qualtrics.com/support/survey-platform/data-and-analysis-module/data/download-data/understanding-your-dataset/).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import _cleaning_fixtures as fx
from anchoring.cleaning import clean_round
from anchoring.cleaning.mapping import map_source
from anchoring.cleaning.review import find_probable_resubmissions, find_probable_tests
from anchoring.cleaning.rules import mark_analyst_exclusions, mark_resubmissions
from anchoring.exceptions import RoundConfigError
from anchoring.instrument import load_instrument
from anchoring.intake.round_config import Source
from anchoring.intake.validate import check_round
from anchoring.readers import RawTable

INSTRUMENT = load_instrument()
ITEMS = fx.ITEMS
EMAIL = "Kari.Nordmann@Example.no"


def _raw(rows: list[dict], name: str = "export.csv") -> RawTable:
    return RawTable(pd.DataFrame(rows, dtype="str"), Path(name), "csv")


def _row(i: int, **extra: str) -> dict:
    base = {
        "ResponseId": f"R_{i}",
        "RecordedDate": f"2026-03-0{i} 10:00:00",
        "Kommune": "0301",
        **{f"q{j}": "4" for j in range(len(ITEMS))},
    }
    return {**base, **extra}


def _source(**changes: object) -> Source:
    spec = {
        "id": "kommuner",
        "group": "municipality",
        "file": "export.csv",
        "columns": {
            "respondent_id": "ResponseId",
            "submitted_at": "RecordedDate",
            "org_id": "Kommune",
            **{item: f"q{j}" for j, item in enumerate(ITEMS)},
        },
    }
    columns = changes.pop("columns", {})
    spec["columns"] = {**spec["columns"], **columns}
    return Source.model_validate({**spec, **changes})


def _map(rows: list[dict], **changes: object):
    return map_source(_raw(rows), _source(**changes), INSTRUMENT, ITEMS, "round.yaml")


def test_answer_time_in_seconds_is_read_as_milliseconds():
    rows = [_row(1, Duration="312"), _row(2, Duration="45.5")]
    mapped = _map(rows, columns={"answer_time_s": "Duration"})
    assert mapped.frame["answer_time_ms"].tolist() == [312000.0, 45500.0]


def test_is_complete_reads_complete_values_case_insensitively():
    rows = [_row(1, Finished="TRUE"), _row(2, Finished="False"), _row(3, Finished="0")]
    mapped = _map(rows, columns={"is_complete": "Finished"}, complete_values=["true", "1"])
    assert mapped.frame["is_complete"].tolist() == [True, False, False]


def test_identity_is_hashed_and_equal_for_spelling_variants():
    rows = [_row(1, Email=EMAIL), _row(2, Email=f"  {EMAIL.lower()} "), _row(3, Email="")]
    mapped = _map(rows, columns={"identity": "Email"})
    hashes = mapped.frame["identity"]
    assert hashes[0] == hashes[1] == hashlib.sha256(EMAIL.casefold().encode()).hexdigest()
    assert pd.isna(hashes[2])
    assert not mapped.frame.astype(str).apply(lambda c: c.str.contains("@")).any().any()


def test_unknown_role_is_other_with_a_counted_warning_and_other_labels_map_for_every_group():
    rows = [_row(1, Rolle="Annet"), _row(2, Rolle="Andre"), _row(3, Rolle="Vaktmester")]
    rows.append(_row(4, Rolle="kari@example.no"))
    mapped = _map(rows, columns={"role": "Rolle"})
    assert mapped.frame["role"].tolist() == ["annet"] * 4
    (warning,) = mapped.warnings
    assert (warning.kind, warning.rows_n) == ("role_other", 2)
    assert "kari@example.no" not in warning.describe("export.csv")
    assert "[e-post]" in warning.describe("export.csv")
    assert "values" not in warning.as_record()
    for group in ("hospital", "gp"):
        source = _source(group=group, columns={"role": "Rolle"})
        if group == "gp":
            source = _source(
                group="gp",
                columns={"role": "Rolle", "municipality_id": "Kommune"},
            )
        raw = _raw([_row(1, Rolle="Other")])
        assert map_source(raw, source, INSTRUMENT, ITEMS, "r").frame["role"][0] == "annet"


def test_gp_without_role_column_is_a_fastlege():
    source = Source.model_validate(
        {
            "id": "gp",
            "group": "gp",
            "file": "x.csv",
            "columns": {"municipality_id": "Kommune", ITEMS[0]: "q0"},
        }
    )
    mapped = map_source(_raw([_row(1)]), source, INSTRUMENT, ITEMS, "r")
    assert mapped.frame["role"].tolist() == ["fastlege"]


def test_practice_size_values_map_and_non_numbers_become_missing_with_a_warning():
    rows = [_row(1, Size="ca 6"), _row(2, Size="4"), _row(3, Size="mange"), _row(4, Size="")]
    mapped = _map(rows, columns={"practice_size": "Size"}, values={"practice_size": {"ca 6": 6}})
    sizes = mapped.frame["practice_size"].to_numpy()
    assert sizes[:2].tolist() == [6.0, 4.0] and np.isnan(sizes[2:]).all()
    (warning,) = mapped.warnings
    assert (warning.kind, warning.rows_n, warning.values) == ("not_a_number", 1, ("mange",))
    assert mapped.problems == []


def test_map_source_collects_every_problem_instead_of_raising_the_first():
    rows = [_row(1, RecordedDate="not a date")]
    mapped = _map(
        rows,
        columns={"barriers": "No such column"},
        values={"role": {"x": "no_such_role"}},
        exclude={"R_404": "gone", "12345678901": "masked"},
    )
    text = "\n".join(str(p) for p in mapped.problems)
    assert "'No such column' (for barriers) not found" in text
    assert "must hold dates" in text
    assert "R_404" in text and "12345678901" not in text
    assert len(mapped.problems) == 3  # values.role applies only when a role column is mapped
    with pytest.raises(Exception, match="must hold dates"):
        mapped.raise_problems()


def test_bad_role_target_suggests_role_codes_of_the_group():
    mapped = _map([_row(1, Rolle="Sjef")], columns={"role": "Rolle"}, values={"role": {"Sjef": 3}})
    (problem,) = mapped.problems
    assert isinstance(problem, RoundConfigError)
    assert "kommuneoverlege" in str(problem) and "Ikke relevant" not in str(problem)


def test_analyst_exclusions_match_export_ids_or_row_keys():
    ids = pd.Series(["a1", None, "a3"], dtype="str")
    excluded, notes, missing = mark_analyst_exclusions(
        ids, np.array([1, 2, 3]), {"a3": "test", "row2": "wrong org", "zz": "?"}
    )
    assert excluded.tolist() == [False, True, True]
    assert notes.tolist() == [None, "wrong org", "test"]
    assert missing == ["zz"]


def test_resubmissions_keep_the_latest_by_time_then_row():
    identity = pd.Series(["a", "a", "b", None, "a"], dtype="str")
    at = pd.Series(
        pd.to_datetime(
            ["2026-03-05", "2026-03-02", "2026-03-02", "2026-03-02", "2026-03-05"], utc=True
        )
    )
    rows = pd.Series([1, 2, 3, 4, 5])
    dropped, kept = mark_resubmissions(identity, at, rows, np.ones(5, dtype=bool))
    assert dropped.tolist() == [True, True, False, False, False]
    assert kept.tolist() == [5, 5, 0, 0, 0]
    only = np.array([True, True, True, True, False])  # row 5 already excluded
    dropped, kept = mark_resubmissions(identity, at, rows, only)
    assert dropped.tolist() == [False, True, False, False, False] and kept[1] == 1


def test_probable_tests_from_text_organisation_and_status():
    rows = [
        _row(1, Tekst="TEST – ikke ta med"),
        _row(2, Tekst="Vi trenger mer opplæring"),
        _row(3, Kommune="Testkommune"),
        _row(4, Status="Survey Preview"),
        _row(5, Tekst="Ignorer dette svaret"),
    ]
    mapped = _map(
        rows,
        columns={"barriers": "Tekst", "is_test": "Status"},
        test_values=["Survey Test"],
        exclude={"R_5": "analyst saw it"},
    )
    found = {(r.respondent_id, r.source_row) for r in find_probable_tests(mapped)}
    assert found == {("R_1", 1), ("R_3", 3), ("R_4", 4)}
    assert all("ikke ta med" not in r.why for r in find_probable_tests(mapped))


def test_probable_resubmissions_same_org_and_role_most_answers_repeated():
    changed = {f"q{j}": "2" for j in range(1)}  # 6 of 7 answers repeated: 86 %
    rows = [
        _row(1, Rolle="Kommuneoverlege"),
        _row(2, Rolle="Kommuneoverlege", **changed),
        _row(3, Rolle="IT- eller digitaliseringsleder", **{f"q{j}": "2" for j in range(7)}),
        _row(4, Rolle="IT- eller digitaliseringsleder", **{f"q{j}": "5" for j in range(7)}),
        _row(5, Kommune="4601", Rolle="Kommuneoverlege"),
    ]
    mapped = _map(rows, columns={"role": "Rolle"})
    records = find_probable_resubmissions(mapped)
    assert [(r.source_row, r.respondent_id) for r in records] == [(1, "R_1")]
    assert "data row 2" in records[0].why
    exact = _map([_row(1), _row(2)])  # identical: left to the duplicate rule
    assert find_probable_resubmissions(exact) == []
    same_person = _map(
        [_row(1, Email="a@b.no"), _row(2, Email="A@b.no", **changed)],
        columns={"identity": "Email"},
    )
    assert find_probable_resubmissions(same_person) == []
    # two GPs of one municipality answering much alike are two people, not a resubmission
    gps = _map([_row(1), _row(2, **changed)], group="gp")
    assert find_probable_resubmissions(gps) == []


# ----------------------------------------------------------------------------------------------
# clean_round and validate on a small round


def _qualtrics_round(root: Path, exclude: dict | None = None, **cleaning: object) -> None:
    raw = root / "data" / "raw" / "q1"
    raw.mkdir(parents=True, exist_ok=True)
    header = ["ResponseId", "RecordedDate", "Duration (in seconds)", "Finished", "RecipientEmail"]
    header += ["Kommune", "Rolle", "Barrierer", *[f"q{j}" for j in range(len(ITEMS))]]
    body = [  # id, date, s, finished, e-mail, kommune, rolle, text, answers
        ("R_1", "2026-03-02 09:00", "300", "1", EMAIL, "0301", "Kommuneoverlege", "", "4444324"),
        (
            "R_2",
            "2026-03-03 09:00",
            "310",
            "1",
            EMAIL.upper(),
            "0301",
            "Kommuneoverlege",
            "",
            "5444324",
        ),
        ("R_3", "2026-03-03 10:00", "280", "0", "", "4601", "Annet", "", "43"),
        (
            "R_4",
            "2026-03-04 10:00",
            "290",
            "1",
            "",
            "4601",
            "Vaktmester",
            "TEST – ikke ta med",
            "3333321",
        ),
        ("R_5", "2026-03-04 11:00", "295", "1", "", "1103", "Andre", "Ring 912 34 567", "2345432"),
        ("R_6", "2026-03-05 11:00", "300", "1", "", "5001", "Kommuneoverlege", "", "2344432"),
    ]
    with (raw / "export.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for *meta, answers in body:
            writer.writerow([*meta, *answers, *[""] * (len(ITEMS) - len(answers))])
    source = _source(
        columns={
            "answer_time_s": "Duration (in seconds)",
            "is_complete": "Finished",
            "identity": "RecipientEmail",
            "role": "Rolle",
            "barriers": "Barrierer",
        },
        exclude=exclude or {},
        format="csv",
        delimiter=";",
    ).model_dump(mode="json", exclude_none=True)
    config = {
        "round_id": "q1",
        "title": {"nb": "Test", "en": "Test"},
        "fieldwork": {"start": "2026-03-01", "end": "2026-03-31"},
        "measures": ["pll"],
        "sources": [source],
        "cleaning": {"min_answered_share": 0.2, **cleaning},
    }
    (raw / "round.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def _outputs_text(root: Path) -> str:
    """Every output as text: Parquet tables as CSV (their values decompressed), JSON as is."""
    folder = root / "data" / "processed" / "q1"
    parts = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).to_csv())
        else:
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_clean_round_applies_the_decisions_and_accounts_for_every_row(tmp_path):
    _qualtrics_round(tmp_path, exclude={"R_5": "Kontakt kari@example.no: TEST"})
    result = clean_round(tmp_path, "q1")
    exclusions = pd.read_parquet(result.exclusions_file).set_index("source_row")
    responses = pd.read_parquet(result.responses_file)
    assert exclusions.loc[1, "reason"] == "resubmission"
    assert exclusions.loc[1, "duplicate_of_row"] == 2
    assert exclusions.loc[3, "reason"] == "incomplete"
    assert exclusions.loc[5, "reason"] == "analyst"
    assert exclusions.loc[5, "note"] == "Kontakt [e-post]: TEST"
    assert pd.isna(exclusions.loc[3, "note"])
    assert result.rows_read == result.kept_n + result.excluded_n == 6
    assert sorted(responses["source_row"]) == [2, 4, 6]
    assert responses.set_index("source_row").loc[4, "role"] == "annet"
    assert responses.set_index("source_row").loc[2, "answer_time_s"] == 310.0
    quality = result.quality
    assert quality["warnings"] == [
        {
            "source_id": "kommuner",
            "field": "role",
            "column": "Rolle",
            "kind": "role_other",
            "rows_n": 1,
        }
    ]
    assert [r["source_row"] for r in quality["review"]["probable_tests"]] == [4]
    assert quality["totals"]["excluded_by_reason"]["analyst"] == 1
    text = _outputs_text(tmp_path)
    assert "@" not in text and "Vaktmester" not in text and "912 34 567" not in text
    assert hashlib.sha256(EMAIL.casefold().encode()).hexdigest() not in text


def test_keep_all_and_include_unfinished_keep_those_rows(tmp_path):
    _qualtrics_round(tmp_path, resubmissions="keep_all", include_unfinished=True)
    result = clean_round(tmp_path, "q1")
    reasons = pd.read_parquet(result.exclusions_file)["reason"].tolist()
    assert "resubmission" not in reasons and "incomplete" not in reasons


def test_unknown_exclude_id_stops_cleaning_and_validate_lists_everything(tmp_path, capsys):
    from anchoring.cli import main

    _qualtrics_round(tmp_path, exclude={"R_99": "no such row"})
    with pytest.raises(RoundConfigError, match="R_99"):
        clean_round(tmp_path, "q1")
    report = check_round(tmp_path, "q1")
    assert len(report.problems) == 1 and "R_99" in report.problems[0]
    notes = "\n".join(report.notes)
    assert "role_other" not in notes and "read as the «other» role" in notes
    assert "probable tests" in notes and "ikke ta med" not in notes
    assert main(["validate", "--root", str(tmp_path), "--round", "q1"]) == 1
    out = capsys.readouterr().out
    assert out.index("R_99") < out.index("note(s)")

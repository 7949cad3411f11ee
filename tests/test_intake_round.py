"""A first real round, end to end: three exports as the tools write them, to a finished run.

The exports come from :func:`_tool_exports.write_intake_round` (Nettskjema without codebook for
the municipalities, Microsoft Forms for the trusts, Qualtrics for the GPs; organisations typed as
names; planted tests, repeats, unfinished answers and personal data), written from the tools'
documented conventions, not by the simulator. The analyst runs the commands of the README's
worked example and takes only the two decisions a machine cannot: the fieldwork dates and the
ambiguous organisation names. Everything else must be drafted right by ``init-round``.
"""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest
import yaml

from _tool_exports import write_intake_round
from anchoring.intake.round_config import RoundConfig
from test_disclosure import file_text, run_cli

pytestmark = pytest.mark.slow

ROUND = "2027-1"
FILES = ("kommuner.csv", "helseforetak.xlsx", "fastleger.csv")
HEROY = "1515"
"""The analyst's decision for «Herøy» (the fixture's respondents are from Herøy in Møre og
Romsdal; the export alone cannot tell)."""


def decide(draft: str, start: str, end: str, decisions: dict[str, dict[str, str]]) -> str:
    """What the analyst edits in the draft: the fieldwork dates and each ``# DECIDE``.

    ``decisions``: per source id, the frame id of each ambiguous value (``"*"``: every source).
    """
    draft = re.sub(r"(?m)^  start: .*$", f"  start: {start}", draft)
    draft = re.sub(r"(?m)^  end: .*$", f"  end: {end}", draft)
    head, *sources = re.split(r"(?m)^(?=  - id: )", draft)
    decided = []
    for block in sources:
        source_id = block.split("\n", 1)[0].removeprefix("  - id: ").strip()
        for value, org_id in {**decisions.get("*", {}), **decisions.get(source_id, {})}.items():
            block = block.replace(f'# "{value}": ""', f'"{value}": "{org_id}"')
        decided.append(block)
    return head + "".join(decided)


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The round from init-round to run, with every command's output kept for the tests."""
    exports = tmp_path_factory.mktemp("exports")
    planted = write_intake_round(exports, seed=14)
    as_written = {f: (exports / f).read_bytes() for f in FILES}
    root = tmp_path_factory.mktemp("project")
    common = ("--root", str(root), "--round", ROUND)
    drafted = run_cli("init-round", *common, *(str(exports / f) for f in FILES))
    assert drafted.returncode == 0, drafted.stderr
    config_file = root / "data" / "raw" / ROUND / "round.yaml"
    draft = config_file.read_text(encoding="utf-8")
    start, end = (d.isoformat() for d in planted["fieldwork"])
    config_file.write_text(decide(draft, start, end, {"*": {"Herøy": HEROY}}), encoding="utf-8")
    validated = run_cli("validate", *common)
    ran = run_cli("run", *common, "--lang", "both")
    return {
        "root": root,
        "planted": planted,
        "exports": as_written,
        "draft": draft,
        "validated": validated,
        "ran": ran,
        "processed": root / "data" / "processed" / ROUND,
    }


def test_the_draft_leaves_only_the_ambiguous_names_to_decide(intake: dict) -> None:
    draft = intake["draft"]
    decide_lines = [line for line in draft.splitlines() if "# DECIDE:" in line]
    # «Herøy» is typed in the municipal and the GP export: one decision in each
    assert len(decide_lines) == 2
    assert all(
        '"Herøy"' in line and "1515 Herøy" in line and "1818 Herøy" in line for line in decide_lines
    )
    config = yaml.safe_load(draft)
    by_file = {s["file"]: s for s in config["sources"]}
    assert {f: by_file[f]["group"] for f in FILES} == {
        "kommuner.csv": "municipality",
        "helseforetak.xlsx": "hospital",
        "fastleger.csv": "gp",
    }
    forms, qualtrics = by_file["helseforetak.xlsx"], by_file["fastleger.csv"]
    assert forms["columns"]["submitted_at"] == "Completion time"
    assert forms["columns"]["identity"] == "Email"
    assert "Name" not in forms["columns"].values()
    assert qualtrics["columns"]["answer_time_s"] == "Duration (in seconds)"
    assert (qualtrics["columns"]["is_test"], qualtrics["columns"]["is_complete"]) == (
        "Status",
        "Finished",
    )
    for source in config["sources"]:
        items = [k for k in source["columns"] if "__" in k]
        assert len(items) == 28, source["file"]
    municipal = by_file["kommuner.csv"]
    assert municipal["org_id_map"]["Kautokeino"] == "5612"
    assert municipal["org_id_map"]["Bø i Telemark"] == "4020"
    assert municipal["values"]["items"]["Delvis enig"] == 4


def test_the_draft_lists_unmarked_tests_and_repeats_for_review(intake: dict) -> None:
    municipal = intake["planted"]["kommuner.csv"]
    review = [line for line in intake["draft"].splitlines() if line.startswith("    #   ")]
    opening, repeat = municipal["ids"]["opening_day_test"][0], municipal["ids"]["repeat"][0]
    test_entry = f'"{opening}": "probable test: free text says it is a test"'
    assert any(test_entry in line for line in review)
    assert any(f'"{repeat}": "probable resubmission' in line for line in review)
    # uncommented as the analyst would, they are the source's valid exclude entries
    lines = intake["draft"].splitlines()
    first = lines.index("    # exclude:")
    last = first + 1
    while last < len(lines) and lines[last].startswith("    #   "):
        last += 1
    edited = [*lines[:first], *(x.replace("# ", "", 1) for x in lines[first:last]), *lines[last:]]
    config = RoundConfig.model_validate(yaml.safe_load("\n".join(edited)))
    excluded = {s.id: s.exclude for s in config.sources if s.exclude}
    assert set(excluded) == {"kommuner"} and opening in excluded["kommuner"]


def test_validate_passes_in_one_pass_after_the_two_decisions(intake: dict) -> None:
    validated = intake["validated"]
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert f"Round '{ROUND}' is valid." in validated.stdout


def test_the_run_finishes_and_every_row_is_kept_or_excluded(intake: dict) -> None:
    ran = intake["ran"]
    assert ran.returncode == 0, ran.stderr[-3000:]
    quality = json.loads((intake["processed"] / "quality.json").read_text(encoding="utf-8"))
    totals = quality["totals"]
    planted = intake["planted"]
    assert totals["rows_read"] == sum(planted[f]["rows"] for f in FILES)
    assert totals["rows_read"] == totals["kept"] + totals["excluded"]
    responses = pd.read_parquet(intake["processed"] / "responses.parquet")
    exclusions = pd.read_parquet(intake["processed"] / "exclusions.parquet")
    assert len(responses) == totals["kept"] and len(exclusions) == totals["excluded"]


def _reasons(intake: dict) -> dict[tuple[str, int], str]:
    exclusions = pd.read_parquet(intake["processed"] / "exclusions.parquet")
    return {
        (s, int(r)): why
        for s, r, why in exclusions[["source_id", "source_row", "reason"]].itertuples(index=False)
    }


def test_tests_repeats_and_unfinished_answers_are_excluded_or_listed(intake: dict) -> None:
    planted, reasons = intake["planted"], _reasons(intake)
    municipal, trusts, gps = (planted[f] for f in FILES)
    assert reasons[("kommuner", municipal["test"][0])] == "before_fieldwork"
    assert reasons[("fastleger", gps["preview"][0])] == "test_marked"
    for row in gps["unfinished"]:
        assert reasons[("fastleger", row)] == "incomplete"
    first, again = trusts["resubmission"]
    assert reasons[("helseforetak", first)] == "resubmission"
    assert ("helseforetak", again) not in reasons
    # no identity in Nettskjema: the unmarked test and the repeat are the analyst's call
    quality = json.loads((intake["processed"] / "quality.json").read_text(encoding="utf-8"))
    listed = {
        kind: {(r["source_id"], r["source_row"]) for r in records}
        for kind, records in quality["review"].items()
    }
    assert ("kommuner", municipal["opening_day_test"][0]) in listed["probable_tests"]
    assert ("kommuner", municipal["repeat"][0]) in listed["probable_resubmissions"]
    assert "probable tests:" in intake["validated"].stdout
    assert "probable resubmissions:" in intake["validated"].stdout


def test_no_personal_data_reaches_any_output(intake: dict) -> None:
    root = intake["root"]
    raw = root / "data" / "raw" / ROUND
    forms = pd.read_excel(raw / "helseforetak.xlsx", dtype=str, engine="openpyxl")
    qualtrics = pd.read_csv(raw / "fastleger.csv", dtype=str, skiprows=[1, 2])
    secrets = [*forms["Email"], *forms["Name"], "kari.nordmann@example.no"]
    # the identity as cleaning hashes it in memory (anchoring.cleaning.cells.identity_hashes)
    secrets += [
        hashlib.sha256(e.strip().casefold().encode("utf-8")).hexdigest() for e in forms["Email"]
    ]
    secrets += re.findall(r"\b\d{11}\b", " ".join(qualtrics["Q9"].dropna()))
    assert len(secrets) > 50
    folders = [root / "reports" / ROUND, intake["processed"]]
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    assert len(files) > 10
    for path in files:
        text = file_text(path)
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path, leaked[:3])


def test_raw_exports_are_untouched(intake: dict) -> None:
    raw = intake["root"] / "data" / "raw" / ROUND
    for name in FILES:
        assert (raw / name).read_bytes() == intake["exports"][name], name

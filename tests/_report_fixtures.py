"""Small, realistic fixture rounds for the report tests (schema of docs/architecture.md).

The numbers are made up (seeded); they only have to look like a real round so the report code
can be exercised before, and independently of, the analysis stage. The end-to-end tests use a
real simulated, cleaned and analysed round instead.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from anchoring.analysis.distributions import estimate_distributions
from anchoring.analysis.scoring import score_responses
from anchoring.analysis.suppression import suppress_distributions, suppress_theme_counts
from anchoring.analysis.themes import count_themes
from anchoring.instrument import load_instrument
from anchoring.intake.round_config import RoundConfig, write_round_config
from anchoring.paths import RoundPaths

GROUPS = ("municipality", "hospital", "gp")
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'

# True group indices per measure (made up): PLL well anchored but GPs lag, DHO weak.
LEVELS = {
    "pll": {"municipality": 72.0, "hospital": 75.0, "gp": 58.0},
    "pjd": {"municipality": 55.0, "hospital": 66.0, "gp": 57.0},
    "kritisk_info": {"municipality": 60.0, "hospital": 62.0, "gp": 59.0},
    "dho": {"municipality": 45.0, "hospital": 40.0, "gp": 38.0},
}


def _row(round_id, measure, group, dimension, statistic, estimate, se, n, n_orgs, **extra):
    ci = 1.96 * se
    row = {
        "round_id": round_id,
        "measure": measure,
        "group": group,
        "breakdown": extra.pop("breakdown", ""),
        "domain": extra.pop("domain", ""),
        "dimension": dimension,
        "statistic": statistic,
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - ci,
        "ci_high": estimate + ci,
        "n": n,
        "n_orgs": n_orgs,
        "df": max(n_orgs - 2, 1),
        "is_suppressed": False,
        "suppression_reason": "",
        "p_value": np.nan,
        "p_value_holm": np.nan,
    }
    row.update(extra)
    return row


def _suppress(row, reason):
    row.update(
        is_suppressed=True,
        suppression_reason=reason,
        estimate=np.nan,
        se=np.nan,
        ci_low=np.nan,
        ci_high=np.nan,
    )
    return row


def build_estimates(round_id: str, shift: float = 0.0, suppress_dho_hospital=True):
    inst = load_instrument()
    rng = np.random.default_rng(7)
    sizes = {"municipality": (180, 120), "hospital": (60, 17), "gp": (400, 400)}
    rows = []
    for measure, levels in LEVELS.items():
        for group in GROUPS:
            n, n_orgs = sizes[group]
            level = levels[group] + shift
            hidden = suppress_dho_hospital and measure == "dho" and group == "hospital"
            r = _row(round_id, measure, group, "index", "mean", level, 2.0, n, n_orgs)
            rows.append(_suppress(r, "min_orgs") if hidden else r)
            for stat, value, se in (
                ("consensus_tw", 0.55 + level / 400, 0.01),
                ("dispersion_leik", 0.5 - level / 400, 0.01),
                ("alpha", 0.82, 0.02),
            ):
                r = _row(round_id, measure, group, "index", stat, value, se, n, n_orgs)
                rows.append(_suppress(r, "min_orgs") if hidden else r)
            for dim in inst.dimension_ids:
                mean = 1 + (level + rng.normal(0, 8)) / 25
                agree = min(max((mean - 1) / 4 + rng.normal(0, 0.05), 0.02), 0.98)
                for stat, value, se in (
                    ("mean", mean, 0.08),
                    ("agree_share", agree, 0.03),
                    ("dont_know_share", abs(rng.normal(0.08, 0.04)), 0.01),
                    ("consensus_tw", 0.6, 0.02),
                ):
                    r = _row(round_id, measure, group, dim, stat, value, se, n, n_orgs)
                    rows.append(_suppress(r, "min_orgs") if hidden else r)
        sector = float(np.mean(list(levels.values()))) + shift
        r = _row(round_id, measure, "sector", "index", "mean", sector, 1.2, 640, 537)
        rows.append(_suppress(r, "secondary") if suppress_dho_hospital and measure == "dho" else r)
        r = _row(round_id, measure, "sector", "index", "consensus_tw", 0.66, 0.01, 640, 537)
        rows.append(_suppress(r, "secondary") if suppress_dho_hospital and measure == "dho" else r)
        gap = max(levels.values()) - min(levels.values())
        rows.append(
            _row(
                round_id,
                measure,
                "sector",
                "index",
                "gap",
                gap,
                2.8,
                640,
                537,
                p_value=2e-6 if gap > 10 else 0.2,
                p_value_holm=8e-6 if gap > 10 else 0.4,
            )
        )
    for group in GROUPS:
        n, n_orgs = sizes[group]
        rows.append(_row(round_id, "", group, "", "weighting_efficiency", 0.81, 0, n, n_orgs))
        rows.append(_row(round_id, "", group, "", "response_rate", 0.4, 0.0, n, n_orgs))
    strata = {"municipality": ["municipality:03", "municipality:11"], "hospital": ["hospital:HSO"]}
    for group, ids in strata.items():
        for sid in ids:
            rows.append(
                _row(
                    round_id,
                    "",
                    group,
                    "",
                    "response_rate",
                    0.5,
                    0.0,
                    12,
                    6,
                    breakdown="stratum",
                    domain=sid,
                )
            )
    table = pd.DataFrame(rows)
    table["n"] = table["n"].astype("Int64")
    table["n_orgs"] = table["n_orgs"].astype("Int64")
    table["df"] = table["df"].astype("Int64")
    return table.sort_values(
        ["measure", "group", "breakdown", "domain", "dimension", "statistic"], ignore_index=True
    )


def build_status(round_id: str):
    rows = []
    for measure, status in (
        ("pll", "partly"),
        ("pjd", "partly"),
        ("kritisk_info", "partly"),
        ("dho", "not_assessed"),
    ):
        rows.append(
            {
                "round_id": round_id,
                "measure": measure,
                "status": status,
                "rule_nb": "Sektorindeks ≥ 50, ikke godt forankret.",
                "rule_en": "Sector index ≥ 50, not well anchored.",
            }
        )
    return pd.DataFrame(rows)


def build_change(round_id: str, previous: str, significant: bool = True):
    rows = []
    for measure in LEVELS:
        for group in (*GROUPS, "sector"):
            delta = 6.0 if (significant and measure == "pll" and group == "gp") else 0.5
            rows.append(
                {
                    "round_id": round_id,
                    "previous_round_id": previous,
                    "measure": measure,
                    "group": group,
                    "estimate_previous": 50.0,
                    "estimate_current": 50.0 + delta,
                    "change": delta,
                    "se": 1.5,
                    "ci_low": delta - 2.94,
                    "ci_high": delta + 2.94,
                    "p_value": 6e-5 if delta > 5 else 0.74,
                    "p_value_holm": 9.6e-4 if delta > 5 else 1.0,
                    "is_suppressed": measure == "dho" and group in ("hospital", "sector"),
                }
            )
    return pd.DataFrame(rows)


def build_responses(round_id: str, n_per_group: int = 40):
    inst = load_instrument()
    rng = np.random.default_rng(11)
    rows = []
    for group in GROUPS:
        for i in range(n_per_group):
            row = {
                "round_id": round_id,
                "group": group,
                "org_id": f"{group[:3]}{i % 12}",
                "stratum": f"{group}:03",
                "weight": float(1 + (i % 3)),
                "submitted_at": pd.Timestamp("2025-03-20T10:00:00Z") + pd.Timedelta(hours=i),
            }
            for item in inst.item_ids():
                row[item] = int(
                    rng.choice([1, 2, 3, 4, 5, 8, 9], p=[0.05, 0.1, 0.2, 0.3, 0.25, 0.07, 0.03])
                )
            for t in inst.theme_ids():
                row[f"theme__{t}"] = bool(rng.random() < 0.25)
            rows.append(row)
    table = pd.DataFrame(rows)
    for item in inst.item_ids():
        table[item] = table[item].astype("Int8")
    return table


def build_distributions(responses, estimates):
    """The fixture round's published answer distributions, as the analysis stage makes them."""
    inst = load_instrument()
    measures = list(LEVELS)
    scored = score_responses(responses, inst, measures).assign(
        group=responses["group"].to_numpy(), weight=responses["weight"].to_numpy()
    )
    table = estimate_distributions(scored, inst, measures, estimates)
    return suppress_distributions(table, estimates)


def build_themes(responses):
    """The fixture round's published barrier-theme counts, as the analysis stage makes them."""
    round_id = str(responses["round_id"].iloc[0])
    return suppress_theme_counts(count_themes(responses, load_instrument(), round_id))


def build_quality(responses=None):
    """A quality.json.

    With ``responses``, also the respondents per group and the last response as the cleaning
    stage writes them (``groups``, ``totals.last_response_at``).
    """
    quality = {
        "rows_read": {"kommuner": 210, "helseforetak": 64, "fastleger": 431},
        "exclusions": {"test_submission": 3, "duplicate": 5, "too_few_answers": 12},
        "redactions": {"fodselsnummer": 2, "phone": 4, "email": 3},
    }
    if responses is not None:
        quality["groups"] = [
            {"group": g, "respondents_n": int((responses["group"] == g).sum())} for g in GROUPS
        ]
        quality["totals"] = {"last_response_at": responses["submitted_at"].max().isoformat()}
    return quality


def build_round(
    root: Path,
    round_id: str = "fixture",
    previous: str | None = "fixture-previous",
    significant_change: bool = True,
) -> RoundPaths:
    """Write a fixture round (and its previous round, when named) under ``root``."""
    if previous:
        build_round(root, previous, previous=None)
    paths = RoundPaths(root, round_id)
    paths.raw_dir.mkdir(parents=True, exist_ok=True)
    paths.processed_dir.mkdir(parents=True, exist_ok=True)
    config = RoundConfig.model_validate(
        {
            "round_id": round_id,
            "title": {
                "nb": "Forankring av Digital samhandling steg 2",
                "en": "Anchoring of Digital samhandling steg 2",
            },
            "fieldwork": {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)},
            "previous_round": previous,
            "sources": [
                {
                    "id": "kommuner",
                    "group": "municipality",
                    "file": "k.csv",
                    "columns": {"respondent_id": "id"},
                }
            ],
        }
    )
    write_round_config(config, paths.config_file)
    shift = 0.0 if previous else -3.0
    build_estimates(round_id, shift).to_parquet(paths.estimates_file, index=False)
    build_status(round_id).to_parquet(paths.status_file, index=False)
    responses = build_responses(round_id)
    responses.to_parquet(paths.responses_file, index=False)
    build_distributions(responses, build_estimates(round_id, shift)).to_parquet(
        paths.processed_dir / "distributions.parquet", index=False
    )
    build_themes(responses).to_parquet(paths.processed_dir / "themes.parquet", index=False)
    (paths.quality_file).write_text(json.dumps(build_quality(responses)), encoding="utf-8")
    if previous:
        build_change(round_id, previous, significant_change).to_parquet(
            paths.processed_dir / "change.parquet", index=False
        )
    return paths


# --- A real round: simulated, cleaned, analysed, reported (shared by the slow report tests) ---

REAL_PREVIOUS = "rep-previous"
REAL_ROUND = "rep-current"
_REAL: dict = {}


def _hide_hospitals(config_file: Path) -> None:
    """Raise min_orgs above the number of hospital trusts (20) so their figures are suppressed."""
    import yaml

    raw = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    raw.setdefault("estimation", {})["min_orgs"] = 25
    config_file.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), "utf-8")


def real_round_root(base: Path) -> Path:
    """Simulate, clean and analyse two small rounds under ``base`` (once per test session).

    The previous round hides the hospital trusts (min_orgs 25 > 20 trusts), so the change since
    then is suppressed for them: the report must show ":" there.
    """
    if "root" in _REAL:
        return _REAL["root"]
    from anchoring.analysis import analyse_round
    from anchoring.cleaning import clean_round
    from anchoring.simulate import simulate_round

    root = base / "real"
    (root / "data" / "raw").mkdir(parents=True)
    simulate_round(root, REAL_PREVIOUS, seed=11, scale=0.5)
    _hide_hospitals(RoundPaths(root, REAL_PREVIOUS).config_file)
    simulate_round(root, REAL_ROUND, seed=12, scale=0.5, previous_round=REAL_PREVIOUS)
    for round_id in (REAL_PREVIOUS, REAL_ROUND):
        clean_round(root, round_id)
        analyse_round(root, round_id)
    _REAL["root"] = root
    return root


REAL_PROVENANCE = {"git_commit": "0123abc", "run_at": "2026-01-02 03:04:05 UTC"}
"""Footer values passed to the real round's report notebook (the inputs digest is computed)."""


def rendered_real_reports(base: Path) -> dict[str, Path]:
    """Run ``03_report.ipynb`` with papermill per language and render it, as the pipeline does.

    The footer's provenance is passed as the pipeline passes it (:data:`REAL_PROVENANCE`, with
    the round's real inputs digest), and the spreadsheet written by its own step.

    Returns the HTML report per language (``reports/<round>/rapport.nb.html``,
    ``report.en.html``); the executed notebooks are beside them under ``notebooks/``.
    """
    if "reports" in _REAL:
        return _REAL["reports"]
    import papermill

    from anchoring.intake.round_config import load_round_config
    from anchoring.pipeline.cache import collect_round_inputs
    from anchoring.pipeline.render import render_report
    from anchoring.report import load_report, write_spreadsheet

    root = real_round_root(base)
    paths = RoundPaths(root, REAL_ROUND)
    digest = collect_round_inputs(paths, load_round_config(paths.config_file)).digest()
    provenance = {**REAL_PROVENANCE, "inputs_digest": digest}
    template = Path(__file__).resolve().parent.parent / "notebooks" / "03_report.ipynb"
    names = {"nb": "rapport.nb.html", "en": "report.en.html"}
    reports = {}
    for lang, name in names.items():
        executed = paths.reports_dir / "notebooks" / f"03_report.{lang}.ipynb"
        executed.parent.mkdir(parents=True, exist_ok=True)
        papermill.execute_notebook(
            str(template),
            str(executed),
            parameters={"round_id": REAL_ROUND, "root": str(root), "lang": lang, **provenance},
            progress_bar=False,
            cwd=str(base),
        )
        write_spreadsheet(load_report(root, REAL_ROUND, lang))
        reports[lang] = render_report(executed, paths.reports_dir / name, lang)
    _REAL["reports"] = reports
    return reports

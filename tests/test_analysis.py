"""Tests of anchoring.analysis.analyse_round on small hand-built rounds.

The rounds follow the responses schema of docs/architecture.md exactly.

Reference values are identities (a domain estimate from the one design equals the same call on
SurveyDesign; sector SE = (1/3)·sqrt(Σ se_g²); a response rate is responding PSUs / frame PSUs
counted from the packaged frames) or follow from the suppression rules.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from anchoring.analysis import (
    CHANGE_FILE,
    ESTIMATE_COLUMNS,
    GROUP_TEST_COLUMNS,
    GROUP_TESTS_FILE,
    analyse_round,
)
from anchoring.analysis.parquet_tables import KEY_COLUMNS
from anchoring.analysis.scoring import index_column, score_responses
from anchoring.analysis.suppression import suppress_distributions
from anchoring.exceptions import InputFileError
from anchoring.frames import load_frames
from anchoring.instrument import load_instrument
from anchoring.paths import RoundPaths
from anchoring.schema import (
    DISTRIBUTIONS,
    DRIVERS,
    ESTIMATES,
    GROUP_TESTS,
    SENSITIVITY,
    STATUS,
    THEMES,
)
from anchoring.survey import SurveyDesign

INSTRUMENT = load_instrument()
GROUPS = ("municipality", "hospital", "gp")
# stratum → (responding PSUs, respondents per PSU range); frame sizes from the packaged frames.
DESIGN = {
    "municipality:03": (1, (2, 4)),  # Oslo: a census stratum (1 of 1)
    "municipality:11": (5, (1, 4)),
    "municipality:15": (1, (2, 3)),  # a lonely PSU (1 of 27)
    "municipality:18": (4, (1, 4)),
    "municipality:39": (2, (1, 1)),  # a small stratum: suppressed in the breakdown
    "hospital:HSO": (4, (2, 5)),
    "hospital:HV": (2, (2, 4)),
    "hospital:HMN": (3, (1, 3)),  # a census stratum (3 of 3)
    "gp:03": (12, (1, 1)),
    "gp:11": (7, (1, 1)),
    "gp:15": (2, (1, 1)),
}
LOCATION = {"municipality": 3.6, "hospital": 3.9, "gp": 3.2}


def make_responses(seed: int, round_id: str = "test", shift: float = 0.0) -> pd.DataFrame:
    """A cleaned responses table with the documented columns, drawn at random."""
    rng = np.random.default_rng(seed)
    psu_n = {s: n for g in GROUPS for s, n in load_frames()[g].psu_n().items()}
    rows = []
    for stratum, (n_psu, (low, high)) in DESIGN.items():
        group = stratum.split(":")[0]
        for j in range(n_psu):
            m_j = int(rng.integers(low, high + 1))
            org = f"{stratum.split(':')[1]}{j:02d}"
            for r in range(m_j):
                key = f"{group}:{org}-{r}"
                rows.append(
                    {
                        "group": group,
                        "org_id": key if group == "gp" else org,
                        "stratum": stratum,
                        "fpc": psu_n[stratum],
                        "weight": psu_n[stratum] / n_psu / m_j,
                        "respondent_key": key,
                    }
                )
    table = pd.DataFrame(rows)
    items = INSTRUMENT.item_ids()
    location = table["group"].map(LOCATION).to_numpy() + shift
    orgs = table["org_id"].unique()
    org_effect = table["org_id"].map(dict(zip(orgs, rng.normal(0, 0.4, len(orgs)), strict=True)))
    latent = location[:, None] + org_effect.to_numpy()[:, None]
    latent = latent + rng.normal(0, 1.0, size=(len(table), len(items)))
    answers = np.clip(np.rint(latent), 1, 5)
    special = rng.random(size=answers.shape)
    answers = np.where(special < 0.05, 8, np.where(special < 0.08, 9, answers))
    answers = np.where(special > 0.97, np.nan, answers)
    for k, item in enumerate(items):
        values = answers[:, k]
        if INSTRUMENT.item(item).reverse_keyed:
            values = np.where(values <= 5, 6 - values, values)
        table[item] = pd.array(values, dtype="Float64").astype("Int8")
    table.insert(0, "round_id", round_id)
    table["source_id"] = table["group"]
    table["source_row"] = np.arange(1, len(table) + 1)
    return table.sort_values(["group", "org_id", "respondent_key"]).reset_index(drop=True)


def write_round(
    root: Path, round_id: str, responses: pd.DataFrame, previous: str | None = None, **estimation
) -> RoundPaths:
    """Write round.yaml and responses.parquet of a round under ``root``."""
    paths = RoundPaths(root, round_id)
    paths.raw_dir.mkdir(parents=True, exist_ok=True)
    paths.processed_dir.mkdir(parents=True, exist_ok=True)
    config = {
        "round_id": round_id,
        "title": {"nb": "Test", "en": "Test"},
        "fieldwork": {"start": "2026-09-01", "end": "2026-10-01"},
        "previous_round": previous,
        "sources": [{"id": "k", "group": "municipality", "file": "k.csv", "columns": {}}],
        "estimation": estimation,
    }
    paths.config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    responses.to_parquet(paths.responses_file, index=False)
    return paths


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    root = tmp_path_factory.mktemp("round")
    responses = make_responses(7)
    paths = write_round(root, "test", responses)
    return analyse_round(root, "test"), paths, responses


def _design(
    responses: pd.DataFrame, variance: str = "two_stage"
) -> tuple[SurveyDesign, pd.DataFrame]:
    # the round's design, written out: organisations in strata with the fpc, then (two-stage,
    # the default) respondents inside organisations with replacement
    scored = score_responses(responses, INSTRUMENT, INSTRUMENT.measure_ids)
    columns = ["group", "org_id", "stratum", "fpc", "weight", "respondent_key"]
    data = pd.concat([responses[columns], scored], axis=1)
    second = {"ssu": "respondent_key"} if variance == "two_stage" else {}
    design = SurveyDesign(data, "weight", psu="org_id", strata="stratum", fpc="fpc", **second)
    return design, data


def _rows(estimates: pd.DataFrame, **keys) -> pd.DataFrame:
    mask = np.ones(len(estimates), dtype=bool)
    for column, value in keys.items():
        mask &= estimates[column].to_numpy() == value
    return estimates[mask]


def test_files_schema_and_order(analysed):
    result, paths, _ = analysed
    table = pd.read_parquet(paths.estimates_file)
    assert list(table.columns) == list(ESTIMATE_COLUMNS)
    pd.testing.assert_frame_equal(table, result.estimates, check_dtype=False)
    assert table.equals(table.sort_values(list(KEY_COLUMNS)).reset_index(drop=True))
    assert not table.duplicated(list(KEY_COLUMNS)).any()
    assert set(table["statistic"]) == {
        "mean",
        "agree_share",
        "dont_know_share",
        "consensus_tw",
        "dispersion_leik",
        "alpha",
        "gap",
        "response_rate",
        "weighting_efficiency",
    }
    assert set(table["group"]) == {*GROUPS, "sector"}
    status = pd.read_parquet(paths.status_file)
    assert status["measure"].tolist() == INSTRUMENT.measure_ids
    assert set(status["status"]) <= {"well", "partly", "weak", "not_assessed"}
    assert set(status["lagging_group"]) | set(status["leading_group"]) <= {*GROUPS, ""}
    tests = pd.read_parquet(paths.processed_dir / GROUP_TESTS_FILE)
    assert list(tests.columns) == list(GROUP_TEST_COLUMNS)
    pd.testing.assert_frame_equal(tests, result.group_tests, check_dtype=False)
    # per measure: the test of equal groups and the three pairs
    assert len(tests) == 4 * len(INSTRUMENT.measure_ids)
    assert not (paths.processed_dir / CHANGE_FILE).exists()
    # no respondent-level row reaches the estimates
    assert "respondent_key" not in table.columns and len(table) < 2000


def test_same_inputs_give_the_same_bytes(analysed, tmp_path):
    _, paths, responses = analysed
    other = write_round(tmp_path, "test", responses)
    analyse_round(tmp_path, "test")
    assert other.estimates_file.read_bytes() == paths.estimates_file.read_bytes()
    assert other.status_file.read_bytes() == paths.status_file.read_bytes()
    tests = GROUP_TESTS_FILE
    assert (other.processed_dir / tests).read_bytes() == (paths.processed_dir / tests).read_bytes()


def test_group_index_is_the_domain_mean_of_the_one_design(analysed):
    result, _, responses = analysed
    design, _ = _design(responses)
    for measure in INSTRUMENT.measure_ids:
        # published: t on the group's design df (methodology §2), with the design effect (§9)
        expected = design.mean(index_column(measure), by="group", df="domain", deff=True)
        expected = expected.set_index("group")
        got = _rows(
            result.estimates, measure=measure, breakdown="", dimension="index", statistic="mean"
        ).set_index("group")
        for group in GROUPS:
            if got.at[group, "is_suppressed"]:
                assert np.isnan(got.at[group, "deff"]) and np.isnan(got.at[group, "effective_n"])
                continue
            columns = ("estimate", "se", "ci_low", "ci_high", "n", "deff", "effective_n")
            for column in columns:
                assert got.at[group, column] == pytest.approx(expected.at[group, column], 1e-12)
            # wider than the normal interval: t on the group's few design df
            assert got.at[group, "ci_high"] - got.at[group, "estimate"] > 1.96 * got.at[group, "se"]
        # n_orgs: organisations with at least one respondent with an index (counted directly)
        scored = score_responses(responses, INSTRUMENT, [measure])
        answered = responses[scored[index_column(measure)].notna()]
        orgs = answered.groupby("group")["org_id"].nunique()
        assert got.loc[list(GROUPS), "n_orgs"].tolist() == orgs.loc[list(GROUPS)].tolist()


def test_one_stage_variance_is_methodology_section_1_exactly(analysed, tmp_path):
    # estimation.variance: one_stage gives svydesign(ids = ~org_id, strata = ~stratum,
    # fpc = ~fpc, ...): the default's estimates with smaller SEs (no within-organisation term)
    default, _, responses = analysed
    write_round(tmp_path, "one", responses, variance="one_stage")
    one = analyse_round(tmp_path, "one").estimates
    design, _ = _design(responses, variance="one_stage")
    for measure in INSTRUMENT.measure_ids:
        expected = design.mean(index_column(measure), by="group", df="domain")
        expected = expected.set_index("group")
        keys = {"measure": measure, "breakdown": "", "dimension": "index", "statistic": "mean"}
        got = _rows(one, **keys).set_index("group")
        two = _rows(default.estimates, **keys).set_index("group")
        for group in GROUPS:
            if got.at[group, "is_suppressed"]:
                continue
            for column in ("estimate", "se", "ci_low", "ci_high"):
                assert got.at[group, column] == pytest.approx(expected.at[group, column], 1e-12)
            assert got.at[group, "estimate"] == two.at[group, "estimate"]
            assert got.at[group, "se"] < two.at[group, "se"]


def test_sector_is_equal_weight_mean_with_independent_se(analysed):
    result, _, _ = analysed
    sector_rows = _rows(result.estimates, group="sector", breakdown="")
    checked = 0
    for _, row in sector_rows[sector_rows["statistic"].isin(["mean", "agree_share"])].iterrows():
        groups = _rows(
            result.estimates,
            measure=row["measure"],
            breakdown="",
            dimension=row["dimension"],
            statistic=row["statistic"],
        )
        groups = groups[groups["group"] != "sector"]
        if groups["is_suppressed"].any():
            assert row["is_suppressed"] and np.isnan(row["estimate"])
            continue
        # identity: (1/3) Σ est_g and (1/3)·sqrt(Σ se_g²) (groups are separate strata)
        assert row["estimate"] == pytest.approx(groups["estimate"].mean(), rel=1e-12)
        assert row["se"] == pytest.approx(np.sqrt((groups["se"] ** 2).sum()) / 3, rel=1e-10)
        checked += 1
    assert checked > 10


def test_proportions_use_korn_graubard_intervals_on_the_domain_df(analysed):
    result, _, responses = analysed
    design, _ = _design(responses)
    expected = design.proportion("agree_pll__nytte", by="group", method="beta", deff=True)
    expected = expected.set_index("group")
    got = _rows(result.estimates, measure="pll", dimension="nytte", statistic="agree_share")
    got = got.set_index("group")
    for group in GROUPS:
        # df: PSUs − strata among the group's rows, whatever the item (R svyciprop by domain)
        rows = responses[responses["group"] == group]
        df = rows.groupby(["stratum", "org_id"]).ngroups - rows["stratum"].nunique()
        assert got.at[group, "df"] == df == expected.at[group, "df"]
        if not got.at[group, "is_suppressed"]:
            for column in ("ci_low", "ci_high", "deff", "effective_n"):
                assert got.at[group, column] == pytest.approx(expected.at[group, column], 1e-12)
            assert 0 <= got.at[group, "ci_low"] <= got.at[group, "estimate"] <= 1


def test_suppressed_values_are_absent_and_nothing_is_recoverable(analysed):
    result, _, _ = analysed
    table = result.estimates
    hidden = table[table["is_suppressed"]]
    assert len(hidden) > 0  # the design has small strata: there is something to hide
    assert hidden[["estimate", "se", "ci_low", "ci_high", "deff", "effective_n"]].isna().all().all()
    assert (hidden["suppression_reason"] != "").all()
    shown = table[~table["is_suppressed"]]
    assert (shown["suppression_reason"] == "").all()
    # primary rule held everywhere it applies
    opinion = shown[~shown["statistic"].isin(["response_rate", "weighting_efficiency"])]
    opinion = opinion[opinion["group"] != "sector"]
    assert (opinion["n"] >= 5).all() and (opinion["n_orgs"] >= 3).all()
    # no sector value shown with exactly one hidden group
    keys = ["measure", "dimension", "statistic"]
    for key, cells in table[(table["breakdown"] == "") & table["measure"].ne("")].groupby(keys):
        groups = cells[cells["group"].isin(GROUPS)]
        sector = cells[cells["group"] == "sector"]
        if len(sector) and groups["is_suppressed"].sum() == 1:
            assert sector["is_suppressed"].all(), key
    # no breakdown row shows its total with exactly one hidden cell
    strata = table[table["breakdown"] == "stratum"]
    for (measure, group), cells in strata[strata["statistic"] == "mean"].groupby(
        ["measure", "group"]
    ):
        total = _rows(
            table, measure=measure, group=group, breakdown="", dimension="index", statistic="mean"
        )
        if not total["is_suppressed"].iloc[0]:
            assert cells["is_suppressed"].sum() != 1, (measure, group)


def test_small_stratum_is_suppressed_in_the_breakdown(analysed):
    result, _, _ = analysed
    cell = _rows(result.estimates, measure="pll", breakdown="stratum", domain="municipality:39")
    assert cell["is_suppressed"].all()
    assert "too_few" in cell["suppression_reason"].iloc[0]


def test_response_rates_from_the_frame(analysed):
    result, _, responses = analysed
    rates = _rows(result.estimates, statistic="response_rate")
    frames = load_frames()
    for group in GROUPS:
        total = _rows(rates, group=group, breakdown="")
        responding = responses.loc[responses["group"] == group, "org_id"].nunique()
        frame_n = int(frames[group].strata["psu_n"].astype(int).sum())
        assert total["estimate"].iloc[0] == pytest.approx(responding / frame_n, rel=1e-15)
        strata = _rows(rates, group=group, breakdown="stratum")
        assert len(strata) == len(frames[group].strata)  # zero-response strata included
    oslo = _rows(rates, breakdown="stratum", domain="municipality:03")
    assert oslo["estimate"].iloc[0] == 1.0
    assert not rates["is_suppressed"].any()


def test_gap_and_consensus_rows(analysed):
    result, _, _ = analysed
    means = _rows(
        result.estimates, measure="pll", breakdown="", dimension="index", statistic="mean"
    ).set_index("group")
    gap = _rows(result.estimates, measure="pll", statistic="gap").iloc[0]
    if not gap["is_suppressed"]:
        values = means.loc[list(GROUPS), "estimate"]
        assert gap["estimate"] == pytest.approx(values.max() - values.min())
        high, low = gap["contrast"].split(" - ")
        assert gap["se"] == pytest.approx(np.hypot(means.at[high, "se"], means.at[low, "se"]))
    # the gap is a size: its z-test (picking the extremes) is not published
    assert "p_value" not in result.estimates.columns
    tw = _rows(result.estimates, measure="pll", group="hospital", statistic="consensus_tw")
    items = tw[tw["dimension"] != "index"]
    measure_level = tw[tw["dimension"] == "index"]
    assert len(items) == len(INSTRUMENT.dimension_ids)
    if not items["is_suppressed"].any():
        assert measure_level["estimate"].iloc[0] == pytest.approx(items["estimate"].mean())


def test_group_tests_are_the_wald_test_and_contrasts_of_the_published_means(analysed):
    # identities: the test of equal groups is SurveyDesign.glm's Wald test of index ~ group;
    # a pair is the difference of the published group means with the design covariance of
    # those means (the saturated model's), its t interval and test on the model's df
    result, _, responses = analysed
    design, _ = _design(responses)
    tests = result.group_tests
    from scipy import stats

    for measure in INSTRUMENT.measure_ids:
        variable = index_column(measure)
        rows = tests[tests["measure"] == measure].set_index("contrast")
        if rows["is_suppressed"].any():
            assert rows["is_suppressed"].all() and rows["f"].isna().all()
            continue
        wald = design.glm(f"{variable} ~ group").wald_test("group")
        overall = rows.loc[""]
        assert overall["test"] == "groups_equal"
        assert overall["f"] == pytest.approx(wald["F"], rel=1e-10)
        assert (overall["df"], overall["ddf"]) == (wald["df"], wald["ddf"]) == (2, wald["ddf"])
        assert overall["p_value"] == pytest.approx(wald["p"], rel=1e-8)
        means = design.mean(variable, by="group").set_index("group")["estimate"]
        covariance = design.mean_covariance(variable, by="group")
        for a, b in itertools.combinations(GROUPS, 2):
            pair = rows.loc[f"{a} - {b}"]
            vector = pd.Series(0.0, index=covariance.index)
            vector[a], vector[b] = 1.0, -1.0
            se = float(np.sqrt(vector @ covariance @ vector))
            t = stats.t.ppf(0.975, wald["ddf"])
            assert pair["estimate"] == pytest.approx(means[a] - means[b], rel=1e-10)
            assert pair["se"] == pytest.approx(se, rel=1e-8)
            assert pair["ci_low"] == pytest.approx(pair["estimate"] - t * se, rel=1e-8)
            p = 2 * stats.t.sf(abs(pair["estimate"]) / se, wald["ddf"])
            assert pair["p_value"] == pytest.approx(p, rel=1e-6)
            assert pair["f"] == pytest.approx((pair["estimate"] / se) ** 2, rel=1e-8)
    # Holm over the measures' shown tests; the status carries the findings
    overall = tests[(tests["test"] == "groups_equal") & ~tests["is_suppressed"]]
    p = overall["p_value"].to_numpy()
    order = np.argsort(p)
    holm = np.maximum.accumulate(np.minimum(1, (len(p) - np.arange(len(p))) * p[order]))
    assert overall["p_value_holm"].to_numpy()[order] == pytest.approx(holm, rel=1e-12)
    status = result.status.set_index("measure")
    for row in overall.itertuples():
        assert status.at[row.measure, "group_test_p_value_holm"] == row.p_value_holm


def test_a_lagging_group_is_found_and_named_in_the_status(tmp_path):
    # GPs far below the others in every measure (a shift of −1.2 on the latent 1–5 scale): the
    # test finds them lagging in every measure whose groups are all shown
    responses = make_responses(11)
    gp = (responses["group"] == "gp").to_numpy()
    for item in INSTRUMENT.item_ids():
        values = responses[item].astype("float64").to_numpy()
        scale = values <= 5
        shift = -1 if not INSTRUMENT.item(item).reverse_keyed else 1
        values = np.where(gp & scale, np.clip(values + 2 * shift, 1, 5), values)
        responses[item] = pd.array(values, dtype="Float64").astype("Int8")
    write_round(tmp_path, "lag", responses)
    result = analyse_round(tmp_path, "lag")
    status = result.status.set_index("measure")
    shown = status[status["status"] != "not_assessed"]
    assert len(shown) >= 2
    assert (shown["lagging_group"] == "gp").all(), shown["lagging_group"]
    assert shown["has_group_difference"].all()
    assert (shown["group_test_p_value_holm"] < 0.05).all()


def test_change_against_the_previous_round(tmp_path):
    write_round(tmp_path, "before", make_responses(1, "before"))
    analyse_round(tmp_path, "before")
    paths = write_round(tmp_path, "after", make_responses(2, "after", shift=0.8), previous="before")
    result = analyse_round(tmp_path, "after")
    change = pd.read_parquet(paths.processed_dir / CHANGE_FILE)
    assert result.change is not None and len(change) == 4 * 4
    shown = change[~change["is_suppressed"]]
    assert (shown["change"] == shown["estimate_current"] - shown["estimate_previous"]).all()
    independent = np.hypot(shown["se_current"], shown["se_previous"])
    assert np.allclose(shown["se_independent"], independent)
    assert (shown["method"] == "panel").all()  # both rounds' responses exist: stacked design
    assert (shown["p_value_holm"] >= shown["p_value"]).all()
    # re-analysing without a previous round removes the stale change file
    write_round(tmp_path, "after", make_responses(2, "after"), previous=None)
    analyse_round(tmp_path, "after")
    assert not (paths.processed_dir / CHANGE_FILE).exists()


def test_thresholds_from_config_change_suppression(tmp_path):
    write_round(tmp_path, "strict", make_responses(7, "strict"), min_n=1000)
    result = analyse_round(tmp_path, "strict")
    opinion = result.estimates[result.estimates["measure"] != ""]
    assert opinion["is_suppressed"].all()
    assert (result.status["status"] == "not_assessed").all()
    # the group tests are hidden with the group indices and name no group
    tests = result.group_tests
    assert tests["is_suppressed"].all() and (tests["suppression_reason"] != "").all()
    assert tests[["estimate", "se", "f", "p_value", "p_value_holm"]].isna().all().all()
    assert (result.status["lagging_group"] == "").all()
    assert (result.status["leading_group"] == "").all()


def test_missing_responses_and_bad_group_raise(tmp_path):
    paths = write_round(tmp_path, "bad", make_responses(3, "bad"))
    paths.responses_file.unlink()
    with pytest.raises(InputFileError, match=r"responses\.parquet"):
        analyse_round(tmp_path, "bad")
    table = make_responses(3, "bad")
    table.loc[0, "group"] = "pharmacy"
    table.to_parquet(paths.responses_file, index=False)
    with pytest.raises(InputFileError, match="pharmacy"):
        analyse_round(tmp_path, "bad")


def test_every_statistic_by_every_group_is_present(analysed):
    result, _, _ = analysed
    table = result.estimates
    for measure, group in itertools.product(INSTRUMENT.measure_ids, GROUPS):
        cells = _rows(table, measure=measure, group=group, breakdown="")
        assert set(cells["statistic"]) == {
            "mean",
            "agree_share",
            "dont_know_share",
            "consensus_tw",
            "dispersion_leik",
            "alpha",
        }


# --- R reference (tests/r/reference_round.R on tests/data/round_responses.csv) -----------------

TESTS = Path(__file__).resolve().parent
R_ESTIMATE_TOLERANCE = 1e-8
"""Relative tolerance of an estimate (a mean, share, design effect, F or p-value) against R."""
R_SE_TOLERANCE = 1e-6
"""Relative tolerance of a standard error or an interval limit against R."""
# The SE of a share at p = 0 or 1 is ~1e-19 in R and ~1e-11 in Python (rounding in the one-pass
# covariance Σ t t' − S S'/n of anchoring.survey.variance): compared with this absolute tolerance.
R_ZERO_SE_ABSOLUTE_TOLERANCE = 1e-10


def _reference_responses() -> pd.DataFrame:
    table = pd.read_csv(
        TESTS / "data" / "round_responses.csv",
        dtype={c: "str" for c in ("respondent_key", "group", "org_id", "stratum")},
    )
    items = INSTRUMENT.item_ids()
    return table.astype({item: "Int8" for item in items} | {"fpc": "int64"})


@pytest.fixture(scope="module")
def reference_result(tmp_path_factory):
    root = tmp_path_factory.mktemp("reference")
    write_round(root, "reference", _reference_responses(), min_n=1, min_orgs=1)
    return analyse_round(root, "reference")


def _r_key(case: str, domain: str) -> dict:
    statistic, measure, dimension = case.split(":")
    if domain.count(":"):
        return {
            "measure": measure,
            "group": domain.split(":")[0],
            "breakdown": "stratum",
            "domain": domain,
            "dimension": dimension,
            "statistic": statistic,
        }
    return {
        "measure": measure,
        "group": domain,
        "breakdown": "",
        "domain": "",
        "dimension": dimension,
        "statistic": statistic,
    }


def _tolerance(quantity: str) -> tuple[float, float]:
    """(relative, absolute) tolerance of one R number (see the constants above)."""
    if quantity == "se":
        return R_SE_TOLERANCE, R_ZERO_SE_ABSOLUTE_TOLERANCE
    if quantity in {"ci_low", "ci_high"}:
        return R_SE_TOLERANCE, 0.0
    return R_ESTIMATE_TOLERANCE, 0.0


def _reference() -> pd.DataFrame:
    reference = pd.read_csv(
        TESTS / "results" / "round_reference.csv", dtype=str, keep_default_na=False
    )
    return reference[reference["case"] != "meta"]


def test_estimates_agree_with_r_survey(reference_result):
    # tests/r/reference_round.R: svyby means with t intervals on the domain's design df and
    # design effects, Korn-Graubard shares (svyciprop(method = "beta")), the sector and the gap
    # (svycontrast), alpha and the weighting efficiency
    reference = _reference()
    reference = reference[~reference["case"].str.startswith(("groups_equal:", "pair:"))]
    keyed = reference_result.estimates.set_index(
        ["measure", "group", "breakdown", "domain", "dimension", "statistic"]
    )
    assert not keyed["is_suppressed"].any()  # min_n = min_orgs = 1: everything shown
    compared = set()
    for row in reference.itertuples(index=False):
        key = tuple(_r_key(row.case, row.domain).values())
        ours, expected = float(keyed.at[key, row.quantity]), float(row.value)
        relative, absolute = _tolerance(row.quantity)
        # a share of 0 % has variance 0 under both designs: its deff is 0/0 in R and here
        undefined = row.quantity == "deff"
        assert ours == pytest.approx(expected, rel=relative, abs=absolute, nan_ok=undefined), (
            row.call
        )
        compared.add((row.case.split(":")[0], row.quantity))
    # every kind of number was compared: the test cannot pass on an empty file
    assert len(reference) > 2000
    assert {
        ("mean", "estimate"),
        ("mean", "ci_low"),
        ("mean", "deff"),
        ("agree_share", "ci_high"),
        ("agree_share", "deff"),
        ("dont_know_share", "ci_low"),
        ("dont_know_share", "se"),
        ("alpha", "estimate"),
        ("gap", "se"),
        ("weighting_efficiency", "estimate"),
    } <= compared


def test_group_tests_agree_with_r_survey(reference_result):
    # regTermTest(svyglm(index ~ group, des), ~group, method = "Wald"), the pairwise
    # svycontrast of the same model with t on its df, and p.adjust(method = "holm")
    reference = _reference()
    reference = reference[reference["case"].str.startswith(("groups_equal:", "pair:"))]
    tests = reference_result.group_tests.set_index(["measure", "test", "contrast"])
    compared = set()
    for row in reference.itertuples(index=False):
        test, measure, _ = row.case.split(":")
        contrast = row.domain if test == "pair" else ""
        if not measure:  # Holm over the measures: the domain is the measure
            measure, contrast = row.domain, ""
        ours, expected = float(tests.at[(measure, test, contrast), row.quantity]), float(row.value)
        relative, absolute = _tolerance(row.quantity)
        assert ours == pytest.approx(expected, rel=relative, abs=absolute), row.call
        compared.add((test, row.quantity))
    assert {("groups_equal", q) for q in ("f", "df", "ddf", "p_value", "p_value_holm")} | {
        ("pair", q) for q in ("estimate", "se", "ci_low", "ci_high", "p_value", "p_value_holm")
    } == (compared)
    assert len(reference) == 4 * (5 + 3 * 6)


# --- recovery of the simulated truth (truth.json) over several seeds --------------------------

RECOVERY_SEEDS = (101, 102, 103, 104, 105, 106)


@pytest.fixture(scope="module")
def recovered(tmp_path_factory) -> pd.DataFrame:
    """Simulate, clean and analyse one round per seed, with both variance designs.

    One row per interval with its truth; ``variance`` is the round config's
    ``estimation.variance`` (the default two-stage design, and methodology §1's one-stage).
    """
    simulate = pytest.importorskip("anchoring.simulate")
    cleaning = pytest.importorskip("anchoring.cleaning")
    root = tmp_path_factory.mktemp("recovery")
    rows = []
    for seed in RECOVERY_SEEDS:
        round_id = f"recovery-{seed}"
        simulate.simulate_round(root, round_id, seed)
        cleaning.clean_round(root, round_id)
        paths = RoundPaths(root, round_id)
        truth = json.loads(paths.truth_file.read_text("utf-8"))["truth"]
        config = paths.config_file.read_text("utf-8")
        assert "variance: two_stage" in config
        for variance in ("two_stage", "one_stage"):
            paths.config_file.write_text(
                config.replace("variance: two_stage", f"variance: {variance}"), "utf-8"
            )
            estimates = analyse_round(root, round_id).estimates
            rows += _recovery_rows(estimates, truth, seed=seed, variance=variance)
    table = pd.DataFrame(rows)
    table["covered"] = (table["ci_low"] <= table["truth"]) & (table["truth"] <= table["ci_high"])
    table["z"] = (table["estimate"] - table["truth"]) / table["se"]
    return table


def _recovery_rows(estimates: pd.DataFrame, truth: dict, **keys) -> list[dict]:
    """One row per truth.json value: the estimate, its interval and the true value."""
    shown = estimates[estimates["breakdown"] == ""].set_index(
        ["measure", "group", "dimension", "statistic"]
    )
    rows = []
    for measure, by_group in truth.items():
        for group, values in by_group.items():
            cells = [("index", "mean", values["index"])]
            for name, statistic in (
                ("agree_share", "agree_share"),
                ("dont_know_share", "dont_know_share"),
                ("mean_item", "mean"),
            ):
                cells += [(dim, statistic, v) for dim, v in values[name].items()]
            for dimension, statistic, true_value in cells:
                cell = shown.loc[(measure, group, dimension, statistic)]
                rows.append(
                    {
                        **keys,
                        "measure": measure,
                        "group": group,
                        "dimension": dimension,
                        "statistic": statistic,
                        "truth": true_value,
                        **cell[["estimate", "se", "ci_low", "ci_high"]].to_dict(),
                    }
                )
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("group", [*GROUPS, "sector"])
def test_intervals_cover_the_truth_at_the_nominal_rate(recovered, group):
    # The default two-stage design (anchoring.analysis.round_design): 95 % intervals must cover the
    # truth about 95 % of the time in every group, also where almost every organisation
    # answered (hospital trusts), and for the sector built from the three groups.
    rows = recovered[(recovered["variance"] == "two_stage") & (recovered["group"] == group)]
    index = rows[rows["dimension"] == "index"]
    # 24 intervals (6 seeds × 4 measures): at least 20 covered (P(≤ 19 | 95 %) = 0.006 by the
    # binomial)
    assert len(index) == 24 and index["covered"].sum() >= 20
    # the published intervals of the items: Korn–Graubard shares and t mean items for the
    # groups, normal for the sector; every one counts (a share at 0 % has a real interval now)
    items = rows[rows["dimension"] != "index"]
    assert len(items) == 6 * 4 * 7 * 3
    # an SE half or twice the truth gives about 68 % or 99.99 %: both fail. 92.8–95.4 % when
    # written (the items of one seed share respondents, so 504 intervals vary like far fewer)
    assert 0.92 <= items["covered"].mean() <= 0.97
    # mean z² of the index and mean items: 1 when SEs are right; the items of one seed share
    # respondents (strongly correlated z), so the band is wide, but an SE off by a factor of 2
    # (z² of 4 or 0.25) still fails
    means = rows[rows["statistic"] == "mean"]
    assert 0.4 <= float(np.mean(means["z"] ** 2)) <= 2.2


@pytest.mark.slow
def test_published_intervals_cover_at_93_to_97_percent(recovered):
    # Every published interval with a truth (index, shares, mean items; three groups and the
    # sector; trusts included), over the seeds: 93.7 % when written (issue 15: within 93–97 %)
    rows = recovered[recovered["variance"] == "two_stage"]
    assert set(rows["group"]) == {*GROUPS, "sector"} and len(rows) == 4 * 6 * 4 * (1 + 7 * 3)
    assert 0.93 <= rows["covered"].mean() <= 0.97
    trusts = rows[rows["group"] == "hospital"]
    assert 0.93 <= trusts["covered"].mean() <= 0.97


@pytest.mark.slow
def test_one_stage_design_under_covers_where_organisations_answered_almost_all(recovered):
    # Why the default is two-stage (docs/decisions.md): methodology §1's one-stage design with
    # the fpc treats an organisation's few respondents as the whole organisation, so where
    # nearly every trust answered its intervals are far too narrow. GPs are hardly affected.
    rows = recovered[(recovered["variance"] == "one_stage") & (recovered["se"] > 0)]
    coverage = rows.groupby("group")["covered"].mean()
    z2 = (rows["z"] ** 2).groupby(rows["group"]).mean()
    assert coverage["hospital"] < 0.85 and z2["hospital"] > 4, (coverage, z2)
    assert coverage["municipality"] < 0.90 and z2["municipality"] > 1.5, (coverage, z2)
    assert coverage["gp"] > 0.85


@pytest.mark.slow
def test_group_and_sector_indices_are_unbiased(recovered):
    index = recovered[(recovered["variance"] == "two_stage") & (recovered["dimension"] == "index")]
    error = (index["estimate"] - index["truth"]).groupby(index["group"]).mean()
    # mean error over 6 seeds × 4 measures, in index points (0–100); SEs are about 0.4 (GPs) to
    # 1.5 (trusts) per estimate
    assert set(error.index) == {*GROUPS, "sector"}
    assert abs(error["gp"]) < 0.5
    assert (error.abs() < 1.5).all(), error.to_dict()


def test_every_published_table_is_written_as_declared(analysed):
    _, paths, _ = analysed
    for table in (ESTIMATES, GROUP_TESTS, STATUS, DRIVERS, SENSITIVITY, DISTRIBUTIONS, THEMES):
        written = pq.read_schema(paths.processed_dir / table.file).remove_metadata()
        assert written.equals(table.arrow_schema()), table.file


def test_distributions_are_the_published_shares_split_and_hidden_with_them(analysed):
    result, paths, _ = analysed
    table = pd.read_parquet(paths.processed_dir / DISTRIBUTIONS.file)
    dimensions = INSTRUMENT.dimension_ids
    assert len(table) == len(INSTRUMENT.measure_ids) * len(GROUPS) * len(dimensions)
    keys = ["measure", "group", "dimension"]
    agree = _rows(result.estimates, breakdown="", statistic="agree_share").set_index(keys)
    index = _rows(result.estimates, breakdown="", dimension="index", statistic="mean")
    hidden_index = set(map(tuple, index.loc[index["is_suppressed"], ["measure", "group"]].values))
    published = agree[["estimate", "is_suppressed"]].add_suffix("_published")
    merged = table.join(published, on=keys)
    expected_hidden = merged["is_suppressed_published"] | np.array(
        [(m, g) in hidden_index for m, g in zip(merged["measure"], merged["group"], strict=True)]
    )
    assert merged["is_suppressed"].tolist() == expected_hidden.tolist()
    assert not merged["is_suppressed"].all()
    shown = merged[~merged["is_suppressed"]]
    shares = shown[["disagree", "neutral", "agree"]]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, rtol=1e-12)
    # the agree share twice: 4–5 of the category shares and the published proportion
    np.testing.assert_allclose(shown["agree"], shown["estimate_published"], rtol=1e-12)
    hidden = merged.loc[merged["is_suppressed"], ["disagree", "neutral", "agree"]]
    assert hidden.isna().all(axis=None)


def test_a_distribution_is_hidden_with_its_agree_share_or_its_group_index():
    estimates = pd.DataFrame(
        {
            "measure": ["pll"] * 4,
            "group": ["gp", "gp", "hospital", "hospital"],
            "breakdown": [""] * 4,
            "dimension": ["nytte", "index", "nytte", "index"],
            "statistic": ["agree_share", "mean", "agree_share", "mean"],
            "suppression_reason": ["too_few_respondents", "", "", "secondary_sector"],
        }
    )
    table = pd.DataFrame(
        {
            "measure": ["pll", "pll", "pll"],
            "group": ["gp", "hospital", "municipality"],
            "dimension": ["nytte"] * 3,
            **{c: [0.2, 0.3, 0.4] for c in ("disagree", "neutral", "agree", "dont_know")},
        }
    )
    hidden = suppress_distributions(table, estimates)
    assert hidden["suppression_reason"].tolist() == ["too_few_respondents", "secondary_index", ""]
    assert hidden["is_suppressed"].tolist() == [True, True, False]
    assert hidden["agree"].isna().tolist() == [True, True, False]

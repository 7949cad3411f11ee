"""Labelled, rounded tables of a round's published outputs, for the stage notebooks.

Codes become the instrument's and the frames' names (``pll`` → «PLL», ``municipality`` →
«Kommuner», ``municipality:46`` → «Vestland»), values are rounded as the report rounds them
(index one decimal, shares and consensus two), and a hidden value is shown as ":" (SSB's symbol,
methodology §7). These tables read the published files only; they compute nothing.
"""

from __future__ import annotations

import pandas as pd

from anchoring.groups import GROUPS, SECTOR
from anchoring.workbench.names import dimension_names, group_names, measure_names
from anchoring.workbench.round import Round
from anchoring.workbench.texts import text

HIDDEN = ":"
"""Shown in place of a suppressed value."""
INDEX_DECIMALS = 1
SHARE_DECIMALS = 2


def _rounded(values: pd.Series, decimals: int, hidden: pd.Series | None = None) -> pd.Series:
    shown = values.astype("float64").round(decimals).astype("object")
    if hidden is not None:
        shown = shown.mask(hidden.to_numpy(dtype=bool), HIDDEN)
    return shown


def _in_round_order(r: Round, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in the instrument's order of measures, then groups, then the sector."""
    measures = {m: k for k, m in enumerate(r.measures)}
    groups = {g: k for k, g in enumerate([*GROUPS, SECTOR])}
    key = rows["measure"].map(measures).fillna(len(measures)) * 10 + rows["group"].map(
        groups
    ).fillna(len(groups))
    return rows.assign(_order=key).sort_values("_order", kind="mergesort").drop(columns="_order")


def _p_values(values: pd.Series, hidden: pd.Series) -> pd.Series:
    shown = values.astype("float64").map(lambda p: "<0.001" if p < 0.001 else f"{p:.3f}")
    return shown.astype("object").mask(hidden.to_numpy(dtype=bool), HIDDEN)


def index_table(r: Round) -> pd.DataFrame:
    """The published anchoring index per measure and group (and sector), with its interval.

    Returns
    -------
    pandas.DataFrame
        Measure, group, index, interval low and high (one decimal, ":" when hidden),
        respondents and organisations, labelled in the round's language.
    """
    e = r.estimates
    rows = e[(e["breakdown"] == "") & (e["dimension"] == "index") & (e["statistic"] == "mean")]
    rows = _in_round_order(r, rows)
    hidden = rows["is_suppressed"]
    lang = r.lang
    return pd.DataFrame(
        {
            text("measure", lang): rows["measure"].map(measure_names(r.instrument, lang)),
            text("group", lang): rows["group"].map(group_names(r.instrument, lang)),
            text("index_short", lang): _rounded(rows["estimate"], INDEX_DECIMALS, hidden),
            text("interval_low", lang): _rounded(rows["ci_low"], INDEX_DECIMALS, hidden),
            text("interval_high", lang): _rounded(rows["ci_high"], INDEX_DECIMALS, hidden),
            text("respondents", lang): rows["n"].astype("int64"),
            text("organisations", lang): rows["n_orgs"].astype("int64"),
        }
    ).reset_index(drop=True)


def status_table(r: Round) -> pd.DataFrame:
    """Anchoring status per measure with the rule that decided it and the sector index."""
    lang = r.lang
    s = r.status
    return pd.DataFrame(
        {
            text("measure", lang): s["measure"].map(measure_names(r.instrument, lang)),
            text("status", lang): s[f"status_{lang}"],
            text("index_short", lang): _rounded(s["sector_index"], INDEX_DECIMALS),
            text("rule", lang).capitalize(): s[f"rule_{lang}"],
        }
    ).reset_index(drop=True)


def change_table(r: Round) -> pd.DataFrame | None:
    """Change of the index since the previous round per measure and group (None in a first round).

    Columns: measure, group, previous, current, change (one decimal, ":" when hidden) and the
    Holm-adjusted p-value (three decimals).
    """
    if r.change is None:
        return None
    lang = r.lang
    c = r.change[(r.change["dimension"] == "index") & (r.change["statistic"] == "mean")]
    c = _in_round_order(r, c)
    hidden = c["is_suppressed"]
    return pd.DataFrame(
        {
            text("measure", lang): c["measure"].map(measure_names(r.instrument, lang)),
            text("group", lang): c["group"].map(group_names(r.instrument, lang)),
            text("previous", lang): _rounded(c["estimate_previous"], INDEX_DECIMALS, hidden),
            text("current", lang): _rounded(c["estimate_current"], INDEX_DECIMALS, hidden),
            text("difference", lang): _rounded(c["change"], INDEX_DECIMALS, hidden),
            text("p_holm", lang): _p_values(c["p_value_holm"], hidden),
        }
    ).reset_index(drop=True)


def drivers_table(r: Round) -> pd.DataFrame | None:
    """The published drivers of readiness, labelled and rounded (None when the round has none).

    One row per measure, group and dimension: the standardised coefficient with its interval
    (two decimals, ":" when hidden) and the respondents behind it.
    """
    if r.drivers is None:
        return None
    lang = r.lang
    d = _in_round_order(r, r.drivers)
    hidden = d["is_suppressed"]
    return pd.DataFrame(
        {
            text("measure", lang): d["measure"].map(measure_names(r.instrument, lang)),
            text("group", lang): d["group"].map(group_names(r.instrument, lang)),
            text("dimension", lang): d["dimension"].map(dimension_names(r.instrument, lang)),
            text("value", lang): _rounded(d["estimate"], SHARE_DECIMALS, hidden),
            text("interval_low", lang): _rounded(d["ci_low"], SHARE_DECIMALS, hidden),
            text("interval_high", lang): _rounded(d["ci_high"], SHARE_DECIMALS, hidden),
            text("respondents", lang): d["n"].astype("int64"),
        }
    ).reset_index(drop=True)


def design_summary(r: Round) -> pd.DataFrame:
    """Size and settings of the round's design: respondents, PSUs, strata, df, variance, weights."""
    lang = r.lang
    data = r.responses
    psu = data.groupby(["stratum", "org_id"]).ngroups
    settings = r.config.estimation
    rows = {
        text("design_respondents", lang): len(data),
        text("design_psu", lang): psu,
        text("design_strata", lang): data["stratum"].nunique(),
        text("design_df", lang): r.design.degrees_of_freedom,
        text("design_variance", lang): settings.variance,
        text("design_weighting", lang): settings.weighting,
    }
    return pd.DataFrame({text("value", lang): pd.Series(rows, dtype="object")})


def suppression_counts(r: Round) -> pd.DataFrame:
    """How many published estimates are hidden, by reason."""
    reasons = r.estimates.loc[r.estimates["is_suppressed"], "suppression_reason"]
    counts = reasons.value_counts().sort_index()
    return pd.DataFrame(
        {text("reason", r.lang): counts.index, text("count", r.lang): counts.to_numpy()}
    )

"""The numbers behind the exploratory views: unweighted counts and shares of the kept rows.

These describe the respondents, not the population: they are unweighted and unsuppressed, for
the analyst's eyes (design-based estimates come from :attr:`Round.design` and the published
tables). Every function returns a tidy, labelled table in a deterministic order; the figures of
:mod:`anchoring.workbench.views` only draw them, so seaborn never computes a statistic.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from anchoring.analysis.scoring import score_column
from anchoring.workbench.names import GROUP_NAME, ROLE_NAME, STRATUM_NAME, measure_names
from anchoring.workbench.round import Round
from anchoring.workbench.texts import text

OSLO = ZoneInfo("Europe/Oslo")
SHARE_DECIMALS = 1


def responses_per_day(r: Round) -> pd.DataFrame:
    """Kept responses per fieldwork day (Oslo time) and group, zero days included.

    Returns
    -------
    pandas.DataFrame
        ``date`` (datetime64, midnight), ``group_name``, ``responses_n``, ``is_weekend``.
    """
    submitted = pd.to_datetime(r.responses["submitted_at"], utc=True).dt.tz_convert(OSLO)
    days = submitted.dt.tz_localize(None).dt.normalize()
    counts = (
        pd.DataFrame({"date": days, GROUP_NAME: r.responses[GROUP_NAME]})
        .groupby(["date", GROUP_NAME], sort=True)
        .size()
        .rename("responses_n")
    )
    fieldwork = r.config.fieldwork
    first = min(pd.Timestamp(fieldwork.start), days.min()) if len(days) else fieldwork.start
    last = max(pd.Timestamp(fieldwork.end), days.max()) if len(days) else fieldwork.end
    calendar = pd.date_range(first, last, freq="D")
    groups = sorted(r.responses[GROUP_NAME].unique())
    full = pd.MultiIndex.from_product([calendar, groups], names=["date", GROUP_NAME])
    table = counts.reindex(full, fill_value=0).reset_index()
    table["is_weekend"] = table["date"].dt.day_of_week >= 5
    return table


def reminder_dates(r: Round) -> list[dt.date]:
    """The round's reminder days, when its configuration records them (else empty)."""
    reminders = getattr(r.config.fieldwork, "reminders", None) or []
    return sorted(pd.Timestamp(d).date() for d in reminders)


def response_rates(r: Round) -> pd.DataFrame:
    """Published response rate per stratum (county or RHF) and group, in per cent.

    Returns
    -------
    pandas.DataFrame
        ``group_name``, ``stratum_name``, ``response_rate_pct`` (rounded), ``n_orgs``.
    """
    e = r.estimates
    rows = e[(e["statistic"] == "response_rate") & (e["breakdown"] == "stratum")]
    names = r.names()
    table = pd.DataFrame(
        {
            GROUP_NAME: rows["group"].map(names["group"]),
            STRATUM_NAME: rows["domain"].map(lambda s: names["stratum"].get(s, s)),
            "response_rate_pct": (100 * rows["estimate"]).round(SHARE_DECIMALS),
            "n_orgs": rows["n_orgs"],
        }
    )
    return table.sort_values([GROUP_NAME, STRATUM_NAME]).reset_index(drop=True)


def answer_shares(responses: pd.DataFrame, items: list[str], by: str) -> pd.DataFrame:
    """Share of each answer (scale points, «Vet ikke», «Ikke relevant») per item and ``by``.

    ``responses`` are labelled rows (:attr:`Round.responses`, or a subset of them). Unanswered
    items are left out; shares are of the answers given.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``by``, ``answer`` (ordered labels), ``share_pct`` (rounded), ``n``.
    """
    parts = []
    for item in items:
        answers = responses[[by, item]].dropna()
        counts = answers.groupby([by, item], observed=False, sort=True).size()
        counts = counts.rename("answers_n").reset_index().rename(columns={item: "answer"})
        totals = counts.groupby(by, sort=True)["answers_n"].transform("sum")
        counts["share_pct"] = (100 * counts["answers_n"] / totals.where(totals > 0)).round(
            SHARE_DECIMALS
        )
        counts["n"] = totals
        parts.append(counts.assign(item=item))
    table = pd.concat(parts, ignore_index=True)
    return table.loc[:, ["item", by, "answer", "share_pct", "n"]]


def dimension_correlation(r: Round, measure: str) -> pd.DataFrame:
    """Pearson correlation of the seven scored dimension items of a measure (pairwise, unweighted).

    Scored items run 1–5 with reverse keys applied; «Vet ikke» and «Ikke relevant» are missing.

    Returns
    -------
    pandas.DataFrame
        Square, dimension names on both axes, rounded to two decimals.
    """
    dimensions = {d.id: d.name[r.lang] for d in r.instrument.dimensions}
    columns = {score_column(f"{measure}__{d}"): name for d, name in dimensions.items()}
    scored = r.design_data_column  # the design's rows hold the scored items
    data = pd.DataFrame({name: scored(column) for column, name in columns.items()})
    return data.corr(method="pearson", min_periods=3).round(2)


def quality_flags(r: Round) -> pd.DataFrame:
    """Share of speeders and straight-liners per group, in per cent.

    Returns
    -------
    pandas.DataFrame
        ``group_name``, ``flag`` (its name), ``share_pct`` (rounded), ``n``.
    """
    flags = {
        "is_speeder": text("speeder", r.lang),
        "is_straightliner": text("straightliner", r.lang),
    }
    rows = []
    for column, name in flags.items():
        by_group = r.responses.groupby(GROUP_NAME, sort=True)[column]
        shares = (100 * by_group.mean()).round(SHARE_DECIMALS)
        rows.append(
            pd.DataFrame(
                {
                    GROUP_NAME: shares.index,
                    "flag": name,
                    "share_pct": shares.to_numpy(),
                    "n": by_group.size().to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def dont_know_by_role(r: Round) -> pd.DataFrame:
    """Share of «Vet ikke» among the answers to each measure's items, per group and role.

    Returns
    -------
    pandas.DataFrame
        ``group_name``, ``role_name``, ``measure`` (short name), ``dont_know_pct`` (rounded),
        ``n`` (respondents).
    """
    dont_know = r.instrument.non_substantive[0].label[r.lang]
    names = measure_names(r.instrument, r.lang)
    parts = []
    for measure in r.measures:
        items = r.instrument.item_ids(measure)
        answers = r.responses[items]
        given = answers.notna().sum(axis=1)
        said = (answers == dont_know).sum(axis=1)
        frame = r.responses[[GROUP_NAME, ROLE_NAME]].assign(said=said, given=given)
        sums = frame.groupby([GROUP_NAME, ROLE_NAME], sort=True).agg(
            said=("said", "sum"), given=("given", "sum"), n=("said", "size")
        )
        sums["dont_know_pct"] = (100 * sums["said"] / sums["given"].where(sums["given"] > 0)).round(
            SHARE_DECIMALS
        )
        parts.append(sums.reset_index().assign(measure=names[measure]))
    table = pd.concat(parts, ignore_index=True)
    return table.loc[:, [GROUP_NAME, ROLE_NAME, "measure", "dont_know_pct", "n"]]


def barrier_themes(r: Round) -> pd.DataFrame:
    """Share of the respondents who wrote a barrier comment that mention each theme, per group.

    Returns
    -------
    pandas.DataFrame
        ``group_name``, ``theme`` (its name), ``share_pct`` (rounded), ``n`` (comments).
    """
    wrote = r.responses[r.responses["has_barrier_text"].astype(bool)]
    rows = []
    for theme in r.instrument.themes:
        column = f"theme__{theme.id}"
        if column not in wrote.columns:
            continue
        by_group = wrote.groupby(GROUP_NAME, sort=True)[column]
        shares = (100 * by_group.mean()).round(SHARE_DECIMALS)
        rows.append(
            pd.DataFrame(
                {
                    GROUP_NAME: shares.index,
                    "theme": theme.name[r.lang],
                    "share_pct": shares.to_numpy(),
                    "n": by_group.size().to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)

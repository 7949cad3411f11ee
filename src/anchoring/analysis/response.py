"""Response rates and weighting efficiency of a round (methodology §8).

- **Response rate** per group and per stratum: responding PSUs / frame PSUs. The frame PSUs of a
  stratum are ``psu_n`` of the sampling frame (the design's fpc); strata of the frame without a
  single respondent count with rate 0, so a group's rate is over its whole frame.
- **Weighting efficiency** per group and for all respondents (``group = "sector"``): Kish's
  ``(Σw)² / (n Σw²)`` from :meth:`SurveyDesign.kish_efficiency`.

These rows describe the design, not anybody's answers, and are never suppressed. They carry
``measure = ""`` and ``dimension = ""``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from anchoring.analysis.estimate_rows import GROUP, ORG, STRATUM, RoundData
from anchoring.groups import GROUPS, SECTOR

logger = logging.getLogger(__name__)


def frame_strata(frame_psu_n: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """Frame PSUs per stratum, completed with the design's fpc for strata not in the frame.

    Parameters
    ----------
    frame_psu_n
        Columns ``group``, ``stratum``, ``psu_n`` from the sampling frames.
    data
        Respondent rows with ``group``, ``stratum``, ``fpc``.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``stratum``, ``psu_n``; one row per stratum of the frame or the data.
    """
    observed = data.groupby([GROUP, STRATUM], sort=True, observed=True)["fpc"].first()
    observed = observed.rename("psu_n").reset_index()
    known = frame_psu_n.set_index(STRATUM)["psu_n"]
    unknown = observed[~observed[STRATUM].isin(known.index)]
    if len(unknown):
        logger.warning(
            "strata %s are not in the sampling frame; their fpc gives the frame PSUs",
            sorted(unknown[STRATUM]),
        )
    table = pd.concat([frame_psu_n[[GROUP, STRATUM, "psu_n"]], unknown], ignore_index=True)
    return table.sort_values([GROUP, STRATUM], kind="mergesort").reset_index(drop=True)


def _rows(table: pd.DataFrame, statistic: str, breakdown: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure": "",
            "group": table[GROUP].astype("str").to_numpy(),
            "breakdown": breakdown,
            "domain": table[STRATUM].astype("str").to_numpy() if breakdown else "",
            "dimension": "",
            "statistic": statistic,
            "estimate": table["estimate"].to_numpy(dtype="float64"),
            "se": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "n": table["n"].to_numpy(dtype="int64"),
            "n_orgs": table["n_orgs"].to_numpy(dtype="int64"),
            "df": np.nan,
        }
    )


def estimate_response_rates(round_data: RoundData, strata: pd.DataFrame) -> list[pd.DataFrame]:
    """Response rate (responding PSUs / frame PSUs) per stratum and per group.

    Parameters
    ----------
    round_data
        The round's design and rows.
    strata
        Frame PSUs per stratum (:func:`frame_strata`).

    Returns
    -------
    list of pandas.DataFrame
        Tidy rows, statistic ``response_rate``; ``n`` respondents, ``n_orgs`` responding PSUs.
    """
    data = round_data.data
    counts = data.groupby([GROUP, STRATUM], sort=True, observed=True).agg(
        n=(ORG, "size"), n_orgs=(ORG, "nunique")
    )
    table = strata.merge(counts.reset_index(), on=[GROUP, STRATUM], how="left")
    table[["n", "n_orgs"]] = table[["n", "n_orgs"]].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["estimate"] = table["n_orgs"] / table["psu_n"].astype("float64")
    by_group = table.groupby(GROUP, sort=True).agg(
        n=("n", "sum"), n_orgs=("n_orgs", "sum"), psu_n=("psu_n", "sum")
    )
    by_group["estimate"] = by_group["n_orgs"] / by_group["psu_n"].astype("float64")
    by_group = by_group.reindex([g for g in GROUPS if g in by_group.index]).reset_index()
    return [_rows(by_group, "response_rate", ""), _rows(table, "response_rate", STRATUM)]


def estimate_weighting_efficiency(round_data: RoundData) -> list[pd.DataFrame]:
    """Kish's weighting efficiency per group and for all respondents (``sector``)."""
    data = round_data.data
    by_group = round_data.design.kish_efficiency(by=GROUP)
    orgs = data.groupby(GROUP, sort=True, observed=True)[ORG].nunique()
    by_group["n_orgs"] = orgs.reindex(by_group[GROUP]).to_numpy()
    overall = round_data.design.kish_efficiency()
    overall[GROUP] = SECTOR
    overall["n_orgs"] = int(orgs.sum())
    table = pd.concat([by_group, overall], ignore_index=True)
    return [_rows(table, "weighting_efficiency", "")]

"""Design weights, finite population correction and raking (methodology §§1, 8).

Each organisation counts once and the responding organisations of a stratum stand for all of it:

``weight = (N_h / n_h) × (1 / m_j)``

with ``N_h`` the frame's PSUs in stratum ``h`` (also the ``fpc`` column), ``n_h`` the responding
PSUs in the stratum, and ``m_j`` the valid respondents of organisation ``j`` (1 for a GP, who is
their own PSU). The weights of a stratum sum to ``N_h``. This is the design of R's
``svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)``.

Weighting efficiency (Kish, ``(Σw)² / (n Σw²)``) is
:func:`anchoring.survey.descriptive.kish_efficiency`, the package's one formula for it.

Raking (optional, methodology §1, ``estimation.weighting: raked``): the design weights raked to
the frame's counts of organisations by the columns the round names (``estimation.margins``),
:func:`prepare_raking` then :meth:`anchoring.survey.SurveyDesign.rake`, which takes the
calibration into every standard error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError
from anchoring.frames import Frames


def design_weights(frame: pd.DataFrame, psu_n: Mapping[str, int]) -> pd.DataFrame:
    """Design weight and fpc of each respondent.

    Parameters
    ----------
    frame
        One row per kept respondent with ``stratum`` (group-qualified) and ``org_id`` (the PSU;
        for GPs the respondent key).
    psu_n
        Frame PSUs per stratum (``N_h``), e.g. :meth:`anchoring.frames.Frame.psu_n`.

    Returns
    -------
    pandas.DataFrame
        ``fpc`` (int64, ``N_h``) and ``weight`` (float64), index as ``frame``.

    Raises
    ------
    DesignError
        A stratum is not in the frame, or has more responding PSUs than the frame holds.

    Examples
    --------
    >>> rows = pd.DataFrame({"stratum": ["s", "s", "s"], "org_id": ["a", "a", "b"]})
    >>> design_weights(rows, {"s": 10})["weight"].tolist()  # (10/2)·(1/2), (10/2)·(1/2), 10/2
    [2.5, 2.5, 5.0]
    """
    if frame.empty:
        return pd.DataFrame(
            {"fpc": pd.Series(dtype="int64"), "weight": pd.Series(dtype="float64")},
            index=frame.index,
        )
    unknown = sorted(set(pd.unique(frame["stratum"])) - set(psu_n))  # distinct values, not rows
    if unknown:
        raise DesignError(
            f"strata {unknown} are not in the sampling frame; check the frames "
            "and the organisation ids."
        )
    strata, stratum_names = pd.factorize(frame["stratum"])
    orgs, _ = pd.factorize(frame["org_id"])
    pair = strata.astype("int64") * (int(orgs.max()) + 1) + orgs
    pair_index, pairs = pd.factorize(pair)  # hashing: no sort of the rows
    per_pair = np.bincount(pair_index, minlength=len(pairs))
    responding_by_stratum = np.bincount(
        pairs // (int(orgs.max()) + 1), minlength=len(stratum_names)
    )
    population_by_stratum = np.array([int(psu_n[s]) for s in stratum_names], dtype="int64")
    over = [
        s
        for s, n, big_n in zip(
            stratum_names, responding_by_stratum, population_by_stratum, strict=True
        )
        if n > big_n
    ]
    if over:
        raise DesignError(
            f"strata {sorted(over)} have more responding organisations than the frame holds; "
            "supply the round's own frame (round.yaml 'frames')."
        )
    population = population_by_stratum[strata]
    weight = population / responding_by_stratum[strata] / per_pair[pair_index]
    return pd.DataFrame(
        {"fpc": population.astype("int64"), "weight": weight.astype("float64")}, index=frame.index
    )


GROUP_MARGIN = "margin__group"
"""The calibration variable that holds every group's total (:func:`prepare_raking`)."""
REFERENCE_LEVEL = "reference"
"""The level of a group's margin that its first level shares with the other groups' rows."""


def prepare_raking(
    data: pd.DataFrame,
    margins: Mapping[str, Sequence[str]],
    frames: Frames,
) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """The margin columns and population totals that rake a round (``estimation.margins``).

    Each organisation of the frame counts once, so a margin's population totals are the
    frame's counts of organisations per level of the named column. The round's design holds
    all three groups while a margin belongs to one, so the calibration variables are:

    - ``margin__group``: the group, with its total: the frame's count of organisations for a
      raked group, what its rows already sum to (the design weights) for any other. A group
      that is not raked thus keeps its weights (calibrating a group to its own total changes
      neither its weights nor, since a domain mean's influence values sum to zero within the
      group, its variance).
    - one ``margin__<group>__<column>`` per named group and column: the level
      ``<group>:<value>`` for the group's rows, except that the column's first level (in sorted
      order) shares the level ``reference`` with every other group's rows; its total is the
      grand total less the other levels'. The group's total is already in ``margin__group``,
      so this is the column's information and no more: giving the other groups' rows levels
      of their own in every margin (or the group's first level one of its own) would repeat
      ``margin__group``'s indicators, and two margins would be collinear.

    Every variable has the same grand total, as :meth:`anchoring.survey.SurveyDesign.rake`
    requires; it is R's ``calibrate(des, ~group + <indicators of each column's levels but
    one within the group>, population = ..., calfun = "raking")`` (the same calibration
    space, so the same weights and variance; ``tests/r/reference_change_raking.R``).

    Parameters
    ----------
    data
        Respondent rows with ``group``, ``org_id`` and ``weight`` (design weights).
    margins
        Group → frame columns to rake to (``RoundConfig.estimation.margins``).
    frames
        The round's frames (:func:`anchoring.frames.load_frames`).

    Returns
    -------
    (pandas.DataFrame, dict)
        ``data`` with the margin columns, and the margins ``{column: {level: total}}``
        (``margin__group`` first).

    Raises
    ------
    FrameError
        A named column is not in the group's frame (or the group's frame lists no units).
    DesignError
        A level of the frame has no respondents (raking cannot give it weight).
    """
    named = {g: list(columns) for g, columns in margins.items() if columns}
    group = data["group"].astype("str")
    group_totals = {
        g: float(len(frames[g].units))
        if g in named
        else float(data.loc[group == g, "weight"].sum())
        for g in sorted(set(group))
    }
    grand_total = sum(group_totals.values())
    columns: dict[str, pd.Series] = {GROUP_MARGIN: group}
    totals: dict[str, dict[str, float]] = {GROUP_MARGIN: group_totals}
    for g, names in named.items():
        for column in names:
            name = f"margin__{g}__{column}"
            columns[name], totals[name] = _within_group_margin(data, g, column, frames, grand_total)
    return data.assign(**columns), totals


def _within_group_margin(
    data: pd.DataFrame, group: str, column: str, frames: Frames, grand_total: float
) -> tuple[pd.Series, dict[str, float]]:
    """One group's frame column as a calibration variable and its totals (``prepare_raking``)."""
    levels = frames[group].margin_levels(column).astype("str")
    population = levels.value_counts().sort_index().astype("float64")
    rows = data["group"].astype("str") == group
    answered = data.loc[rows, "org_id"].astype("str").map(levels)
    _check_levels_answered(group, column, population.index, answered)
    values = pd.Series(REFERENCE_LEVEL, index=data.index, dtype="str")
    named_level = rows.copy()
    named_level[rows] = answered != population.index[0]
    values[named_level] = group + ":" + answered[named_level[rows]]
    kept = population.iloc[1:]
    level_totals = {f"{group}:{level}": total for level, total in kept.items()}
    return values, {REFERENCE_LEVEL: grand_total - float(kept.sum())} | level_totals


def _check_levels_answered(group: str, column: str, levels: pd.Index, answered: pd.Series) -> None:
    empty = sorted(str(level) for level in set(levels) - set(answered))
    if empty:
        raise DesignError(
            f"estimation.margins.{group}: level(s) {empty[:10]} of frame column '{column}' "
            "have organisations in the frame but no respondents, so raking cannot give them "
            "weight. Merge those levels in the frame column (a coarser class) or leave "
            f"'{column}' out of the margins."
        )

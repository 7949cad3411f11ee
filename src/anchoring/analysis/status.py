"""The anchoring status of a measure and the rule that decided it (methodology §6).

Rules, checked in this order, with the thresholds of ``RoundConfig.estimation.status``:

=============  ==============================================================================
status id      rule (defaults)
=============  ==============================================================================
not_assessed   a group's index is suppressed (or missing), or the sector index is
well           sector index ≥ 65, every group's lower 95 % limit ≥ 50 and every group's
               consensus ≥ 0.60
partly         sector index ≥ 50, not well anchored
weak           sector index < 50
=============  ==============================================================================

"Consensus" is the measure-level Tastle–Wierman consensus (mean over the measure's items) of
each group: the methodology places consensus inside a group (§4), so the rule requires it of
every group, like the lower limit. A missing consensus counts as not meeting the threshold.

Beside the status, ``status.parquet`` carries what the group tests found
(:mod:`anchoring.analysis.group_tests`, methodology §5): the Holm-adjusted p-value of the test
that the groups are equal, whether the highest and the lowest group differ, and the group that
lags or leads (its contrasts with both other groups significant), or ``""``. The report's
headlines and main points name a group only from these columns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from anchoring.groups import GROUPS
from anchoring.instrument import LANGUAGES
from anchoring.intake.round_config import StatusRule
from anchoring.schema import STATUS_IDS
from anchoring.texts import text


@dataclass(frozen=True)
class MeasureStatus:
    """The status of one measure with the rule that decided it.

    Attributes
    ----------
    status
        One of ``well``, ``partly``, ``weak``, ``not_assessed``.
    rule
        The deciding rule in ``nb`` and ``en`` (thresholds filled in).
    """

    status: str
    rule: dict[str, str]

    def label(self, lang: str) -> str:
        """The status label in ``lang`` (``nb`` or ``en``)."""
        return text(f"status_{self.status}", lang)


def _number(value: float, lang: str) -> str:
    text = f"{value:g}" if float(value).is_integer() else f"{value:.2f}"
    return text.replace(".", ",") if lang == "nb" else text


def _well_text(rule: StatusRule, lang: str, level: float) -> str:
    return text(
        "rule_well_condition",
        lang,
        pct=_number(round(100 * level, 6), lang),
        index=_number(rule.well_index, lang),
        limit=_number(rule.well_group_lower_limit, lang),
        consensus=_number(rule.well_consensus, lang),
    )


def rule_texts(rule: StatusRule, level: float = 0.95) -> dict[str, dict[str, str]]:
    """The rule of each status in nb and en, thresholds filled in (for the report's legend).

    The sentences are the text catalog's ``rule_*`` entries (``instrument/texts.yaml``).

    Parameters
    ----------
    rule
        The thresholds.
    level
        Confidence level of the group intervals (``RoundConfig.estimation.level``).

    Returns
    -------
    dict
        Status id → ``{"nb": text, "en": text}``.
    """
    out: dict[str, dict[str, str]] = {}
    for status in STATUS_IDS:
        out[status] = {
            lang: text(
                f"rule_{status}",
                lang,
                condition=_well_text(rule, lang, level),
                partly=_number(rule.partly_index, lang),
            )
            for lang in LANGUAGES
        }
    return out


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def assess_status(
    sector_index: float | None,
    group_lower_limits: Mapping[str, float | None],
    group_consensus: Mapping[str, float | None],
    rule: StatusRule | None = None,
    level: float = 0.95,
) -> MeasureStatus:
    """Decide the anchoring status of one measure.

    Parameters
    ----------
    sector_index
        The sector index (equal-weight mean of the groups); None/NaN when suppressed.
    group_lower_limits
        Group id → lower limit of the 95 % interval of the group index; None/NaN when
        suppressed. Every group of :data:`GROUPS` must be present.
    group_consensus
        Group id → measure-level Tastle–Wierman consensus of the group.
    rule
        The thresholds (default: methodology §6).
    level
        Confidence level of the group intervals, for the rule text.

    Returns
    -------
    MeasureStatus
        The status id and the rule text that decided it.
    """
    rule = rule or StatusRule()
    texts = rule_texts(rule, level)
    limits = [group_lower_limits.get(g) for g in GROUPS]
    if _missing(sector_index) or any(_missing(v) for v in limits):
        return MeasureStatus("not_assessed", texts["not_assessed"])
    consensus = [group_consensus.get(g) for g in GROUPS]
    is_well = (
        sector_index >= rule.well_index
        and all(v >= rule.well_group_lower_limit for v in limits)
        and all(not _missing(c) and c >= rule.well_consensus for c in consensus)
    )
    if is_well:
        return MeasureStatus("well", texts["well"])
    if sector_index >= rule.partly_index:
        return MeasureStatus("partly", texts["partly"])
    return MeasureStatus("weak", texts["weak"])


GROUP_FINDING_DEFAULTS: dict[str, object] = {
    "group_test_p_value_holm": math.nan,
    "has_group_difference": False,
    "lagging_group": "",
    "leading_group": "",
}
"""The group-test columns of ``status.parquet`` and their values when a measure has no test."""


def assess_round_status(
    estimates: pd.DataFrame,
    measures: list[str],
    rule: StatusRule | None = None,
    level: float = 0.95,
    group_findings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The status of every measure from the suppressed tidy estimates of a round.

    Parameters
    ----------
    estimates
        Tidy estimates after suppression (``estimates.parquet`` rows).
    measures
        The round's measures, in report order.
    rule
        The thresholds.
    level
        Confidence level of the group intervals in ``estimates``.
    group_findings
        One row per measure with the columns of :data:`GROUP_FINDING_DEFAULTS`
        (:func:`anchoring.analysis.group_tests.summarise_group_findings`); a measure without a
        row gets the defaults (no difference found).

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure, status, status_nb, status_en, rule_nb, rule_en,
        sector_index, min_group_ci_low, min_group_consensus_tw``, then
        ``group_test_p_value_holm, has_group_difference, lagging_group, leading_group``.
    """
    overall = estimates[(estimates["breakdown"] == "") & (estimates["dimension"] == "index")]
    index = overall[overall["statistic"] == "mean"].set_index(["measure", "group"])
    tw = overall[overall["statistic"] == "consensus_tw"].set_index(["measure", "group"])
    findings = _findings_by_measure(group_findings)
    rows = []
    for measure in measures:
        sector = _lookup(index, measure, "sector", "estimate")
        limits = {g: _lookup(index, measure, g, "ci_low") for g in GROUPS}
        consensus = {g: _lookup(tw, measure, g, "estimate") for g in GROUPS}
        result = assess_status(sector, limits, consensus, rule, level)
        rows.append(
            {
                "measure": measure,
                "status": result.status,
                "status_nb": result.label("nb"),
                "status_en": result.label("en"),
                "rule_nb": result.rule["nb"],
                "rule_en": result.rule["en"],
                "sector_index": sector,
                "min_group_ci_low": _min(limits.values()),
                "min_group_consensus_tw": _min(consensus.values()),
                **findings.get(measure, GROUP_FINDING_DEFAULTS),
            }
        )
    return pd.DataFrame(rows)


def _findings_by_measure(group_findings: pd.DataFrame | None) -> dict[str, dict[str, object]]:
    if group_findings is None:
        return {}
    columns = list(GROUP_FINDING_DEFAULTS)
    return {
        str(row["measure"]): {c: row[c] for c in columns}
        for row in group_findings.to_dict("records")
    }


def _lookup(table: pd.DataFrame, measure: str, group: str, column: str) -> float:
    try:
        value = table.at[(measure, group), column]
    except KeyError:
        return math.nan
    return math.nan if pd.isna(value) else float(value)


def _min(values) -> float:
    present = [v for v in values if not _missing(v)]
    return min(present) if present else math.nan

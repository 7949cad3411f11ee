"""Active titles for the measure sections: the finding, not the topic.

«PLL er godt forankret, men fastlegene henger etter» instead of «PLL». The title states the
measure's status (methodology §6) and names a group only when the group tests of the analysis
stage single it out (methodology §5; ``status.parquet``'s ``lagging_group`` and
``leading_group``: the Wald test of equal groups significant after Holm over the measures, and
the group's contrasts with both other groups significant after Holm over the pairs); otherwise
it says there is no clear difference between the groups.
"""

from __future__ import annotations

from anchoring.groups import GROUPS
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise


def _named_group(report: Report, measure: str, column: str) -> str | None:
    group = report.status_of(measure).get(column)
    return str(group) if isinstance(group, str) and group in GROUPS else None


def lagging_group(report: Report, measure: str) -> str | None:
    """The group that lags by the group tests (``status.parquet``), else None."""
    return _named_group(report, measure, "lagging_group")


def leading_group(report: Report, measure: str) -> str | None:
    """The group that leads by the group tests (``status.parquet``), else None."""
    return _named_group(report, measure, "leading_group")


def measure_headline(report: Report, measure: str) -> str:
    """The active title of a measure's section, in the report language."""
    labels = report.labels
    status = str(report.status_of(measure).get("status", "not_assessed"))
    subject = capitalise(labels.measure_short(measure))
    if status == "not_assessed":
        hidden = [
            labels.group_in_sentence(g)
            for g, e in report.estimates.index_by_group(measure).items()
            if g in GROUPS and (e is None or not e.is_shown)
        ]
        word = f" {labels.text('and')} "
        group = word.join(hidden) or labels.group_in_sentence("sector")
        return labels.text("headline_not_assessed", m=subject, g=group)
    lagging, leading = lagging_group(report, measure), leading_group(report, measure)
    kind, group = ("lagging", lagging) if lagging else ("leading", leading) if leading else ("", "")
    key = f"headline_{status}_{kind}" if kind else f"headline_{status}"
    return labels.text(key, m=subject, g=labels.group_in_sentence(group) if group else "")

"""Active titles for the measure sections: the finding, not the topic.

«PLL er godt forankret, men fastlegene henger etter» instead of «PLL». The title states the
measure's status (methodology §6) and, when the gap between the highest and the lowest group is
statistically significant (the analysis stage's two-sided z-test of the ``gap`` estimate, §5),
names the group that lags.
"""

from __future__ import annotations

from anchoring.groups import GROUPS
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise

ALPHA = 0.05
"""A gap counts as real when its p-value is below this."""

_TITLES = {
    ("well", True): {
        "nb": "{m} er godt forankret, men {g} henger etter",
        "en": "{m} is well anchored, but {g} lag behind",
    },
    ("well", False): {
        "nb": "{m} er godt forankret i alle grupper",
        "en": "{m} is well anchored in every group",
    },
    ("partly", True): {
        "nb": "{m} er delvis forankret, og {g} henger etter",
        "en": "{m} is partly anchored, and {g} lag behind",
    },
    ("partly", False): {
        "nb": "{m} er delvis forankret, likt i gruppene",
        "en": "{m} is partly anchored, alike across groups",
    },
    ("weak", True): {
        "nb": "{m} er svakt forankret, svakest hos {g}",
        "en": "{m} is weakly anchored, weakest among {g}",
    },
    ("weak", False): {
        "nb": "{m} er svakt forankret i alle grupper",
        "en": "{m} is weakly anchored in every group",
    },
    ("not_assessed", False): {
        "nb": "{m}: ikke vurdert, for få svar fra {g}",
        "en": "{m}: not assessed, too few responses from {g}",
    },
}


def lagging_group(report: Report, measure: str) -> str | None:
    """The group with the lowest index when the gap to the highest is significant, else None."""
    gap = report.estimates.get(measure, "sector", "gap")
    if gap is None or not gap.is_shown or gap.p_value is None or gap.p_value >= ALPHA:
        return None
    shown = {
        g: e.estimate
        for g, e in report.estimates.index_by_group(measure).items()
        if g in GROUPS and e is not None and e.is_shown
    }
    return min(shown, key=shown.get) if len(shown) >= 2 else None


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
        word = " og " if report.lang == "nb" else " and "
        group = word.join(hidden) or labels.group_in_sentence("sector")
        return _TITLES[("not_assessed", False)][report.lang].format(m=subject, g=group)
    lagging = lagging_group(report, measure)
    template = _TITLES[(status, lagging is not None)][report.lang]
    return template.format(m=subject, g=labels.group_in_sentence(lagging) if lagging else "")

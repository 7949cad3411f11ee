"""The drivers section: what goes with readiness, from ``drivers.parquet`` (methodology §9).

One table per measure: the standardised coefficient of each of the six dimensions in the
design-based regression of readiness, per group, with its interval; ":" where the group was not
modelled (too few organisations). Worded as association, never cause. Reads only the
published table (:attr:`anchoring.report.inputs.Report.drivers`).
"""

from __future__ import annotations

import pandas as pd

from anchoring.report.html import HtmlBlock, anchor_id, element, escape
from anchoring.report.inputs import Report
from anchoring.report.numbers import SUPPRESSED, format_estimate_with_interval

DRIVER_WORDS: dict[str, dict[str, str]] = {
    "heading": {"nb": "Hva henger sammen med beredskap", "en": "What goes with readiness"},
    "intro": {
        "nb": "Tabellen viser hvor sterkt hver dimensjon henger sammen med beredskapen for "
        "tiltaket når de andre dimensjonene holdes fast (standardiserte koeffisienter fra en "
        "designbasert regresjon, med 95 % konfidensintervall). Et tall over 0 betyr at de som "
        "svarer høyere på dimensjonen, også svarer høyere på beredskap. Det er en sammenheng, "
        "ikke et bevis for årsak.",
        "en": "The table shows how strongly each dimension goes with readiness for the "
        "measure when the other dimensions are held fixed (standardised coefficients from a "
        "design-based regression, with 95 % confidence intervals). A value above 0 means that "
        "those who score higher on the dimension also score higher on readiness. It is an "
        "association, not evidence of cause.",
    },
    "hidden": {
        "nb": ": = ikke beregnet, for få organisasjoner for modellen (under 10 per koeffisient).",
        "en": ": = not computed, too few organisations for the model (fewer than 10 per "
        "coefficient).",
    },
    "dimension": {"nb": "Dimensjon", "en": "Dimension"},
}
"""Every word of the section, in both report languages."""

_ID = {"nb": "beredskap-sammenheng", "en": "readiness-drivers"}


def drivers_section(report: Report) -> HtmlBlock:
    """The drivers section, or an empty block when the round has no ``drivers.parquet``."""
    table = report.drivers
    if table is None or table.empty:
        return HtmlBlock("")
    lang = report.lang
    parts = [
        element("h2", escape(DRIVER_WORDS["heading"][lang]), id=_ID[lang]),
        element("p", escape(DRIVER_WORDS["intro"][lang])),
    ]
    for measure in report.measures:
        rows = table[table["measure"] == measure]
        if not rows.empty:
            parts.append(_measure_table(report, measure, rows))
    parts.append(element("p", escape(DRIVER_WORDS["hidden"][lang]), class_="note"))
    return HtmlBlock("".join(parts))


def _measure_table(report: Report, measure: str, rows: pd.DataFrame) -> str:
    labels, lang = report.labels, report.lang
    groups = [g for g in report.groups if g in set(rows["group"])]
    head = element("th", escape(DRIVER_WORDS["dimension"][lang]), scope="col") + "".join(
        element("th", escape(labels.group(g)), scope="col") for g in groups
    )
    body = []
    for dimension in dict.fromkeys(rows["dimension"]):
        cells = element("th", escape(labels.dimension(dimension)), scope="row")
        for group in groups:
            row = rows[(rows["group"] == group) & (rows["dimension"] == dimension)].iloc[0]
            text = (
                SUPPRESSED
                if bool(row["is_suppressed"])
                else format_estimate_with_interval(
                    row["estimate"], row["ci_low"], row["ci_high"], lang, decimals=2
                )
            )
            cells += element("td", escape(text))
        body.append(element("tr", cells))
    caption = element("caption", escape(labels.measure(measure)))
    return element(
        "table",
        caption + element("thead", element("tr", head)) + element("tbody", "".join(body)),
        class_="drivers",
        id=anchor_id(_ID[lang], measure),
    )

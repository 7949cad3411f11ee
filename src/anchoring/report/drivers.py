"""The drivers section: what goes with readiness, from ``drivers.parquet`` (methodology §9).

One table per measure: the standardised coefficient of each of the six dimensions in the
design-based regression of readiness, per group, with its interval; ":" where the group was not
modelled (too few organisations). Worded as association, never cause. Reads only the
published table (:attr:`anchoring.report.inputs.Report.drivers`).
"""

from __future__ import annotations

import pandas as pd

from anchoring.report.html import HtmlBlock, anchor_id, element, escape, table_region
from anchoring.report.inputs import Report
from anchoring.report.numbers import SUPPRESSED, format_estimate_with_interval
from anchoring.texts import text

_ID = {"nb": "beredskap-sammenheng", "en": "readiness-drivers"}


def drivers_section(report: Report) -> HtmlBlock:
    """The drivers section, or an empty block when the round has no ``drivers.parquet``."""
    table = report.drivers
    if table is None or table.empty:
        return HtmlBlock("")
    lang = report.lang
    parts = [
        element("h2", escape(text("drivers_heading", lang)), id=_ID[lang]),
        element("p", escape(text("drivers_intro", lang))),
    ]
    for measure in report.measures:
        rows = table[table["measure"] == measure]
        if not rows.empty:
            parts.append(_measure_table(report, measure, rows))
    parts.append(element("p", escape(text("drivers_hidden", lang)), class_="note"))
    return HtmlBlock("".join(parts))


def _measure_table(report: Report, measure: str, rows: pd.DataFrame) -> str:
    labels, lang = report.labels, report.lang
    groups = [g for g in report.groups if g in set(rows["group"])]
    head = element("th", escape(labels.text("dimension")), scope="col") + "".join(
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
    table = element(
        "table",
        caption + element("thead", element("tr", head)) + element("tbody", "".join(body)),
        class_="drivers",
        id=anchor_id(_ID[lang], measure),
    )
    return table_region(table, labels.measure(measure))

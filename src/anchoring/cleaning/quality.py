"""The cleaning quality report (``quality.json``) and its Markdown table for notebook 01.

What it holds (all counts; no respondent-level value and no free text):

- per source: file, detected format, encoding, delimiter, decimal mark, header row, rows read,
  kept, excluded by reason, flagged by reason, redactions by type, items the source does not map;
- totals over the round, with the accounting identity ``rows_read = kept + excluded``, and the
  submission time of the last kept response (``last_response_at``, ISO 8601 in UTC; the report's
  "data as of" date);
- per group and item: item nonresponse, «Vet ikke» and «Ikke relevant» shares among kept
  respondents (unweighted);
- per group and stratum: responding PSUs / frame PSUs (methodology §8), and per group the
  weighting efficiency (Kish).

Written deterministically: keys sorted, floats rounded to :data:`FLOAT_DIGITS` decimals, lists in
a fixed order, no time of the run (the one time in it, ``last_response_at``, comes from the data).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from anchoring.cleaning.answer_codes import code_arrays
from anchoring.frames import Frames
from anchoring.groups import GROUPS
from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE
from anchoring.survey.descriptive import kish_efficiency

FLOAT_DIGITS = 6
GROUP_ORDER = GROUPS


def _clean_floats(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, FLOAT_DIGITS) + 0.0
    if isinstance(value, dict):
        return {str(k): _clean_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_floats(v) for v in value]
    return value


def quality_json_text(quality: dict) -> str:
    """The report as JSON text: sorted keys, fixed float precision, UTF-8, final newline."""
    return json.dumps(_clean_floats(quality), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def write_quality_json(quality: dict, path: Path) -> None:
    """Write :func:`quality_json_text` to ``path``."""
    path.write_text(quality_json_text(quality), encoding="utf-8", newline="\n")


def last_response_at(responses: pd.DataFrame) -> str | None:
    """The latest ``submitted_at`` of the kept responses, ISO 8601 in UTC (``None`` if none).

    To the microsecond, as ``responses.parquet`` stores it (``timestamp[us, UTC]``).
    """
    if "submitted_at" not in responses:
        return None
    times = pd.to_datetime(responses["submitted_at"], utc=True).dropna()
    return times.max().floor("us").isoformat() if len(times) else None


def item_rates(responses: pd.DataFrame, item_ids: list[str]) -> list[dict]:
    """Per group and item: kept respondents, nonresponse, «Vet ikke» and «Ikke relevant» shares."""
    group_of = responses["group"].to_numpy(dtype=object, na_value=None)
    rows = []
    for group in GROUP_ORDER:
        in_group = group_of == group
        n = int(in_group.sum())
        if n == 0:
            continue
        every = n == len(responses)  # one group only: no row selection needed
        for item in item_ids:
            values, missing = code_arrays(responses[item])
            answered = ~missing if every else ~missing & in_group
            blank = int(missing.sum()) if every else int(np.count_nonzero(missing & in_group))
            rows.append(
                {
                    "group": group,
                    "item_id": item,
                    "respondents_n": n,
                    "nonresponse_share": blank / n,
                    "dont_know_share": int(np.count_nonzero((values == DONT_KNOW) & answered)) / n,
                    "not_applicable_share": int(
                        np.count_nonzero((values == NOT_APPLICABLE) & answered)
                    )
                    / n,
                }
            )
    return rows


def response_rates(responses: pd.DataFrame, frames: Frames) -> tuple[list[dict], list[dict]]:
    """Response rate per stratum and per group: responding PSUs / frame PSUs (methodology §8)."""
    strata_rows, group_rows = [], []
    for group in GROUP_ORDER:
        part = responses[responses["group"] == group]
        strata = frames[group].strata
        responding = part.groupby("stratum", observed=True)["org_id"].nunique()
        respondents = part.groupby("stratum", observed=True).size()
        for row in strata.itertuples(index=False):
            psu = int(responding.get(row.stratum, 0))
            strata_rows.append(
                {
                    "group": group,
                    "stratum": row.stratum,
                    "stratum_name": row.stratum_name,
                    "frame_psu_n": int(row.psu_n),
                    "responding_psu_n": psu,
                    "respondents_n": int(respondents.get(row.stratum, 0)),
                    "response_rate_share": psu / int(row.psu_n),
                }
            )
        frame_n = int(strata["psu_n"].sum())
        psu_total = int(part["org_id"].nunique())
        group_rows.append(
            {
                "group": group,
                "frame_psu_n": frame_n,
                "responding_psu_n": psu_total,
                "respondents_n": len(part),
                "response_rate_share": psu_total / frame_n,
                "weighting_efficiency": _weighting_efficiency(part["weight"]),
            }
        )
    return strata_rows, group_rows


def _weighting_efficiency(weights: pd.Series) -> float:
    """Kish's weighting efficiency of one group (methodology §8), NaN for no weights.

    The one formula of the package, :func:`anchoring.survey.descriptive.kish_efficiency`, with
    the group as its only domain.
    """
    values = weights.to_numpy(dtype="float64")
    efficiency, _ = kish_efficiency(values, np.zeros(len(values), dtype=np.intp), 1)
    return float(efficiency[0])


def _reasons(counts: dict[str, int]) -> str:
    shown = [f"{k} {v}" for k, v in sorted(counts.items()) if v]
    return ", ".join(shown) if shown else "–"


def quality_markdown(quality: dict) -> str:
    """Markdown tables of the report: one row per source, then one row per group."""
    lines = [
        "| source | group | file | format | encoding | delimiter | header row | rows read | kept "
        "| excluded | flagged | redacted |",
        "|---|---|---|---|---|---|---:|---:|---:|---|---|---|",
    ]
    for s in quality["sources"]:
        excluded = sum(s["excluded_by_reason"].values())
        lines.append(
            f"| {s['source_id']} | {s['group']} | {markdown_text(s['file'])} | {s['format']} "
            f"| {markdown_text(s['encoding'] or '–')} | {_show_delimiter(s['delimiter'])} "
            f"| {s['header_row'] or '–'} | {s['rows_read']} | {s['kept']} "
            f"| {excluded} ({_reasons(s['excluded_by_reason'])}) "
            f"| {_reasons(s['flagged_by_reason'])} | {_reasons(s['redactions_by_type'])} |"
        )
    totals = quality["totals"]
    lines.append(
        f"| **all** | | | | | | | **{totals['rows_read']}** | **{totals['kept']}** "
        f"| **{totals['excluded']}** | | |"
    )
    lines += [
        "",
        "| group | respondents | responding organisations | frame organisations "
        "| response rate | weighting efficiency (Kish) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for g in quality["groups"]:
        eff = g["weighting_efficiency"]
        lines.append(
            f"| {g['group']} | {g['respondents_n']} | {g['responding_psu_n']} "
            f"| {g['frame_psu_n']} | {100 * g['response_rate_share']:.1f} % "
            f"| {'–' if eff is None or eff != eff else f'{eff:.2f}'} |"
        )
    return "\n".join(lines) + "\n"


def totals_markdown(quality: dict) -> str:
    """Markdown table of the round's totals: exclusions, flags and redactions by kind."""
    totals = quality["totals"]
    lines = ["| what | kind | rows |", "|---|---|---:|"]
    for title, key in (
        ("excluded", "excluded_by_reason"),
        ("flagged (kept)", "flagged_by_reason"),
        ("redacted in free text", "redactions_by_type"),
    ):
        for kind, count in sorted(totals[key].items()):
            lines.append(f"| {title} | {kind} | {count} |")
    return "\n".join(lines) + "\n"


def markdown_text(text: str) -> str:
    r"""``text`` shown literally in Markdown (a table cell): no markup, link, HTML or line break.

    Every ASCII punctuation character is backslash-escaped (CommonMark, «Backslash escapes»:
    https://spec.commonmark.org/0.31.2/#backslash-escapes; GitHub-flavoured tables also take
    ``\|``), and control and format characters (line breaks, right-to-left overrides) become
    spaces. A file name comes from the analyst's folder and may hold ``|``, ``<script>`` or
    ``[x](javascript:...)``.

    Examples
    --------
    >>> markdown_text("a|<b>.csv")
    'a\\|\\<b\\>\\.csv'
    """
    plain = "".join(" " if unicodedata.category(c) in {"Cc", "Cf"} else c for c in str(text))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", plain)


_MARKDOWN_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def _show_delimiter(delimiter: str | None) -> str:
    known = {None: "–", ";": "`;`", ",": "`,`", "\t": "tab"}
    return known.get(delimiter) or markdown_text(str(delimiter))

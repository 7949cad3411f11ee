"""Which raw column holds each canonical field of a source (``columns`` in ``round.yaml``).

A configured column is found as written or with spacing and case folded; a canonical field the
config does not map but that the file has under its own name (``pll__nytte``, ``org_id``) is
taken as is. A configured column that is not in the header is named with the closest header.
"""

from __future__ import annotations

import difflib

from anchoring.exceptions import AnchoringError, InputFileError, RoundConfigError
from anchoring.intake.round_config import Source
from anchoring.readers import RawTable

START_TIME_HEADERS: tuple[str, ...] = (
    "starttid",
    "starttidspunkt",
    "start time",
    "starttime",
    "start date",
    "startdate",
    "started",
    "started at",
    "started_at",
    "$started",
    "påbegynt",
    "startet",
)
"""Headers of a start-time column: when a source maps no ``answer_time_ms``, the answer time is
``submitted_at`` minus this column (Questback, SurveyXact and Forms export both times; Forms'
Norwegian interface calls it «Starttidspunkt»)."""


def norm_header(name: str) -> str:
    """A header as compared: spacing collapsed, case folded."""
    return " ".join(str(name).split()).casefold()


def resolve_columns(
    raw: RawTable, source: Source, fields: list[str], config_path: str
) -> dict[str, str]:
    """Canonical field → raw column, checked against the file's header.

    Raises
    ------
    InputFileError
        A column the config names is not in the file (all such columns listed).
    RoundConfigError
        The source maps no item, or not the organisation column its group needs.
    """
    resolved, problems = collect_columns(raw, source, fields, config_path)
    if problems:
        raise problems[0]
    return resolved


def collect_columns(
    raw: RawTable, source: Source, fields: list[str], config_path: str
) -> tuple[dict[str, str], list[AnchoringError]]:
    """As :func:`resolve_columns`, with the problems returned instead of raised.

    The columns found are resolved even when others are missing, so that the checks that need
    them (labels, organisations) still run and ``validate`` lists every problem at once.
    """
    header = list(raw.frame.columns)
    by_norm = {norm_header(c): c for c in header}
    resolved, missing, problems = {}, [], []
    for name, column in source.columns.items():
        found = column if column in header else by_norm.get(norm_header(column))
        if found is None:
            missing.append((column, name))
        else:
            resolved[name] = found
    if missing:
        problems.append(_missing_columns(raw, source, missing, config_path))
    for name in fields:
        if name not in resolved and name in header:
            resolved[name] = name
    if source.group == "gp" and "municipality_id" not in resolved and "org_id" in resolved:
        resolved["municipality_id"] = resolved.pop("org_id")
    org_field = "municipality_id" if source.group == "gp" else "org_id"
    if org_field not in resolved and org_field not in source.columns:
        problems.append(
            RoundConfigError(
                f"{config_path}: sources[{source.id}].columns must map "
                f"'{org_field}' (the {source.group} organisation) to a column of "
                f"{raw.path.name}."
            )
        )
    if not any("__" in name for name in {**source.columns, **resolved}):
        problems.append(
            RoundConfigError(
                f"{config_path}: sources[{source.id}].columns maps no item "
                f"(<measure>__<dimension>) to a column of {raw.path.name}."
            )
        )
    return resolved, problems


def _missing_columns(
    raw: RawTable, source: Source, missing: list[tuple[str, str]], config_path: str
) -> InputFileError:
    """The error for configured columns not in the header, each with the closest header named."""
    header = list(raw.frame.columns)
    named = []
    for column, field_name in missing:
        close = difflib.get_close_matches(column, header, n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        named.append(f"{column!r} (for {field_name}{hint})")
    shown_n = 10 if all("did you mean" in n for n in named) else 25
    shown = ", ".join(repr(c) for c in header[:shown_n])
    shown += " ..." if len(header) > shown_n else ""
    sheets = ""
    if raw.sheet is not None and len(raw.sheets) > 1:
        sheets = (
            f" of sheet {raw.sheet!r} (the workbook has sheets {list(raw.sheets)}; "
            "set 'sheet' in round.yaml if the answers are on another)"
        )
    return InputFileError(
        f"{raw.path}: required column(s) {', '.join(named)} not found in the header"
        f"{f' (row {raw.header_row})' if raw.header_row else ''}{sheets}. "
        f"Columns present: {shown}. "
        f"Fix sources[{source.id}].columns in {config_path} or export the column."
    )


def start_time_column(raw: RawTable) -> str | None:
    """The export's start-time column (:data:`START_TIME_HEADERS`), if it has one."""
    return next((c for c in raw.frame.columns if norm_header(c) in START_TIME_HEADERS), None)

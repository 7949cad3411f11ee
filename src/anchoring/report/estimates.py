"""Look-ups into the tidy ``estimates.parquet`` of a round (see ``docs/architecture.md``).

The report never computes a statistic: it reads the analysis stage's estimates. This module turns
the tidy table into small, typed answers to the questions the report asks («the index of PLL for
GPs», «the response rate per county»), and keeps the suppression flag with every value so that a
hidden cell can never be shown by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from anchoring.groups import GROUPS
from anchoring.report.numbers import is_missing
from anchoring.schema import ESTIMATES

REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    c
    for c in ESTIMATES.names
    if c not in {"df", "suppression_reason", "contrast", "deff", "effective_n"}
)
"""Columns of ``estimates.parquet`` (:data:`anchoring.schema.ESTIMATES`) the report needs: the
keys, the values with their interval, the counts and the suppression flag."""


@dataclass(frozen=True)
class Estimate:
    """One estimate with its interval, counts and suppression flag.

    ``estimate``, ``ci_low`` and ``ci_high`` are ``None`` when the cell is suppressed (the analysis
    stage removes the values, methodology §7) or was not estimable.
    """

    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    n_orgs: int | None
    is_suppressed: bool
    suppression_reason: str = ""
    p_value: float | None = None
    p_value_holm: float | None = None

    @property
    def is_shown(self) -> bool:
        """True when the value may be published and exists."""
        return not self.is_suppressed and self.estimate is not None


def _value(row: Mapping[str, object], column: str) -> float | None:
    if column not in row or is_missing(row[column]):
        return None
    return float(row[column])


def _count(row: Mapping[str, object], column: str) -> int | None:
    value = _value(row, column)
    return None if value is None else int(value)


def _estimate_from_row(row: Mapping[str, object]) -> Estimate:
    suppressed = bool(row["is_suppressed"])
    reason = row.get("suppression_reason", "")
    return Estimate(
        estimate=None if suppressed else _value(row, "estimate"),
        se=None if suppressed else _value(row, "se"),
        ci_low=None if suppressed else _value(row, "ci_low"),
        ci_high=None if suppressed else _value(row, "ci_high"),
        n=_count(row, "n"),
        n_orgs=_count(row, "n_orgs"),
        is_suppressed=suppressed,
        suppression_reason="" if is_missing(reason) else str(reason),
        p_value=None if suppressed else _value(row, "p_value"),
        p_value_holm=None if suppressed else _value(row, "p_value_holm"),
    )


class Estimates:
    """The estimates of one round, indexed for look-up.

    Parameters
    ----------
    table
        The contents of ``estimates.parquet``.
    source
        Where the table came from (named in error messages).

    Raises
    ------
    AnchoringError
        A required column is missing; the message names the file and the column.
    """

    def __init__(self, table: pd.DataFrame, source: str = "estimates.parquet") -> None:
        ESTIMATES.require(table, source, REQUIRED_COLUMNS)
        table = table.copy()
        for column in ("breakdown", "domain", "dimension", "measure"):
            table[column] = table[column].fillna("").astype(str)
        self.table = table
        self._records = table.to_dict("records")  # one conversion; rows as plain dicts
        self._index = {
            (r.measure, r.group, r.statistic, r.dimension, r.breakdown, r.domain): i
            for i, r in enumerate(table.itertuples(index=False))
        }

    def get(
        self,
        measure: str,
        group: str,
        statistic: str,
        dimension: str = "index",
        breakdown: str = "",
        domain: str = "",
    ) -> Estimate | None:
        """The estimate with these keys, or ``None`` when the table has no such row."""
        i = self._index.get((measure, group, statistic, dimension, breakdown, domain))
        return None if i is None else _estimate_from_row(self._records[i])

    def rows(self, statistic: str, **keys: str) -> pd.DataFrame:
        """All rows of one statistic, optionally filtered by key columns (``group="gp"``)."""
        mask = self.table["statistic"] == statistic
        for column, value in keys.items():
            mask &= self.table[column] == value
        return self.table[mask]

    def measures(self) -> list[str]:
        """Measures that have an index estimate, in table order."""
        return list(self._measures)

    @cached_property
    def _measures(self) -> tuple[str, ...]:
        rows = self.rows("mean", dimension="index")
        return tuple(dict.fromkeys(m for m in rows["measure"] if m))

    def index_by_group(self, measure: str) -> dict[str, Estimate | None]:
        """The index of a measure for each group and the sector (methodology §§2–3)."""
        return {g: self.get(measure, g, "mean") for g in (*GROUPS, "sector")}

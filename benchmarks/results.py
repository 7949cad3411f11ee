"""One row of the benchmark table, and the number formats the table uses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Result:
    """One measurement at one size.

    ``seconds`` and ``reference_s`` are medians on this machine; ``ratio`` is the figure that
    travels between machines (reference ÷ anchoring for the survey estimators, anchoring ÷
    floor for the runs: the row's ``comparison`` says which). ``budget_s`` is an absolute
    budget where one applies (the demo run), else None.
    """

    comparison: str
    size: str
    seconds: float
    reps: int = 1
    reference: str = ""
    reference_s: float | None = None
    ratio: float | None = None
    budget_s: float | None = None
    notes: list[str] = field(default_factory=list)

    def cells(self) -> dict[str, str]:
        """The row as table cells, keyed by column title."""
        reps = f" (median of {self.reps})" if self.reps > 1 else ""
        reference = f"{self.reference}: {seconds_text(self.reference_s)}" if self.reference else ""
        budget = ""
        if self.budget_s is not None:
            within = self.seconds < self.budget_s
            budget = f"< {self.budget_s:g} s: {'yes' if within else '**NO**'}"
        return {
            "Comparison": self.comparison,
            "Size": self.size,
            "anchoring": seconds_text(self.seconds) + reps,
            "Reference": reference,
            "Ratio": ratio_text(self.ratio),
            "Budget": budget,
            "Notes": "; ".join(self.notes),
        }


def failed_result(comparison: str, error: str) -> Result:
    """The row of a comparison that raised instead of measuring."""
    return Result(comparison, "", float("nan"), notes=[f"FAILED: {error}"[:300]])


def seconds_text(seconds: float | None) -> str:
    """Seconds with sensible precision (``12 ms``, ``2.41 s``), or an empty cell."""
    if seconds is None or math.isnan(seconds):
        return ""
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def ratio_text(ratio: float | None) -> str:
    """A ratio as ``3.21×`` (``48.0×`` from 10 up), or an empty cell."""
    if ratio is None or math.isnan(ratio):
        return ""
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×"


def relative_difference(a: float, b: float, floor: float = 1e-9) -> float:
    """``|a − b| / max(|a|, |b|, floor)``: the floor keeps zero standard errors comparable.

    Two NaNs (an empty domain in both) are equal; one NaN is infinitely different.
    """
    if math.isnan(a) and math.isnan(b):
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b), floor)

"""One row of the benchmark table and the helpers that turn timings into rows."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Result:
    """One measured comparison at one size.

    ``figure`` is the number the target is about: a ratio (``unit`` "×") or, where the target
    is absolute (rerun seconds, peak memory), a quantity in ``unit``. ``ours_s`` and
    ``reference_s`` are this machine's absolute seconds (medians), shown beside the ratio.
    """

    comparison: str
    size: str
    figure: float
    unit: str
    target: str
    met: bool | None
    ours_s: float | None = None
    reference: str = ""
    reference_s: float | None = None
    reps: int | None = None
    notes: list[str] = field(default_factory=list)

    def figure_text(self) -> str:
        """The figure with its unit, e.g. ``3.2×`` or ``1.21 GB``."""
        if self.figure is None or (isinstance(self.figure, float) and math.isnan(self.figure)):
            return "n/a"
        if self.unit == "×":
            return f"{self.figure:.2f}×" if self.figure < 10 else f"{self.figure:.1f}×"
        if self.unit == "s":
            return f"{self.figure:.2f} s"
        if self.unit == "GB":
            return f"{self.figure:.2f} GB"
        return f"{self.figure:.3g} {self.unit}".strip()

    def met_text(self) -> str:
        """``yes``, ``**NO**`` or ``–`` (no target or not measurable)."""
        if self.met is None:
            return "–"
        return "yes" if self.met else "**NO**"


def seconds_text(seconds: float | None) -> str:
    """Seconds with sensible precision, or an empty cell."""
    if seconds is None or math.isnan(seconds):
        return ""
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def rows_text(n: int) -> str:
    """A row count with thousands separators."""
    return f"{n:,}"


def relative_difference(a: float, b: float, floor: float = 1e-9) -> float:
    """``|a − b| / max(|a|, |b|, floor)``: the floor keeps zero standard errors comparable.

    Two NaNs (an empty domain in both) are equal; one NaN is infinitely different.
    """
    if math.isnan(a) and math.isnan(b):
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b), floor)

"""Many labels of the same style drawn as one matplotlib artist.

A figure of the report prints up to a hundred numbers. As :class:`~matplotlib.text.Text`
artists each costs about as much again in matplotlib's Python bookkeeping (layout object, bounding
boxes, a graphics context per text) as the glyphs themselves cost to render. :class:`Labels`
draws a whole set of labels with one graphics context and one font, placing each string exactly
where a ``Text`` with the same position, font and alignment would put it: matplotlib lays a
line out in a box from the font's typographic descender to its ascender (or the string's own,
where larger; plus the font's line gap when there are several lines), as wide as the string, and
aligns the box of all lines on the anchor. The
renderer calls are the backend API every ``Text`` uses
(:meth:`~matplotlib.backend_bases.RendererBase.get_text_width_height_descent`,
:meth:`~matplotlib.backend_bases.RendererBase.draw_text`), so the pixels are the same (a test
compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.transforms import Transform

_HORIZONTAL = {"left": 0.0, "center": 0.5, "right": 1.0}
_VERTICAL = ("center", "top", "bottom", "baseline")


class Labels(Artist):
    r"""Labels sharing font, colour and alignment, drawn as one artist.

    Parameters
    ----------
    positions
        ``(x, y)`` of each label's anchor, in the coordinates of ``transform``.
    texts
        One string per position; ``\n`` breaks lines, aligned like the box (``ha``).
    transform
        Coordinates of the positions (e.g. ``ax.transData``).
    fontsize, fontweight
        As for :meth:`matplotlib.axes.Axes.text`; the font family is the current
        ``font.family``.
    color
        One colour for all labels, or one per label.
    ha, va
        Alignment of each label's box on its anchor: ``ha`` in ``left``, ``center``, ``right``;
        ``va`` in ``center``, ``top``, ``bottom``, ``baseline``.

    Attributes
    ----------
    texts
        The labels, in order (tests read what a figure prints from here).
    """

    zorder = 3

    def __init__(
        self,
        positions: Sequence[tuple[float, float]],
        texts: Sequence[str],
        *,
        transform: Transform,
        fontsize: float,
        color: str | Sequence[str],
        fontweight: str = "normal",
        ha: str = "center",
        va: str = "center",
    ) -> None:
        super().__init__()
        if len(positions) != len(texts):
            raise ValueError("Labels needs one text per position")
        if ha not in _HORIZONTAL or va not in _VERTICAL:
            raise ValueError(f"unsupported alignment ha={ha!r}, va={va!r}")
        self.positions = np.asarray(positions, dtype=float).reshape(-1, 2)
        self.texts = tuple(texts)
        self._prop = FontProperties(size=fontsize, weight=fontweight)
        colours = [color] * len(texts) if isinstance(color, str) else list(color)
        if len(colours) != len(texts):
            raise ValueError("Labels needs one colour, or one per label")
        self._rgba = [to_rgba(c) for c in colours]
        self._ha, self._va = ha, va
        self._antialiased = mpl.rcParams["text.antialiased"]
        self.set_transform(transform)
        self.set_clip_on(False)

    @allow_rasterization
    def draw(self, renderer) -> None:
        """Draw every label (the :class:`~matplotlib.artist.Artist` drawing protocol)."""
        if not self.get_visible() or not self.texts:
            return
        font = _font_metrics(self._prop, self.get_figure(root=True).dpi)
        canvas_height = renderer.get_canvas_width_height()[1]
        gc = renderer.new_gc()
        gc.set_alpha(None)
        gc.set_antialiased(self._antialiased)
        gc.set_snap(self.get_snap())
        self._set_gc_clip(gc)
        anchors = self.get_transform().transform(self.positions)
        for (x, y), text, rgba in zip(anchors, self.texts, self._rgba, strict=True):
            gc.set_foreground(rgba, isRGBA=True)
            for dx, dy, line in self._layout(renderer, text, font):
                baseline = y + dy
                y_down = canvas_height - baseline if renderer.flipy() else baseline
                renderer.draw_text(gc, x + dx, y_down, line, self._prop, 0.0, ismath=False)
        gc.restore()
        self.stale = False

    def _layout(self, renderer, text: str, font: tuple[float, float, float]) -> list:
        """``(dx, dy, line)``: where each line's baseline starts, relative to the anchor.

        As :meth:`matplotlib.text.Text._get_layout` with ``linespacing="normal"``: a line is as
        high as the font's ascender and descender (or its own glyphs, where higher), plus the
        font's line gap when the text has several lines; lines are aligned like the box.
        """
        min_ascent, min_descent, line_gap = font
        lines = text.split("\n")
        gap = line_gap / 2 if len(lines) > 1 else 0.0
        metrics = []
        for line in lines:
            w, h, d = (
                renderer.get_text_width_height_descent(line, self._prop, ismath=False)
                if line
                else (0.0, 0.0, 0.0)
            )
            metrics.append((w, max(h - d, min_ascent) + gap, max(d, min_descent) + gap))
        height = sum(a + d for _, a, d in metrics)
        top = {
            "center": height / 2,
            "top": 0.0,
            "bottom": height,
            "baseline": height - metrics[-1][2],
        }[self._va]
        share = _HORIZONTAL[self._ha]
        placed, below_top = [], 0.0
        for line, (w, a, d) in zip(lines, metrics, strict=True):
            placed.append((-share * w, top - below_top - a, line))
            below_top += a + d
        return [(dx, dy, line) for dx, dy, line in placed if line]


def _font_metrics(prop: FontProperties, dpi: float) -> tuple[float, float, float]:
    """The font's typographic ascender, descender and line gap in pixels.

    The metrics matplotlib's text layout uses: the ``OS/2`` table, else ``hhea``.
    """
    font = get_font(findfont(prop))
    scale = prop.get_size_in_points() * dpi / 72 / font.get_sfnt_table("head")["unitsPerEm"]
    os2 = font.get_sfnt_table("OS/2")
    if os2 is not None:
        ascent, descent, gap = os2["sTypoAscender"], os2["sTypoDescender"], os2["sTypoLineGap"]
    else:
        hhea = font.get_sfnt_table("hhea")
        ascent, descent, gap = hhea["ascent"], hhea["descent"], hhea["lineGap"]
    return ascent * scale, -descent * scale, gap * scale

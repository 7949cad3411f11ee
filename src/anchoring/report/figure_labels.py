"""Many labels of the same style drawn as one matplotlib artist, each distinct string rendered once.

Text is most of what a report figure costs: matplotlib 3.11 shapes every string and renders it
glyph by glyph (about a millisecond for a short label), and a figure prints up to a hundred
labels, many of them the same strings («7 %», the dimension names of every group, in every
measure's figure). :class:`Labels` therefore

- draws a whole set of labels of one style with one graphics context, instead of a
  :class:`~matplotlib.text.Text` (layout object, bounding boxes, graphics context) per label;
- renders each distinct string once per process, with matplotlib's own renderer
  (:meth:`~matplotlib.backend_bases.RendererBase.draw_text` on a small transparent
  :class:`~matplotlib.backends.backend_agg.RendererAgg`), keeps that image with the string's
  measured size (:func:`_stamp`), and composites it where the label goes
  (:meth:`~matplotlib.backend_bases.RendererBase.draw_image`).

Labels are placed where a ``Text`` with the same position, font and alignment would put them:
matplotlib lays a line out in a box from the font's typographic descender to its ascender (or the
string's own, where larger; plus the font's line gap when there are several lines), as wide as
the string, and aligns the box of all lines on the anchor. The one difference: a label starts on
a whole pixel (``Text`` may start a fraction of a pixel off it), so that every copy of a string
is the same image. The output depends only on the labels, never on what was drawn before: the
same estimates give the same PNG bytes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.transforms import Transform

_HORIZONTAL = {"left": 0.0, "center": 0.5, "right": 1.0}
_VERTICAL = ("center", "top", "bottom", "baseline")

STAMP_CACHE_SIZE = 1024
"""Distinct rendered strings kept per process: a report language needs about 200, each a few
kilobytes (at most some 16 MB when full)."""


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

    Notes
    -----
    The rendered strings are Agg images (the report's figures are rendered by
    :func:`~.figure_model.png_bytes` with the Agg canvas), composited with
    :meth:`~matplotlib.backend_bases.RendererBase.draw_image`.
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
        self._font = (findfont(self._prop), self._prop.get_size_in_points())
        self.set_transform(transform)
        self.set_clip_on(False)

    @allow_rasterization
    def draw(self, renderer) -> None:
        """Draw every label (the :class:`~matplotlib.artist.Artist` drawing protocol)."""
        if not self.get_visible() or not self.texts:
            return
        dpi = self.get_figure(root=True).dpi
        font = _font_metrics(self._prop, dpi)
        style = (*self._font, *_rendering())
        gc = renderer.new_gc()
        gc.set_alpha(None)
        self._set_gc_clip(gc)
        anchors = self.get_transform().transform(self.positions)
        for (x, y), text, rgba in zip(anchors, self.texts, self._rgba, strict=True):
            stamps = [
                _stamp(line, *style, rgba, dpi) if line else None for line in text.split("\n")
            ]
            for dx, dy, stamp in self._layout(stamps, font):
                left = round(x + dx) - stamp.pad
                bottom = round(y + dy) - stamp.depth
                renderer.draw_image(gc, left, bottom, stamp.image)
        gc.restore()
        self.stale = False

    def _layout(self, stamps: list, font: tuple[float, float, float]) -> list:
        """``(dx, dy, stamp)``: where each line's baseline starts, relative to the anchor.

        As :meth:`matplotlib.text.Text._get_layout` with ``linespacing="normal"``: a line is as
        high as the font's ascender and descender (or its own glyphs, where higher), plus the
        font's line gap when the text has several lines; lines are aligned like the box.
        """
        min_ascent, min_descent, line_gap = font
        gap = line_gap / 2 if len(stamps) > 1 else 0.0
        metrics = [
            (s.width, max(s.ascent, min_ascent) + gap, max(s.descent, min_descent) + gap)
            if s is not None
            else (0.0, min_ascent + gap, min_descent + gap)
            for s in stamps
        ]
        height = sum(a + d for _, a, d in metrics)
        top = {
            "center": height / 2,
            "top": 0.0,
            "bottom": height,
            "baseline": height - metrics[-1][2],
        }[self._va]
        share = _HORIZONTAL[self._ha]
        placed, below_top = [], 0.0
        for stamp, (w, a, d) in zip(stamps, metrics, strict=True):
            if stamp is not None:
                placed.append((-share * w, top - below_top - a, stamp))
            below_top += a + d
        return placed


@dataclass(frozen=True)
class _Stamp:
    """A string rendered once: its image and where its baseline starts in it.

    Attributes
    ----------
    image
        RGBA pixels on a transparent ground, bottom row first (as
        :meth:`~matplotlib.backend_bases.RendererBase.draw_image` of the Agg renderer takes them).
    pad
        Pixels from the image's left edge to the start of the baseline.
    depth
        Pixels from the baseline down to the image's bottom edge (the descent and the margin).
    width, ascent, descent
        The string's measured size in pixels, as matplotlib's text layout measures it.
    """

    image: np.ndarray
    pad: int
    depth: int
    width: float
    ascent: float
    descent: float


@functools.lru_cache(maxsize=STAMP_CACHE_SIZE)
def _stamp(
    line: str,
    font_file: object,
    size: float,
    antialiased: bool,
    hinting: str,
    rgba: tuple[float, float, float, float],
    dpi: float,
) -> _Stamp:
    """Render one line with matplotlib's Agg renderer onto a transparent image of its own.

    The arguments are the whole key: the font file and size, the rendering settings in force
    (``text.antialiased`` and ``text.hinting``, which the renderer reads from the current
    ``rcParams``: the caller passes the current values) and the colour. The margin (``pad``)
    leaves room for glyphs that reach past their advance.
    """
    prop = FontProperties(fname=font_file, size=size)
    width, height, descent = _measuring_renderer(dpi).get_text_width_height_descent(
        line, prop, ismath=False
    )
    pad = math.ceil(size * dpi / 72 / 4) + 1
    above, below = math.ceil(height - descent), math.ceil(descent)
    scratch = RendererAgg(math.ceil(width) + 2 * pad, above + below + 2 * pad, dpi)
    gc = scratch.new_gc()
    gc.set_foreground(rgba, isRGBA=True)
    gc.set_antialiased(antialiased)
    scratch.draw_text(gc, pad, pad + above, line, prop, 0.0, ismath=False)
    gc.restore()
    image = np.asarray(scratch.buffer_rgba())[::-1].copy()
    return _Stamp(image, pad, below + pad, width, height - descent, descent)


@functools.lru_cache(maxsize=4)
def _measuring_renderer(dpi: float) -> RendererAgg:
    """A one-pixel renderer that only measures strings (measuring does not draw)."""
    return RendererAgg(1, 1, dpi)


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


def label_width(
    text: str, *, fontsize: float, color: str, dpi: float, fontweight="normal"
) -> float:
    """The width in pixels of a one-line label as :class:`Labels` draws it (current rcParams).

    Parameters
    ----------
    text
        The label.
    fontsize, color, fontweight
        Its style (the colour only selects the rendered string that is kept for drawing).
    dpi
        Resolution of the figure.
    """
    prop = FontProperties(size=fontsize, weight=fontweight)
    style = (findfont(prop), prop.get_size_in_points(), *_rendering())
    return _stamp(text, *style, to_rgba(color), dpi).width


def _rendering() -> tuple[bool, str]:
    """The text rendering settings in force (the renderer reads them from ``rcParams``)."""
    return mpl.rcParams["text.antialiased"], mpl.rcParams["text.hinting"]

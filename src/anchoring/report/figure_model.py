"""A report figure: a deterministic PNG with its alt text and caption, shown as a data URI.

Figures are drawn with matplotlib's object API (no pyplot state, nothing shown by accident), at a
fixed size and resolution, and saved without the «Software» and date metadata so that the same
estimates give the same bytes. The PNG is written straight from the Agg canvas
(:func:`png_bytes`): RGB (the figures are opaque: an alpha channel would only add a quarter to
the bytes to compress), no per-row filter (the figures are flat areas of colour, which zlib
compresses as well unfiltered; choosing a filter per row is most of what a general PNG writer
spends), zlib level :data:`PNG_COMPRESS_LEVEL`. The PNG is embedded as a ``data:`` URI: the
report opens offline.
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from anchoring.report.html import element, escape

DPI = 100
"""Resolution of every figure (pixels per inch)."""

WIDTH_IN = 8.5
"""Width of every figure in inches (850 px at :data:`DPI`)."""

PNG_COMPRESS_LEVEL = 3
"""zlib level of the PNGs: on the report's figures about as small as a general PNG writer at
level 6 and two to three times faster to write."""

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

PALETTE: dict[str, str] = {
    "disagree": "#B35806",
    "neutral": "#767676",
    "agree": "#2166AC",
    "dont_know": "#5E3C99",
    "weak": "#B35806",
    "partly": "#767676",
    "well": "#2166AC",
    "municipality": "#2166AC",
    "hospital": "#B35806",
    "gp": "#5E3C99",
    "sector": "#222222",
    "text": "#222222",
    "grid": "#D0D0D0",
}
"""Colours; each has at least 3:1 contrast against white (a test checks it), and every colour
is paired with a text label, so colour never carries meaning alone."""

STYLE: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.edgecolor": "#888888",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "svg.hashsalt": "anchoring",
}
"""matplotlib settings of every figure."""


def new_figure(
    height_in: float,
    margins_in: tuple[float, float, float, float] = (1.9, 0.3, 0.5, 0.55),
    **subplots: object,
) -> tuple[Figure, object]:
    """A figure of the report's width and the given height, with fixed margins.

    Parameters
    ----------
    height_in
        Height in inches.
    margins_in
        Left, right, top and bottom margins in inches (a fixed layout: faster and more
        predictable than matplotlib's constrained layout).
    **subplots
        Passed to :meth:`matplotlib.figure.Figure.subplots` (``nrows``, ``ncols``, ...).
    """
    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    left, right, top, bottom = margins_in
    spacing = {k: subplots.pop(k) for k in ("hspace", "wspace") if k in subplots}
    figure.subplots_adjust(
        left=left / WIDTH_IN,
        right=1 - right / WIDTH_IN,
        top=1 - top / height_in,
        bottom=bottom / height_in,
        **spacing,
    )
    axes = figure.subplots(**subplots) if subplots else figure.subplots()
    return figure, axes


def png_bytes(figure: Figure) -> bytes:
    """Render a figure to PNG bytes on white, without time or software metadata (deterministic).

    Parameters
    ----------
    figure
        A figure of :data:`DPI` resolution.

    Returns
    -------
    bytes
        An 8-bit RGB PNG (ISO/IEC 15948: ``IHDR``, ``pHYs`` with the resolution, one ``IDAT``,
        ``IEND``), every row with filter type 0.
    """
    figure.patch.set_facecolor("white")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # column 0: filter type 0
    rows[:, 1:] = rgba[:, :, :3].reshape(height, 3 * width)
    per_metre = round(DPI / 0.0254)
    return b"".join(
        (
            _PNG_SIGNATURE,
            _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            _png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_COMPRESS_LEVEL)),
            _png_chunk(b"IEND", b""),
        )
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: length, type, data and the CRC-32 of type and data."""
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@dataclass(frozen=True)
class ReportFigure:
    """A rendered figure with its alt text and caption.

    Attributes
    ----------
    figure_id
        Stable HTML id.
    png
        The PNG bytes.
    alt
        Alt text generated from the same data, with the key numbers.
    caption
        Visible caption (plain text).
    """

    figure_id: str
    png: bytes
    alt: str
    caption: str

    def data_uri(self) -> str:
        """The PNG as a ``data:image/png;base64,…`` URI."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def to_html(self) -> str:
        """``<figure>`` with the embedded image, its alt text and the caption."""
        width, height = png_size(self.png)
        image = (
            f'<img src="{self.data_uri()}" alt="{escape(self.alt)}" '
            f'width="{width}" height="{height}">'
        )
        caption = element("figcaption", escape(self.caption)) if self.caption else ""
        return element("figure", image + caption, id=self.figure_id)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<ReportFigure {self.figure_id}: {len(self.png)} bytes of PNG>"

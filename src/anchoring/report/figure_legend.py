"""A one-row legend centred above or below a figure, drawn as three artists.

matplotlib's :class:`~matplotlib.legend.Legend` packs its entries with offset boxes and a
``Text`` each, re-measured while it is drawn: about as much as the rest of a cached figure. The
report's legends are a single centred row of a few entries, so :func:`legend_row` lays them out
once, with matplotlib's default legend geometry (:data:`GEOMETRY_EM`, in font sizes: handle
length and height, the gap to the text, the gap between entries, the distance from the figure's
edge) and the text widths of :func:`~.figure_labels.label_width`: the handles are one
:class:`~matplotlib.collections.PolyCollection` (patches) or a line with its marker each, the
texts one :class:`~.figure_labels.Labels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from anchoring.report.figure_labels import Labels, label_width
from anchoring.report.figure_model import PALETTE, WIDTH_IN
from anchoring.report.figure_parts import rectangles

GEOMETRY_EM = {
    "handle_length": 2.0,
    "handle_height": 0.7,
    "text_pad": 0.8,
    "column_spacing": 2.0,
    "edge_to_centre": 0.5 + 0.4 + 0.5,
}
"""matplotlib's legend defaults (``legend.handlelength`` ...): from the figure's edge to the
row's centre is ``borderaxespad + borderpad`` and half a line."""


LEGEND_GID = "legend"
"""The ``gid`` of a legend row's labels (tests find the legend by it)."""


@dataclass(frozen=True)
class LegendEntry:
    """One legend entry: its label and how its handle looks.

    Attributes
    ----------
    label
        The text.
    colour
        Face colour of a patch handle, or the colour of a line handle.
    edge
        Edge colour of a patch handle (``None``: the face colour).
    marker
        A line handle's marker (``None``: a patch handle).
    """

    label: str
    colour: str
    edge: str | None = None
    marker: str | None = None


def legend_row(figure: Figure, entries: Sequence[LegendEntry], *, at_top: bool = True) -> None:
    """Add a centred one-row legend at the top (or the bottom) of a figure.

    Parameters
    ----------
    figure
        The figure (of the report's width).
    entries
        The entries, left to right.
    at_top
        Whether the row is at the top of the figure (else at its bottom).
    """
    size = FontProperties(size=mpl.rcParams["legend.fontsize"]).get_size_in_points()
    em = size / 72  # inches
    widths = [
        label_width(e.label, fontsize=size, color=PALETTE["text"], dpi=figure.dpi) / figure.dpi
        for e in entries
    ]
    handle = GEOMETRY_EM["handle_length"] * em
    pad = GEOMETRY_EM["text_pad"] * em
    total = sum(handle + pad + w for w in widths) + GEOMETRY_EM["column_spacing"] * em * (
        len(entries) - 1
    )
    height_in = figure.get_figheight()
    centre = GEOMETRY_EM["edge_to_centre"] * em
    y = height_in - centre if at_top else centre
    x, starts = (WIDTH_IN - total) / 2, []
    for w in widths:
        starts.append(x)
        x += handle + pad + w + GEOMETRY_EM["column_spacing"] * em
    _handles(figure, entries, starts, y, (handle, GEOMETRY_EM["handle_height"] * em))
    labels = Labels(
        [(s + handle + pad, y) for s in starts],
        [e.label for e in entries],
        transform=figure.dpi_scale_trans,
        ha="left",
        fontsize=size,
        color=PALETTE["text"],
    )
    labels.set_gid(LEGEND_GID)
    figure.add_artist(labels)


def _handles(figure: Figure, entries, starts, y: float, box: tuple[float, float]) -> None:
    """Patch handles as one collection, line handles as a line with a marker in its middle."""
    length, height = box
    patches = [(e, s) for e, s in zip(entries, starts, strict=True) if e.marker is None]
    if patches:
        collection = rectangles(
            [(s, y - height / 2, length, height) for _, s in patches],
            [e.colour for e, _ in patches],
            [e.edge or e.colour for e, _ in patches],
            1.0,
        )
        collection.set_transform(figure.dpi_scale_trans)
        figure.add_artist(collection)
    for entry, start in zip(entries, starts, strict=True):
        if entry.marker is not None:
            figure.add_artist(
                Line2D(
                    [start, start + length / 2, start + length],
                    [y, y, y],
                    color=entry.colour,
                    marker=entry.marker,
                    markevery=[1],
                    transform=figure.dpi_scale_trans,
                )
            )

"""The report's figures, drawn only from the round's published estimates, as inline SVG.

- :func:`heatmap_figure`: the anchoring index by measure and group, coloured by the status bands
  (drawn by :mod:`~anchoring.report.figure_heatmap`);
- :func:`distribution_figure`: per measure, a diverging stacked bar of the seven dimensions by
  group (disagree | neither | agree), with «Vet ikke» in its own column
  (:mod:`~anchoring.report.figure_distribution`);
- :func:`index_figure`: per measure, the index of each group and the sector with its 95 % interval
  (the interval is the analysis stage's, never computed by a plotting library;
  :mod:`~anchoring.report.figure_index`);
- :func:`change_figure`: the index over rounds, when earlier rounds exist
  (:mod:`~anchoring.report.figure_change`).
- :func:`regional_figure`: per measure, the index per county (municipalities, GPs) and per RHF
  (hospital trusts) with 95 % intervals, one panel per group
  (:mod:`~anchoring.report.figure_regional`).

Every value is printed on the figure; colours only repeat what the text says. Suppressed cells
are drawn as ":" (methodology §7). Each ``build_*`` function returns the matplotlib figure; the
functions here draw it under the report's style, save it as inline SVG
(:func:`~anchoring.report.figure_svg.inline_svg`) and pair it with its title, description
(:mod:`~anchoring.report.alt_text`) and caption.
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib as mpl
from matplotlib.figure import Figure

from anchoring.report import alt_text, figure_titles
from anchoring.report.distribution import answer_distribution
from anchoring.report.figure_change import build_change_figure
from anchoring.report.figure_distribution import build_distribution_figure
from anchoring.report.figure_heatmap import build_heatmap_figure
from anchoring.report.figure_index import build_index_figure
from anchoring.report.figure_model import STYLE, ReportFigure
from anchoring.report.figure_regional import build_regional_figure
from anchoring.report.figure_svg import inline_svg
from anchoring.report.html import anchor_id
from anchoring.report.inputs import Report


def _report_figure(
    draw: Callable[[], Figure | None], figure_id: str, title: str, description: str, caption: str
) -> ReportFigure | None:
    """Draw under the report's style and wrap the SVG; ``None`` when there is nothing to draw."""
    with mpl.rc_context(STYLE):
        figure = draw()
        if figure is None:
            return None
        svg = inline_svg(figure, figure_id, title, description)
    return ReportFigure(figure_id, svg, title, description, caption)


def heatmap_figure(report: Report) -> ReportFigure:
    """The index of every measure (rows) by group and sector (columns), values printed.

    Parameters
    ----------
    report
        The loaded round.
    """
    return _report_figure(
        lambda: build_heatmap_figure(report),
        "figure-heatmap",
        figure_titles.heatmap_title(report),
        alt_text.heatmap_alt(report),
        report.labels.text("index"),
    )


def distribution_figure(report: Report, measure: str) -> ReportFigure:
    """Diverging stacked bars of a measure's dimensions by group, «Vet ikke» apart.

    Parameters
    ----------
    report
        The loaded round (its published ``distributions.parquet`` for the answer categories).
    measure
        The measure.
    """
    distribution = answer_distribution(report, measure)
    return _report_figure(
        lambda: build_distribution_figure(report, distribution),
        anchor_id("figure", measure, "answers"),
        figure_titles.distribution_title(report, measure, distribution),
        alt_text.distribution_alt(report, measure, distribution),
        report.labels.text("note_reverse"),
    )


def index_figure(report: Report, measure: str) -> ReportFigure:
    """A measure's index by group and for the whole sector, with 95 % intervals and thresholds.

    Parameters
    ----------
    report
        The loaded round.
    measure
        The measure.
    """
    return _report_figure(
        lambda: build_index_figure(report, measure),
        anchor_id("figure", measure, "index"),
        figure_titles.index_title(report, measure),
        alt_text.index_alt(report, measure),
        report.labels.text("note_interval"),
    )


def change_figure(report: Report) -> ReportFigure | None:
    """The index of each measure over the rounds; ``None`` when there is no earlier round.

    Parameters
    ----------
    report
        The loaded round with its history.
    """
    if report.history.empty or report.history["round_id"].nunique() < 2:
        return None
    return _report_figure(
        lambda: build_change_figure(report),
        "figure-change",
        figure_titles.change_title(report),
        alt_text.change_alt(report),
        report.labels.text("note_error_bars"),
    )


def regional_figure(report: Report, measure: str) -> ReportFigure | None:
    """A measure's index per county and per RHF with 95 % intervals; ``None`` without regions.

    Parameters
    ----------
    report
        The loaded round.
    measure
        The measure.
    """
    return _report_figure(
        lambda: build_regional_figure(report, measure),
        anchor_id("figure", measure, "regions"),
        alt_text.regional_title(report, measure),
        alt_text.regional_alt(report, measure),
        report.labels.text("note_regional_figure"),
    )

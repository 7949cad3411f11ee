"""The leadership report: numbers, labels, main points, tables, figures, xlsx and HTML rendering.

The report notebook (``notebooks/03_report.ipynb``) only calls this package:

>>> report = load_report(root, round_id, lang)          # doctest: +SKIP
>>> title_section(report); main_points_section(report)  # doctest: +SKIP

and the pipeline renders the executed notebook with :func:`render_report`.

Modules
-------
numbers
    Number, percentage, interval, p-value and date formatting (nb: «1 250,5»; en: «1,250.5»).
labels
    Every label in nb and en: from the instrument, plus the report's own words.
inputs
    :func:`load_report`: a round's configuration, estimates, status, change, quality, themes.
estimates
    Typed look-ups into ``estimates.parquet`` that keep the suppression flag.
main_points
    At most six ranked main points, each with its number and interval.
headlines
    Active titles of the measure sections.
html, table_model, tables
    Escaping HTML blocks; the table object (HTML and xlsx from the same cells); the tables.
distribution, figure_model, figures, alt_text
    The answer distribution behind the bars; deterministic PNG figures; their alt text.
sections, about
    The report's content in order, as display objects.
xlsx
    The tables as a spreadsheet with no formula cells.
render
    :func:`render_report`: nbconvert with the package's template into one offline HTML file.
"""

from __future__ import annotations

from anchoring.report.about import about_section
from anchoring.report.inputs import Report, load_report
from anchoring.report.main_points import MainPoint, build_main_points
from anchoring.report.sections import (
    barrier_section,
    change_section,
    footer_section,
    main_points_section,
    measure_sections,
    overview_section,
    title_section,
)
from anchoring.report.xlsx import FILE_NAMES as XLSX_FILE_NAMES
from anchoring.report.xlsx import spreadsheet_section, write_tables_xlsx

__all__ = [
    "XLSX_FILE_NAMES",
    "MainPoint",
    "Report",
    "about_section",
    "barrier_section",
    "build_main_points",
    "change_section",
    "footer_section",
    "load_report",
    "main_points_section",
    "measure_sections",
    "overview_section",
    "render_report",
    "spreadsheet_section",
    "title_section",
    "write_tables_xlsx",
]


def __getattr__(name: str) -> object:
    """Import :func:`render_report` (nbconvert, nbformat, jsonschema: ~2 s) only when asked.

    The report notebook's kernel never renders, so it does not pay for those imports.
    """
    if name == "render_report":
        from anchoring.report.render import render_report

        return render_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

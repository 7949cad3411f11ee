"""The leadership report: numbers, labels, main points, tables, figures, xlsx and HTML rendering.

The report notebook (``notebooks/03_report.ipynb``) only calls this package:

>>> report = load_report(root, round_id, lang)          # doctest: +SKIP
>>> title_section(report); main_points_section(report)  # doctest: +SKIP

and the pipeline renders the executed notebook to HTML (:mod:`anchoring.pipeline.render`); the
report imports nothing from the pipeline.

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
distribution, figures, figure_distribution, figure_index, figure_heatmap, figure_change
    The answer distribution behind the bars; the figures (one module each).
figure_parts, figure_model, figure_svg, alt_text
    Their shared words and legend; style, palettes and the figure object; inline SVG; their
    titles and descriptions.
strata, regional, figure_regional
    The index per county and RHF: the estimates with the strata's names, the section and its
    tables, the dot plot.
sections, about
    The report's content in order, as display objects.
xlsx
    The tables as a spreadsheet with no formula cells, written by its own step.
page
    The page around the sections: the nbconvert template, the title, the table of contents.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS: dict[str, tuple[str, str]] = {
    "XLSX_FILE_NAMES": ("anchoring.report.xlsx", "FILE_NAMES"),
    "MainPoint": ("anchoring.report.main_points", "MainPoint"),
    "Report": ("anchoring.report.inputs", "Report"),
    "about_section": ("anchoring.report.about", "about_section"),
    "barrier_section": ("anchoring.report.sections", "barrier_section"),
    "build_main_points": ("anchoring.report.main_points", "build_main_points"),
    "change_section": ("anchoring.report.sections", "change_section"),
    "drivers_section": ("anchoring.report.drivers", "drivers_section"),
    "footer_section": ("anchoring.report.sections", "footer_section"),
    "load_report": ("anchoring.report.inputs", "load_report"),
    "main_points_section": ("anchoring.report.sections", "main_points_section"),
    "measure_sections": ("anchoring.report.sections", "measure_sections"),
    "overview_section": ("anchoring.report.sections", "overview_section"),
    "regional_section": ("anchoring.report.regional", "regional_section"),
    "spreadsheet_section": ("anchoring.report.xlsx", "spreadsheet_section"),
    "title_section": ("anchoring.report.sections", "title_section"),
    "write_spreadsheet": ("anchoring.report.xlsx", "write_spreadsheet"),
    "write_tables_xlsx": ("anchoring.report.xlsx", "write_tables_xlsx"),
}
"""Public name → (module, attribute). Each module is imported on first use (PEP 562)."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    """Import the module behind a public name on first use, and keep the name.

    The report notebook's kernel never renders, so it does without nbconvert; the pipeline only
    renders, so it does without pandas and matplotlib (measured in ``docs/performance.md``).
    """
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (JupyterLab's completion lists them before they are imported)."""
    return sorted({*globals(), *_EXPORTS})

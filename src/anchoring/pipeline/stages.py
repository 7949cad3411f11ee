"""The three stages of a round: which notebook each runs, with which parameters, and what it makes.

``clean`` (``01_clean.ipynb``) turns the raw exports into ``responses``, ``exclusions`` and
``quality``; ``analyse`` (``02_analyse.ipynb``) turns them into ``estimates``, ``status`` and
the other published tables (:mod:`anchoring.schema`); ``report`` (``03_report.ipynb``) runs
once per report language and is rendered to HTML.
See ``docs/architecture.md`` (stages and files of a round).
"""

from __future__ import annotations

from dataclasses import dataclass

from anchoring.exceptions import PipelineError

REPORT_LANGUAGES: tuple[str, ...] = ("nb", "en")
"""Report languages, in the order they are rendered."""

REPORT_FILE_NAMES: dict[str, str] = {"nb": "rapport.nb.html", "en": "report.en.html"}
"""File name of the HTML report per language, under ``reports/<round>/``."""

EXECUTED_NOTEBOOKS_DIR = "notebooks"
"""Folder under ``reports/<round>/`` holding the executed notebooks."""


@dataclass(frozen=True)
class Execution:
    """One papermill execution of a stage's notebook.

    Attributes
    ----------
    parameters
        Values injected into the notebook's ``parameters`` cell, except ``root`` (which is the
        staging root and is added by the runner).
    executed_name
        File name of the executed notebook under ``reports/<round>/notebooks/``.
    html_name
        File name of the rendered HTML report under ``reports/<round>/``, or ``None``.
    lang
        The report language, or ``None`` for language-independent stages.
    """

    parameters: dict[str, str]
    executed_name: str
    html_name: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Stage:
    """A stage of the round pipeline.

    Attributes
    ----------
    name
        ``clean``, ``analyse`` or ``report``.
    notebook
        The template's file name in ``notebooks/``.
    required_outputs
        Files under ``data/processed/<round>/`` the stage must write.
    per_language
        True if the notebook runs once per report language.
    """

    name: str
    notebook: str
    required_outputs: tuple[str, ...] = ()
    per_language: bool = False

    def executions(self, round_id: str, languages: tuple[str, ...]) -> list[Execution]:
        """The executions of this stage for a round and the requested report languages."""
        stem = self.notebook.removesuffix(".ipynb")
        if not self.per_language:
            return [Execution({"round_id": round_id}, self.notebook)]
        return [
            Execution(
                {"round_id": round_id, "lang": lang},
                f"{stem}.{lang}.ipynb",
                REPORT_FILE_NAMES[lang],
                lang,
            )
            for lang in languages
        ]


STAGES: tuple[Stage, ...] = (
    Stage("clean", "01_clean.ipynb", ("responses.parquet", "exclusions.parquet", "quality.json")),
    Stage(
        "analyse",
        "02_analyse.ipynb",
        (
            "estimates.parquet",
            "status.parquet",
            "group_tests.parquet",
            "drivers.parquet",
            "sensitivity.parquet",
            "distributions.parquet",
            "themes.parquet",
        ),
    ),
    Stage("report", "03_report.ipynb", per_language=True),
)
"""The stages in the order they run; each depends on the one before."""


def report_languages(lang: str) -> tuple[str, ...]:
    """The report languages selected by ``--lang`` (``nb``, ``en`` or ``both``).

    Raises
    ------
    PipelineError
        ``lang`` is none of these.
    """
    if lang == "both":
        return REPORT_LANGUAGES
    if lang in REPORT_LANGUAGES:
        return (lang,)
    raise PipelineError(f"unknown report language '{lang}'; use 'nb', 'en' or 'both'.")

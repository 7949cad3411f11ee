"""Every label the report shows, in bokmål and English.

Names of measures, dimensions, groups, scale points and barrier themes come from the instrument
(``instrument.yaml``), so that a measure added there is named correctly without code changes. The
report's own words (headings, column headers, footnotes, status names) live in the one text
catalog, ``instrument/texts.yaml`` (:mod:`anchoring.texts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from anchoring.instrument import LANGUAGES, Instrument
from anchoring.texts import catalog, text

UI_TEXT: Mapping[str, Mapping[str, str]] = catalog()
"""The text catalog (:mod:`anchoring.texts`, ``instrument/texts.yaml``), for code that indexes it
directly (``UI_TEXT[key][lang]``)."""


def capitalise(text: str) -> str:
    """Upper-case the first letter only («deling av …» → «Deling av …»)."""
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Labels:
    """The labels of one report language.

    Parameters
    ----------
    instrument
        The survey instrument (source of every measure, dimension, group, scale and theme name).
    lang
        ``"nb"`` or ``"en"``.
    """

    instrument: Instrument
    lang: str

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unknown report language {self.lang!r}; use one of {LANGUAGES}")

    def text(self, key: str, **values: object) -> str:
        """A report phrase of the text catalog, with ``{placeholders}`` filled in."""
        return text(key, self.lang, **values)

    def measure(self, measure_id: str) -> str:
        """Full name of a measure, e.g. «Pasientens legemiddelliste (PLL)»."""
        return self.instrument.measure(measure_id).name[self.lang]

    def measure_short(self, measure_id: str) -> str:
        """Short name of a measure as used inside a sentence, e.g. «PLL»."""
        return self.instrument.measure(measure_id).short[self.lang]

    def measure_description(self, measure_id: str) -> str:
        """One-sentence description of a measure."""
        return self.instrument.measure(measure_id).description[self.lang]

    def dimension(self, dimension_id: str) -> str:
        """Name of an anchoring dimension, e.g. «Opplevd nytte»."""
        return self.instrument.dimension(dimension_id).name[self.lang]

    def statement(self, dimension_id: str) -> str:
        """The statement of a dimension as respondents read it, «tiltaket» for the measure's name.

        E.g. «Vi er klare til å ta i bruk tiltaket når det blir tilgjengelig.» (the instrument's
        item wording, ``{measure}`` filled with the catalog's ``statement_measure``).
        """
        template = self.instrument.dimension(dimension_id).item[self.lang]
        return capitalise(template.format(measure=self.text("statement_measure")))

    def group(self, group_id: str) -> str:
        """Name of a stakeholder group («Kommuner»), or «Sektoren samlet» for ``sector``."""
        if group_id == "sector":
            return self.text("sector")
        return self.instrument.group(group_id).name[self.lang]

    def group_in_sentence(self, group_id: str) -> str:
        """A group as the subject of a sentence: «fastlegene» / «the GPs»."""
        return self.text(f"group_definite_{group_id}")

    def stratum_kind(self, group_id: str) -> str:
        """What a group's strata are: «fylke», «regionalt helseforetak»."""
        return self.instrument.group(group_id).stratum[self.lang]

    def theme(self, theme_id: str) -> str:
        """Name of a barrier theme, e.g. «Journalleverandør»."""
        for theme in self.instrument.themes:
            if theme.id == theme_id:
                return theme.name[self.lang]
        raise KeyError(theme_id)

    def scale(self, code: int) -> str:
        """Label of a scale point or a non-substantive answer code."""
        return self.instrument.label(code, self.lang)

    def status(self, status_id: str) -> str:
        """Name of an anchoring status («Godt forankret»)."""
        return self.text(f"status_{status_id}")

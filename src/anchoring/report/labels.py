"""Every label the report shows, in bokmål and English.

Names of measures, dimensions, groups, scale points and barrier themes come from the instrument
(``instrument.yaml``), so that a measure added there is named correctly without code changes. The
report's own words (headings, column headers, footnotes, status names) live in the small
dictionary :data:`UI_TEXT` below; every key has both languages (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from anchoring.instrument import LANGUAGES, Instrument

STATUS_IDS: tuple[str, ...] = ("well", "partly", "weak", "not_assessed")
"""Anchoring status ids (methodology §6), strongest first."""

UI_TEXT: dict[str, dict[str, str]] = {
    # headings
    "report": {"nb": "Forankringsrapport", "en": "Anchoring report"},
    "contents": {"nb": "Innhold", "en": "Contents"},
    "main_points": {"nb": "Hovedfunn", "en": "Main points"},
    "overview": {"nb": "Oversikt over tiltakene", "en": "Overview of the measures"},
    "barriers": {"nb": "Barrierer respondentene nevner", "en": "Barriers the respondents name"},
    "change": {"nb": "Endring over tid", "en": "Change over time"},
    "about": {"nb": "Om undersøkelsen", "en": "About the survey"},
    "population": {"nb": "Populasjon og utvalgsrammer", "en": "Population and frames"},
    "fieldwork": {"nb": "Datainnsamling", "en": "Fieldwork"},
    "responses": {"nb": "Svar og svarprosent", "en": "Responses and response rate"},
    "weighting": {"nb": "Vekting", "en": "Weighting"},
    "methods": {"nb": "Usikkerhet og metoder", "en": "Uncertainty and methods"},
    "status_rule": {"nb": "Regelen for forankringsstatus", "en": "The anchoring status rule"},
    "suppression": {"nb": "Skjuling av små grupper", "en": "Hiding small groups"},
    "data_quality": {"nb": "Datakvalitet", "en": "Data quality"},
    "limitations": {"nb": "Kjente begrensninger", "en": "Known limitations"},
    # title block
    "round": {"nb": "Runde", "en": "Round"},
    "fieldwork_dates": {"nb": "Datainnsamling", "en": "Fieldwork"},
    "data_as_of": {"nb": "Siste svar mottatt", "en": "Last response received"},
    "report_language": {"nb": "Språk", "en": "Language"},
    # column headers
    "measure": {"nb": "Tiltak", "en": "Measure"},
    "group": {"nb": "Gruppe", "en": "Group"},
    "sector": {"nb": "Sektoren samlet", "en": "Whole sector"},
    "status": {"nb": "Status", "en": "Status"},
    "rule": {"nb": "regel", "en": "rule"},
    "index": {"nb": "Forankringsindeks (0–100)", "en": "Anchoring index (0–100)"},
    "index_short": {"nb": "Indeks", "en": "Index"},
    "interval": {"nb": "95 % konfidensintervall", "en": "95% confidence interval"},
    "respondents": {"nb": "Svar", "en": "Respondents"},
    "organisations": {"nb": "Organisasjoner", "en": "Organisations"},
    "consensus": {"nb": "Enighet (0–1)", "en": "Consensus (0–1)"},
    "alpha": {"nb": "Cronbachs alfa", "en": "Cronbach's alpha"},
    "stratum": {"nb": "Fylke eller regionalt helseforetak", "en": "County or regional authority"},
    "strata": {"nb": "Inndelt etter", "en": "Divided by"},
    "frame_units": {"nb": "I populasjonen", "en": "In the population"},
    "responding_units": {"nb": "Organisasjoner som svarte", "en": "Organisations responding"},
    "response_rate": {"nb": "Svarprosent", "en": "Response rate"},
    "weighting_efficiency": {"nb": "Vektingseffektivitet", "en": "Weighting efficiency"},
    "theme": {"nb": "Tema", "en": "Theme"},
    "total": {"nb": "Totalt", "en": "Total"},
    "previous": {"nb": "Forrige runde", "en": "Previous round"},
    "current": {"nb": "Denne runden", "en": "This round"},
    "difference": {"nb": "Endring (poeng)", "en": "Change (points)"},
    "p_holm": {"nb": "p (Holm-justert)", "en": "p (Holm-adjusted)"},
    "reason": {"nb": "Årsak", "en": "Reason"},
    "count": {"nb": "Antall", "en": "Count"},
    "type": {"nb": "Type", "en": "Type"},
    "source": {"nb": "Kilde", "en": "Source"},
    "holds_for": {"nb": "Gjelder per", "en": "Holds for"},
    "agree": {"nb": "Enig (4–5)", "en": "Agree (4–5)"},
    "neutral": {"nb": "Verken eller (3)", "en": "Neither (3)"},
    "disagree": {"nb": "Uenig (1–2)", "en": "Disagree (1–2)"},
    "dont_know": {"nb": "Vet ikke", "en": "Don't know"},
    "dont_know_share": {"nb": "Andel «Vet ikke»", "en": "Share “Don't know”"},
    "dimension": {"nb": "Dimensjon", "en": "Dimension"},
    "stratum_total": {"nb": "Alle", "en": "All"},
    # status names
    "status_well": {"nb": "Godt forankret", "en": "Well anchored"},
    "status_partly": {"nb": "Delvis forankret", "en": "Partly anchored"},
    "status_weak": {"nb": "Svakt forankret", "en": "Weakly anchored"},
    "status_not_assessed": {"nb": "Ikke vurdert", "en": "Not assessed"},
    # footnotes and notes
    "note_suppressed": {
        "nb": ": Skjult fordi gruppen har færre enn {min_n} svar eller færre enn {min_orgs} "
        "organisasjoner, eller fordi tallet ellers kunne regnes ut fra de andre.",
        "en": ": Hidden because the group has fewer than {min_n} respondents or fewer than "
        "{min_orgs} organisations, or because it could otherwise be worked out from the others.",
    },
    "note_interval": {
        "nb": "Tall i parentes er 95 % konfidensintervall.",
        "en": "Figures in brackets are 95% confidence intervals.",
    },
    "note_error_bars": {
        "nb": "Strekene viser 95 % konfidensintervall.",
        "en": "The bars show 95% confidence intervals.",
    },
    "note_sector": {
        "nb": "Sektoren samlet er gjennomsnittet av de tre gruppene, med lik vekt.",
        "en": "The whole sector is the average of the three groups, with equal weight.",
    },
    "note_index": {
        "nb": "Forankringsindeksen går fra 0 (helt uenig i alt) til 100 (helt enig i alt).",
        "en": "The anchoring index runs from 0 (strongly disagree with everything) to 100 "
        "(strongly agree with everything).",
    },
    "note_reverse": {
        "nb": "Påstanden om ressurser er stilt negativt («Vi mangler folk og budsjett …») og er "
        "snudd, slik at enig alltid betyr sterkere forankring.",
        "en": "The resources statement is worded negatively (“We lack the people and budget …”) "
        "and is reversed, so that agreeing always means stronger anchoring.",
    },
    "note_theme_small": {
        "nb": ": Færre enn 3 omtaler; vises ikke.",
        "en": ": Fewer than 3 mentions; not shown.",
    },
    "note_themes": {
        "nb": "Antall svar som nevner temaet i fritekstspørsmålet om barrierer (ett svar kan "
        "nevne flere tema). Fritekst gjengis aldri.",
        "en": "Number of respondents whose answer to the open question on barriers mentions the "
        "theme (one answer can mention several). Free text is never quoted.",
    },
    "no_previous": {
        "nb": "Dette er første runde; det finnes ingen tidligere runde å sammenligne med.",
        "en": "This is the first round; there is no earlier round to compare with.",
    },
    "none_hidden": {"nb": "Ingen tall er skjult.", "en": "No figure is hidden."},
    "version": {"nb": "Pakkeversjon", "en": "Package version"},
    "commit": {"nb": "Git-commit", "en": "Git commit"},
    "manifest_hash": {"nb": "Hash av inndata (SHA-256)", "en": "Inputs hash (SHA-256)"},
    "run_at": {"nb": "Kjørt", "en": "Run at"},
    "made_with": {
        "nb": "Laget med pakken anchoring fra de rensede dataene for runden.",
        "en": "Made with the anchoring package from the round's cleaned data.",
    },
}

_GROUP_DEFINITE: dict[str, dict[str, str]] = {
    "municipality": {"nb": "kommunene", "en": "the municipalities"},
    "hospital": {"nb": "helseforetakene", "en": "the hospital trusts"},
    "gp": {"nb": "fastlegene", "en": "the GPs"},
    "sector": {"nb": "sektoren samlet", "en": "the whole sector"},
}


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
        """A report phrase from :data:`UI_TEXT`, with ``{placeholders}`` filled in."""
        phrase = UI_TEXT[key][self.lang]
        return phrase.format(**values) if values else phrase

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

    def group(self, group_id: str) -> str:
        """Name of a stakeholder group («Kommuner»), or «Sektoren samlet» for ``sector``."""
        if group_id == "sector":
            return self.text("sector")
        return self.instrument.group(group_id).name[self.lang]

    def group_in_sentence(self, group_id: str) -> str:
        """A group as the subject of a sentence: «fastlegene» / «the GPs»."""
        return _GROUP_DEFINITE[group_id][self.lang]

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

"""The workbench's own words (figure titles, axis names, column headers, the banner), nb and en.

Words the leadership report also uses (group, measure, index, respondents, ...) come from
:data:`anchoring.report.labels.UI_TEXT`; names of measures, dimensions, roles, groups and themes
from the instrument. Only what is particular to the analyst's views is declared here.
"""

from __future__ import annotations

from anchoring.report.labels import UI_TEXT

WORKBENCH_TEXT: dict[str, dict[str, str]] = {
    "banner": {
        "nb": "Analytikerens arbeidsbenk for runden {round_id}: visningene er IKKE skjult for "
        "små grupper og er ikke en del av lederrapporten. Del ikke tall herfra før "
        "skjulingsreglene er brukt (Round.suppress).",
        "en": "Analyst's workbench for round {round_id}: these views are NOT suppressed for "
        "small groups and are not part of the leadership report. Do not share a number from "
        "here before the suppression rules are applied (Round.suppress).",
    },
    "recorded_run": {
        "nb": "Fra kjøringen som startet {started_at} (hash av inndata {digest}).",
        "en": "From the run started {started_at} (inputs hash {digest}).",
    },
    "no_recorded_run": {
        "nb": "Runden har ingen registrert kjøring (manifest.json mangler).",
        "en": "The round has no recorded run (manifest.json is missing).",
    },
    "responses_per_day": {"nb": "Svar per dag", "en": "Responses per day"},
    "fieldwork_title": {
        "nb": "Svar gjennom datainnsamlingen (helg skyggelagt)",
        "en": "Responses over fieldwork (weekends shaded)",
    },
    "fieldwork_title_reminders": {
        "nb": "Svar gjennom datainnsamlingen (helg skyggelagt, påminnelser stiplet)",
        "en": "Responses over fieldwork (weekends shaded, reminders dashed)",
    },
    "date": {"nb": "Dato", "en": "Date"},
    "response_rate_title": {
        "nb": "Svarprosent per fylke og regionalt helseforetak",
        "en": "Response rate by county and regional health authority",
    },
    "distribution_group_title": {
        "nb": "Svarfordeling per påstand og gruppe, {measure} (% av svarene)",
        "en": "Answers per item and group, {measure} (% of answers)",
    },
    "distribution_stratum_title": {
        "nb": "Svarfordeling per fylke/RHF: {item} (% av svarene)",
        "en": "Answers by county/RHF: {item} (% of answers)",
    },
    "correlation_title": {
        "nb": "Korrelasjon mellom de sju dimensjonene, {measure} (Pearson, uvektet)",
        "en": "Correlation of the seven dimensions, {measure} (Pearson, unweighted)",
    },
    "flags_title": {
        "nb": "Hurtig- og rettlinjesvarere (% per gruppe)",
        "en": "Speeders and straight-liners (% by group)",
    },
    "speeder": {"nb": "Hurtigsvarer", "en": "Speeder"},
    "straightliner": {"nb": "Rettlinjesvarer", "en": "Straight-liner"},
    "flag": {"nb": "Flagg", "en": "Flag"},
    "answer_time_title": {
        "nb": "Svartid (minutter, logaritmisk akse)",
        "en": "Answer time (minutes, log axis)",
    },
    "minutes": {"nb": "Minutter", "en": "Minutes"},
    "share_pct": {"nb": "Andel (%)", "en": "Share (%)"},
    "dont_know_title": {
        "nb": "Andel «Vet ikke» per rolle og tiltak (% av svarene)",
        "en": "Share “Don't know” by role and measure (% of answers)",
    },
    "role": {"nb": "Rolle", "en": "Role"},
    "themes_title": {
        "nb": "Barrieretemaer per gruppe (% av dem som skrev en barriere)",
        "en": "Barrier themes by group (% of those who wrote a barrier)",
    },
    "index_title": {
        "nb": "Forankringsindeks per gruppe med publisert 95 % intervall (skjulte tall mangler)",
        "en": "Anchoring index by group with the published 95% interval (hidden values absent)",
    },
    "items_title": {
        "nb": "Gjennomsnitt per dimensjon og gruppe, {measure} (1–5, publisert)",
        "en": "Mean per dimension and group, {measure} (1–5, published)",
    },
    "answer": {"nb": "Svar", "en": "Answer"},
    "interval_low": {"nb": "Nedre", "en": "Low"},
    "interval_high": {"nb": "Øvre", "en": "High"},
    "hidden": {"nb": "Skjult", "en": "Hidden"},
    "driver": {"nb": "Driver", "en": "Driver"},
    "value": {"nb": "Verdi", "en": "Value"},
    "design_respondents": {"nb": "Respondenter", "en": "Respondents"},
    "design_psu": {"nb": "Primærenheter (organisasjoner)", "en": "Primary units (organisations)"},
    "design_strata": {"nb": "Strata", "en": "Strata"},
    "design_df": {"nb": "Frihetsgrader i designet", "en": "Design degrees of freedom"},
    "design_variance": {"nb": "Variansdesign", "en": "Variance design"},
    "design_weighting": {"nb": "Vekting", "en": "Weighting"},
}


def text(key: str, lang: str, **values: object) -> str:
    """A word of the workbench or the report in ``lang``, with ``{placeholders}`` filled in."""
    entry = WORKBENCH_TEXT.get(key) or UI_TEXT[key]
    return entry[lang].format(**values) if values else entry[lang]

"""«Om undersøkelsen» / «About the survey»: population, fieldwork, response, methods and quality.

States what a reader needs to judge the numbers: the population and its frames (saying so when a
frame is illustrative), fieldwork, responses and response rate per group and stratum, weighting
and its efficiency, how intervals are made, the status rule (the analysis stage's own wording),
the suppression rule, the cleaning stage's data-quality counts, and known limitations.
"""

from __future__ import annotations

import datetime as dt

from anchoring.groups import GROUPS
from anchoring.report.html import HtmlBlock, anchor_id, element, escape
from anchoring.report.inputs import Report
from anchoring.report.numbers import format_count, format_date, format_interval
from anchoring.report.table_model import Cell, Column, ReportTable, text_cell
from anchoring.report.tables import response_table, stratum_table
from anchoring.status import rule_texts

ABOUT_ID = {"nb": "om-undersokelsen", "en": "about"}
"""Id of the «About» heading."""

REASONS: dict[str, dict[str, str]] = {
    "analyst": {"nb": "Tatt ut av analytikeren", "en": "Excluded by the analyst"},
    "test_marked": {"nb": "Testsvar", "en": "Test submission"},
    "before_fieldwork": {"nb": "Sendt før datainnsamlingen", "en": "Sent before fieldwork"},
    "incomplete": {"nb": "For få spørsmål besvart", "en": "Too few questions answered"},
    "duplicate": {"nb": "Dobbelt innsendt", "en": "Duplicate submission"},
    "resubmission": {"nb": "Sendt inn på nytt (siste beholdt)", "en": "Resubmitted (latest kept)"},
    "missing_org_id": {
        "nb": "Organisasjon mangler eller er ukjent",
        "en": "Organisation missing or unknown",
    },
    "speeder": {"nb": "Svarte urimelig raskt", "en": "Answered implausibly fast"},
    "straightliner": {"nb": "Samme svar på alt", "en": "Same answer throughout"},
}
"""Labels of the cleaning stage's exclusion reasons."""

REDACTIONS: dict[str, dict[str, str]] = {
    "fodselsnummer": {"nb": "Fødselsnummer", "en": "National identity number"},
    "fodselsnummer_checksum_valid": {
        "nb": "– herav med gyldig kontrollsiffer",
        "en": "– of which with a valid check digit",
    },
    "telefon": {"nb": "Telefonnummer", "en": "Phone number"},
    "e_post": {"nb": "E-postadresse", "en": "E-mail address"},
    "hpr_nummer": {"nb": "HPR-nummer", "en": "HPR number"},
    "html": {"nb": "HTML-kode fjernet", "en": "HTML code removed"},
    "script": {"nb": "Skriptkode fjernet", "en": "Script code removed"},
    "formula": {"nb": "Regnearkformel nøytralisert", "en": "Spreadsheet formula neutralised"},
}
"""Labels of the cleaning stage's redaction types."""

_FRAME_SOURCES = {
    "municipality": {
        "nb": "SSBs kommuneinndeling (klassifikasjon 131 og 104)",
        "en": "Statistics Norway's municipalities (classifications 131 and 104)",
    },
    "hospital": {
        "nb": "Helse- og omsorgsdepartementets oversikt over helseforetakene",
        "en": "The Ministry of Health and Care Services' list of health trusts",
    },
    "gp": {"nb": "Antall fastleger per fylke", "en": "Number of GPs per county"},
}

_TEXT = {
    "population": {
        "nb": "Populasjonen er alle kommuner, alle helseforetak som driver sykehus, og alle "
        "fastleger. Kommuner og helseforetak svarer som organisasjoner: flere ledere kan svare "
        "for samme organisasjon, og hver organisasjon teller like mye.",
        "en": "The population is every municipality, every hospital trust, and every GP. "
        "Municipalities and trusts answer as organisations: several leaders can answer for the "
        "same organisation, and every organisation counts the same.",
    },
    "gp_illustrative": {
        "nb": "Merk: Fordelingen av fastleger på fylker er illustrativ (anslått ut fra "
        "folketall), ikke en publisert telling. Svarprosent og vekter for fastlegene er derfor "
        "omtrentlige.",
        "en": "Note: the split of GPs by county is illustrative (estimated from population), "
        "not a published count. Response rates and weights for GPs are therefore approximate.",
    },
    "fieldwork": {
        "nb": "Datainnsamlingen gikk fra {start} til {end}, med {k} spørreskjemaeksporter.",
        "en": "Fieldwork ran from {start} to {end}, with {k} survey exports.",
    },
    "weighting": {
        "nb": "Hvert svar vektes med (antall organisasjoner i stratumet / antall som svarte) × "
        "(1 / antall svar fra organisasjonen). Slik teller hver organisasjon én gang, og "
        "organisasjonene som svarte, står for hele sitt fylke eller regionale helseforetak. "
        "Vektingseffektiviteten i tabellen over viser hvor mye presisjon vektene koster.",
        "en": "Each response is weighted by (organisations in the stratum / organisations "
        "responding) × (1 / responses from the organisation). So each organisation counts "
        "once, and the responding organisations stand for their whole county or regional "
        "health authority. The weighting efficiency in the table above shows how much "
        "precision the weights cost.",
    },
    "methods": {
        "nb": "Alle usikkerhetsmål tar hensyn til utvalgsdesignet (strata, organisasjoner som "
        "klynger, endelig populasjon), beregnet med Taylor-linearisering som i R-pakken survey. "
        "Indeksen har normalfordelt 95 % konfidensintervall; andeler har logit-intervall med "
        "t-fordeling. Sektoren samlet er snittet av de tre gruppene med lik vekt, så de mange "
        "fastlegene ikke overdøver kommunene. Endringer fra forrige runde testes med z-test, og "
        "p-verdiene Holm-justeres fordi mange sammenligninger gjøres samtidig. Enighet innad i "
        "en gruppe måles med Tastle–Wiermans konsensusmål (0 = full splittelse, 1 = alle svarer "
        "likt).",
        "en": "Every measure of uncertainty reflects the sample design (strata, organisations "
        "as clusters, finite population), computed by Taylor linearisation as in R's survey "
        "package. The index has normal 95% confidence intervals; shares have logit intervals "
        "with the t distribution. The whole sector is the equal-weight average of the three "
        "groups, so the many GPs do not drown out the municipalities. Changes since the previous "
        "round are tested with a z-test, and the p-values are Holm-adjusted because many "
        "comparisons are made at once. Agreement within a group is measured with the "
        "Tastle–Wierman consensus (0 = completely split, 1 = everyone answers alike).",
    },
    "suppression": {
        "nb": "Et tall vises ikke når det bygger på færre enn {min_n} svar eller færre enn "
        "{min_orgs} organisasjoner. I stedet står tegnet «:», som i SSBs tabeller. Er ett tall "
        "skjult, skjules også tall som det ellers kunne regnes ut fra (for eksempel sektoren "
        "samlet). Ingen enkeltsvar og ingen fritekst vises; fritekst oppsummeres som antall per "
        "tema. I denne rapporten er {hidden} tall skjult.",
        "en": "A figure is not shown when it rests on fewer than {min_n} respondents or fewer "
        "than {min_orgs} organisations. The symbol “:” stands in its place, as in Statistics "
        "Norway's tables. When one figure is hidden, figures it could be worked out from (such "
        "as the whole sector) are hidden too. No single answer and no free text is shown; free "
        "text is summarised as counts per theme. In this report, {hidden} figures are hidden.",
    },
    "quality": {
        "nb": "Rensingen leste {read} rader og beholdt {kept} svar; {excluded} rader ble tatt ut. "
        "Personopplysninger i fritekst ble fjernet før analysen.",
        "en": "Cleaning read {read} rows and kept {kept} responses; {excluded} rows were "
        "excluded. Personal data in free text was removed before analysis.",
    },
    "one_stage_limitation": {
        "nb": "Denne runden er beregnet med ett-trinns design (estimation.variance: one_stage). "
        "Der nesten alle organisasjoner i et fylke eller en region har svart (særlig "
        "helseforetakene), blir intervallene da for smale: metoden regner de som svarte som hele "
        "organisasjonen, og tar ikke med usikkerheten i hvilke ledere som svarte.",
        "en": "This round is computed with the one-stage design (estimation.variance: "
        "one_stage). Where nearly every organisation of a county or region answered (hospital "
        "trusts in particular), intervals are then too narrow: the method treats those who "
        "answered as the whole organisation and leaves out the uncertainty of which leaders "
        "answered.",
    },
    "estimand": {
        "nb": "Det som anslås, er gjennomsnittet over alle organisasjonene i rammen (alle "
        "kommuner, alle helseforetak, alle fastleger) av hver organisasjons standpunkt, der hver "
        "organisasjon teller én gang uansett hvor mange som svarte for den.",
        "en": "What is estimated is the average, over every organisation of the frame (all "
        "municipalities, all health trusts, all GPs), of each organisation's position, each "
        "organisation counting once however many answered for it.",
    },
    "sensitivity": {
        "nb": "Følsomhetskontroll: med {design} blir 95 % konfidensintervallet for sektorindeksen "
        "{items}. Tallene er de samme; bare usikkerheten endres.",
        "en": "Sensitivity check: with {design}, the 95% confidence interval of the sector "
        "index is {items}. The figures are the same; only the uncertainty changes.",
    },
    "design_one_stage": {
        "nb": "ett-trinns design (bare organisasjonene som utvalg)",
        "en": "the one-stage design (organisations as the only sample)",
    },
    "design_two_stage": {
        "nb": "to-trinns design (organisasjoner, så personene som svarte)",
        "en": "the two-stage design (organisations, then the people who answered)",
    },
    "raked": {
        "nb": "Vektene er deretter justert (raking) slik at de stemmer med antall organisasjoner "
        "etter {margins} i rammen; justeringen er tatt med i usikkerheten.",
        "en": "The weights are then adjusted (raking) to match the frame's counts of "
        "organisations by {margins}; the adjustment is taken into the uncertainty.",
    },
    "two_stage": {
        "nb": "Usikkerheten har to deler: hvilke organisasjoner som svarte, og hvilke personer "
        "som svarte for organisasjonen. Derfor har også et fylke eller en region der alle "
        "organisasjoner svarte, et usikkerhetsintervall.",
        "en": "The uncertainty has two parts: which organisations answered, and which people "
        "answered for each organisation. So a county or region where every organisation "
        "answered still has an uncertainty interval.",
    },
    "limitations": {
        "nb": [
            "De som svarer, kan være mer engasjert i tiltakene enn de som ikke svarer. Vektingen "
            "retter opp skjevhet mellom fylker og regioner, ikke innenfor dem.",
            "Lederne svarer på vegne av sin organisasjon; svarene er deres vurdering, ikke en "
            "måling av faktisk innføring.",
            "Indeksen behandler svarskalaen som om trinnene er like store.",
            "Endring mellom runder regnes som om utvalgene er uavhengige; når de samme "
            "organisasjonene svarer igjen, er testen forsiktig.",
            "Barrieretemaene er funnet med nøkkelord i fritekst og kan overse eller feiltolke "
            "enkelte svar.",
        ],
        "en": [
            "Those who respond may be more engaged with the measures than those who do not. "
            "Weighting corrects imbalance between counties and regions, not within them.",
            "Leaders answer on behalf of their organisation; the answers are their judgement, "
            "not a measurement of actual rollout.",
            "The index treats the answer scale as if its steps were equal.",
            "Change between rounds is computed as if the samples were independent; when the "
            "same organisations answer again, the test is conservative.",
            "Barrier themes are found by keywords in free text and can miss or misread some "
            "answers.",
        ],
    },
}


def _limitations(lang: str, two_stage: bool) -> list[str]:
    """The known limitations; the one-stage variance adds its own."""
    extra = [] if two_stage else [_TEXT["one_stage_limitation"][lang]]
    return [*_TEXT["limitations"][lang], *extra]  # type: ignore[list-item]


def _t(report: Report, key: str, **values: object) -> str:
    text = _TEXT[key][report.lang]
    return text.format(**values) if values else text  # type: ignore[union-attr]


def _h3(text: str, *parts: str) -> str:
    return element("h3", escape(text), id=anchor_id(*parts))


def _p(text: str, css: str | None = None) -> str:
    return element("p", escape(text), class_=css)


def frames_table(report: Report) -> ReportTable:
    """The frames: per group the population count, strata, the date the frame holds for."""
    labels, lang = report.labels, report.lang
    columns = [
        Column(labels.text("group")),
        Column(labels.text("frame_units")),
        Column(labels.text("strata")),
        Column(labels.text("source")),
        Column(labels.text("holds_for")),
    ]
    rows = []
    for group in GROUPS:
        frame = report.frames[group]
        strata = f"{len(frame.strata)} ({labels.stratum_kind(group)})"
        source = _FRAME_SOURCES[group][lang] if frame.holds_for else frame.source
        rows.append(
            [
                text_cell(labels.group(group)),
                Cell(
                    format_count(int(frame.strata["psu_n"].sum()), lang),
                    int(frame.strata["psu_n"].sum()),
                    is_numeric=True,
                ),
                text_cell(strata),
                text_cell(source),
                text_cell(_holds_for(frame.holds_for, lang)),
            ]
        )
    return ReportTable("table-frames", labels.text("population"), columns, rows)


def _holds_for(text: str, lang: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(text), lang)
    except ValueError:
        return text or "–"


def _count_table(
    report: Report, table_id: str, caption: str, first: str, counts: dict, names: dict
) -> ReportTable:
    labels, lang = report.labels, report.lang
    rows = [
        [
            text_cell(names.get(k, {}).get(lang, k)),
            Cell(format_count(v, lang), int(v), is_numeric=True),
        ]
        for k, v in counts.items()
    ]
    return ReportTable(table_id, caption, [Column(first), Column(labels.text("count"))], rows)


def quality_tables(report: Report) -> list[ReportTable]:
    """Exclusions by reason and redactions by type, from the cleaning stage's ``quality.json``."""
    totals = report.quality.get("totals", {})
    labels = report.labels
    caption_ex = {"nb": "Rader tatt ut, etter årsak", "en": "Rows excluded, by reason"}
    caption_red = {
        "nb": "Personopplysninger og kode fjernet fra fritekst, etter type",
        "en": "Personal data and code removed from free text, by type",
    }
    return [
        _count_table(
            report,
            "table-exclusions",
            caption_ex[report.lang],
            labels.text("reason"),
            totals.get("excluded_by_reason", {}),
            REASONS,
        ),
        _count_table(
            report,
            "table-redactions",
            caption_red[report.lang],
            labels.text("type"),
            totals.get("redactions_by_type", {}),
            REDACTIONS,
        ),
    ]


def _hidden_count(report: Report) -> int:
    table = report.estimates.table
    mine = table["measure"].isin(report.measures) & (table["breakdown"] == "")
    return int(table.loc[mine, "is_suppressed"].astype(bool).sum())


def _sensitivity(report: Report) -> list[str]:
    """The sensitivity line from ``sensitivity.parquet`` (none when absent or all hidden)."""
    table = report.sensitivity
    if table is None:
        return []
    shown = table[~table["is_suppressed"].astype(bool) & table["measure"].isin(report.measures)]
    if shown.empty:
        return []
    lang = report.lang
    items = "; ".join(
        f"{report.labels.measure_short(row.measure)} "
        f"{format_interval(row.ci_low, row.ci_high, lang)}"
        for row in shown.itertuples()
    )
    design = _t(report, f"design_{shown['variance'].iloc[0]}")
    return [_p(_t(report, "sensitivity", design=design, items=items))]


def about_section(report: Report) -> HtmlBlock:
    """The «About the survey» section, in the report language."""
    labels, lang = report.labels, report.lang
    settings = report.config.estimation
    fieldwork = report.config.fieldwork
    totals = report.quality.get("totals", {})
    parts = [element("h2", escape(labels.text("about")), id=ABOUT_ID[lang])]
    parts += [
        _h3(labels.text("population"), "about-population"),
        _p(_t(report, "population")),
        frames_table(report).to_html(),
    ]
    if report.frames["gp"].is_illustrative:
        parts.append(_p(_t(report, "gp_illustrative"), "note"))
    parts += [
        _h3(labels.text("fieldwork"), "about-fieldwork"),
        _p(
            _t(
                report,
                "fieldwork",
                start=format_date(fieldwork.start, lang),
                end=format_date(fieldwork.end, lang),
                k=len(report.config.sources),
            )
        ),
    ]
    if report.history.empty:
        parts.append(_p(labels.text("no_previous")))
    parts += [
        _h3(labels.text("responses"), "about-responses"),
        response_table(report).to_html(),
        element(
            "details", element("summary", escape(_STRATA[lang])) + stratum_table(report).to_html()
        ),
    ]
    parts += [_h3(labels.text("weighting"), "about-weighting"), _p(_t(report, "weighting"))]
    if settings.weighting == "raked":
        named = sorted({c for columns in (settings.margins or {}).values() for c in columns})
        parts.append(_p(_t(report, "raked", margins=", ".join(named))))
    two_stage = settings.variance == "two_stage"
    parts += [
        _h3(labels.text("methods"), "about-methods"),
        _p(_t(report, "methods") + (" " + _t(report, "two_stage") if two_stage else "")),
        _p(_t(report, "estimand")),
        *_sensitivity(report),
    ]
    rules = rule_texts(settings.status, settings.level)
    parts += [
        _h3(labels.text("status_rule"), "about-status"),
        element("ul", "".join(element("li", escape(rules[s][lang])) for s in rules)),
    ]
    parts += [
        _h3(labels.text("suppression"), "about-suppression"),
        _p(
            _t(
                report,
                "suppression",
                min_n=settings.min_n,
                min_orgs=settings.min_orgs,
                hidden=_hidden_count(report),
            )
        ),
    ]
    parts += [_h3(labels.text("data_quality"), "about-quality")]
    if totals:
        parts.append(
            _p(
                _t(
                    report,
                    "quality",
                    read=format_count(totals.get("rows_read"), lang),
                    kept=format_count(totals.get("kept"), lang),
                    excluded=format_count(totals.get("excluded"), lang),
                )
            )
        )
    parts += [t.to_html() for t in quality_tables(report)]
    parts += [
        _h3(labels.text("limitations"), "about-limitations"),
        element("ul", "".join(element("li", escape(x)) for x in _limitations(lang, two_stage))),
    ]
    return HtmlBlock(element("section", "".join(parts), class_="about"))


_STRATA = {
    "nb": "Vis svarprosent per fylke og regionalt helseforetak",
    "en": "Show the response rate by county and regional health authority",
}

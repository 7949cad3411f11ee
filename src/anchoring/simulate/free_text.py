"""Norwegian barrier comments, with planted personal data and text that must survive redaction.

Most respondents leave the barrier question empty. The others write one or two sentences, each
about one barrier theme of the instrument and containing one of its ``keywords_nb`` as a whole
word (and no other theme's keyword, not even inside a longer word, so keyword tagging with or
without word boundaries gives the planted themes). Sentences for a theme the instrument does not
list fall back to «Utfordringer med <keyword>.».

Planted strings (recorded with their source and row in ``truth.json``):

* personal data the cleaning must redact: fødselsnummer with valid control digits (plain, with a
  space after the date, a D-number), phone numbers (``+47 912 34 567``, ``0047 41234567``,
  ``22 33 44 55``), e-mail addresses;
* markup and formulas that must be neutralised: ``<script>alert(1)</script>``,
  ``<img src=x onerror=alert(1)>``, a cell starting with ``=``;
* text that must NOT be redacted: dates (``01.03.2026``), amounts (``1 250 000 kr``), years,
  four-digit municipality numbers and percentages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchoring.fodselsnummer import make_fodselsnummer
from anchoring.instrument import Instrument

THEME_SENTENCES: dict[str, tuple[str, ...]] = {
    "okonomi": (
        "Manglende finansiering er den største hindringen.",
        "Kostnader til lisenser og innføring er høye.",
        "Vi har ikke budsjett til dette i år.",
        "Det blir dyrt for en liten organisasjon som vår.",
        "Det er ikke satt av midler til innføringen.",
        "Det mangler penger til oppgradering.",
        "Det er uklart om det blir betaling for merarbeidet.",
    ),
    "kompetanse": (
        "Mange ansatte trenger opplæring før vi kan starte.",
        "Vi mangler kompetanse på informasjonssikkerhet.",
        "Det trengs kurs for de som skal bruke løsningen.",
        "Det er lite kunnskap om tiltaket blant de ansatte.",
        "Vi må opplære vikarer og nyansatte.",
    ),
    "leverandor": (
        "Vi venter på at leverandøren leverer en ny versjon.",
        "DIPS har ikke levert funksjonaliteten ennå.",
        "Infodoc og CGM har ulik framdrift.",
        "Vi bruker System X, og leverandør har ikke gitt noen dato.",
        "Gerica og Profil må oppgraderes først.",
        "Vi er helt avhengige av EPJ-leverandør.",
        "Dagens journalsystem støtter ikke dette.",
    ),
    "jus_personvern": (
        "Det er uklart juridisk grunnlag for deling.",
        "Vi må gjøre en DPIA før vi kan ta det i bruk.",
        "Spørsmål om personvern og taushetsplikt er ikke avklart.",
        "Lovverk og hjemmel for deling må på plass.",
        "Hvordan samtykke skal innhentes, er uavklart.",
        "Krav i GDPR gjør arbeidet tungt.",
    ),
    "kapasitet": (
        "Vi har ikke kapasitet til å innføre flere tiltak samtidig.",
        "Det er travelt i tjenestene og for lite folk.",
        "Bemanning er en stor utfordring.",
        "Høyt arbeidspress gjør det vanskelig å prioritere.",
        "Det tar tid å få dette på plass.",
        "Vi mangler ressurser til prosjektarbeid.",
    ),
    "infrastruktur": (
        "HelseID er ikke på plass hos oss.",
        "Integrasjon mot kjernejournal mangler.",
        "Tilkoblingen til Norsk helsenett må oppgraderes.",
        "Det er teknisk krevende med dagens oppsett.",
        "Utdatert teknologi og infrastruktur.",
        "Ustabilt nettverk i distriktene.",
    ),
    "styring": (
        "Uklart ansvar mellom kommune og sykehus.",
        "Det trengs bedre koordinering på tvers av nivåene.",
        "Vi savner samordning mellom de nasjonale tiltakene.",
        "Svak forankring i toppledelsen.",
        "Helsefellesskap bør få en tydeligere rolle.",
        "Styring av programmet oppleves fjern.",
    ),
}
"""Barrier sentences per theme id; each holds a keyword of its theme only."""

SENTENCE_GROUP: dict[str, str] = {
    "DIPS har ikke levert funksjonaliteten ennå.": "hospital",
    "Infodoc og CGM har ulik framdrift.": "gp",
    "Vi bruker System X, og leverandør har ikke gitt noen dato.": "gp",
    "Gerica og Profil må oppgraderes først.": "municipality",
    "Uklart ansvar mellom kommune og sykehus.": "municipality",
}
"""Sentences that only one group writes (its record systems, its partners)."""

FILLER_SENTENCES: tuple[str, ...] = (
    "Ellers er vi positive.",
    "Vi ser fram til å komme i gang.",
    "Mange tiltak kommer på en gang.",
    "Bra initiativ, men krevende.",
    "Gode intensjoner, men mye gjenstår.",
)
"""Sentences without any theme keyword."""

NO_THEME_COMMENTS: tuple[str, ...] = ("Ingen spesielle barrierer.", "Nei.", "Vet ikke.", "-")
"""Whole comments that mention no theme."""

THEME_WEIGHTS: dict[str, dict[str, float]] = {
    "municipality": {
        "okonomi": 3,
        "kompetanse": 2,
        "kapasitet": 3,
        "leverandor": 2,
        "infrastruktur": 1.5,
        "styring": 2,
        "jus_personvern": 1,
    },
    "hospital": {
        "okonomi": 2,
        "kompetanse": 1.5,
        "kapasitet": 2,
        "leverandor": 2,
        "infrastruktur": 2.5,
        "styring": 1.5,
        "jus_personvern": 2,
    },
    "gp": {
        "okonomi": 3,
        "kompetanse": 1,
        "kapasitet": 3,
        "leverandor": 3.5,
        "infrastruktur": 1.5,
        "styring": 1,
        "jus_personvern": 1,
    },
}
"""Relative frequency of each theme in a group's comments."""

PII_KINDS: tuple[str, ...] = (
    "fodselsnummer",
    "fodselsnummer_spaced",
    "d_number",
    "phone_plus47",
    "phone_0047",
    "phone_landline",
    "email",
    "script",
    "img",
    "formula",
)
"""Kinds of planted text that cleaning must redact or neutralise."""

KEEP_KINDS: tuple[str, ...] = ("date", "amount", "year", "municipality_number", "percent")
"""Kinds of planted text that cleaning must leave untouched."""

_FIRST = ("kari", "ola", "ingrid", "per", "anne", "lars", "sigrid", "jon", "marit", "erik")
_LAST = (
    "nordmann",
    "hansen",
    "johansen",
    "olsen",
    "larsen",
    "andersen",
    "pedersen",
    "nilsen",
    "berg",
    "haugen",
)
_DOMAINS = ("kommune.no", "legesenter.no", "helse-vest.no", "sykehus.no", "example.no")


@dataclass(frozen=True)
class PlantedText:
    """One planted string: its kind, the exact text as written, and (fødselsnummer) its digits."""

    kind: str
    text: str
    digits: str = ""


def draw_comments(
    instrument: Instrument, group: str, n: int, share: float, rng: np.random.Generator
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Barrier comments for ``n`` genuine respondents and the themes each one mentions.

    Parameters
    ----------
    instrument
        Supplies the theme ids (and keywords for themes without prepared sentences).
    group
        Sets the theme frequencies.
    n, share
        Number of respondents and the share who write something.
    rng
        The free-text stream.
    """
    theme_ids = instrument.theme_ids()
    weights = np.array([THEME_WEIGHTS.get(group, {}).get(t, 1.0) for t in theme_ids])
    options = [_sentences(t.id, t.keywords_nb, group) for t in instrument.themes]
    u = rng.random((n, 5))
    writes, no_theme, two = u[:, 0] < share, u[:, 1] < 0.06, u[:, 1] >= 0.6
    # Two themes without replacement, weighted: the two largest Gumbel-perturbed log weights.
    keys = np.log(weights)[None, :] - np.log(-np.log(rng.random((n, len(theme_ids)))))
    top = np.argsort(-keys, axis=1, kind="stable")[:, :2]
    first, second = np.minimum(top[:, 0], top[:, 1]), np.maximum(top[:, 0], top[:, 1])
    picks = rng.random((n, 3))
    filler = u[:, 2] < 0.3
    newline = u[:, 3] < 0.08
    texts: list[str] = [""] * n
    themes: list[tuple[str, ...]] = [()] * n
    for r in np.flatnonzero(writes):
        if no_theme[r]:
            texts[r] = NO_THEME_COMMENTS[int(u[r, 4] * len(NO_THEME_COMMENTS))]
            continue
        chosen = (first[r], second[r]) if two[r] else (top[r, 0],)
        sentences = [_pick(options[t], picks[r, k]) for k, t in enumerate(chosen)]
        if filler[r]:
            sentences.append(_pick(FILLER_SENTENCES, picks[r, 2]))
        texts[r] = ("\n" if newline[r] else " ").join(sentences)
        themes[r] = tuple(theme_ids[t] for t in chosen)
    return texts, themes


def _pick(options: tuple[str, ...] | list[str], uniform: float) -> str:
    return options[int(uniform * len(options))]


def _sentences(theme: str, keywords: tuple[str, ...], group: str) -> list[str]:
    options = [s for s in THEME_SENTENCES.get(theme, ()) if SENTENCE_GROUP.get(s, group) == group]
    return options or [f"Utfordringer med {k}." for k in keywords]


def plant_pii(kind: str, rng: np.random.Generator) -> PlantedText:
    """A fresh planted string of one :data:`PII_KINDS` kind (random digits, fixed shape)."""
    if kind in ("fodselsnummer", "fodselsnummer_spaced", "d_number"):
        number = make_fodselsnummer(rng, "d" if kind == "d_number" else "fnr")
        text = f"{number[:6]} {number[6:]}" if kind == "fodselsnummer_spaced" else number
        return PlantedText(kind, text, number)
    if kind == "phone_plus47":
        d = _digits(rng, 7)
        return PlantedText(kind, f"+47 {rng.choice(['9', '4'])}{d[:2]} {d[2:4]} {d[4:]}")
    if kind == "phone_0047":
        return PlantedText(kind, f"0047 {rng.choice(['4', '9'])}{_digits(rng, 7)}")
    if kind == "phone_landline":
        d = _digits(rng, 6)
        return PlantedText(kind, f"2{rng.choice(['2', '3'])} {d[:2]} {d[2:4]} {d[4:]}")
    if kind == "email":
        name = f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}"
        return PlantedText(kind, f"{name}@{rng.choice(_DOMAINS)}")
    if kind == "script":
        return PlantedText(kind, "<script>alert(1)</script>")
    if kind == "img":
        return PlantedText(kind, "<img src=x onerror=alert(1)>")
    if kind == "formula":
        return PlantedText(kind, '=HYPERLINK("http://x","klikk")')
    raise ValueError(kind)


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def embed_pii(planted: PlantedText, comment: str) -> str:
    """The comment with the planted string in a natural sentence (a formula is the whole cell)."""
    if planted.kind == "formula":
        return planted.text
    wrappers = {
        "fodselsnummer": "Pasienten med fødselsnummer {} fikk feil liste.",
        "fodselsnummer_spaced": "Gjelder pasient {} som ble skrevet ut i forrige uke.",
        "d_number": "Se saken om pasient med d-nummer {}.",
        "phone_plus47": "Ring meg gjerne på {} om dere vil vite mer.",
        "phone_0047": "Kontakt meg på mobil {}.",
        "phone_landline": "Sentralbordet vårt har nummer {}.",
        "email": "Skriv til {} for mer informasjon.",
        "script": "{}",
        "img": "Se vedlegg {}",
    }
    sentence = wrappers[planted.kind].format(planted.text)
    return f"{comment} {sentence}".strip()


def plant_keep(kind: str, rng: np.random.Generator, municipality_ids: list[str]) -> PlantedText:
    """A fresh string of one :data:`KEEP_KINDS` kind that redaction must leave as it is."""
    if kind == "date":
        return PlantedText(
            kind,
            f"{int(rng.integers(1, 29)):02d}.{int(rng.integers(1, 13)):02d}."
            f"{int(rng.integers(2025, 2029))}",
        )
    if kind == "amount":
        millions, thousands = int(rng.integers(1, 10)), int(rng.integers(100, 1000))
        return PlantedText(kind, f"{millions} {thousands} 000 kr")
    if kind == "year":
        return PlantedText(kind, str(int(rng.integers(2025, 2031))))
    if kind == "municipality_number":
        return PlantedText(kind, str(rng.choice(municipality_ids)))
    if kind == "percent":
        return PlantedText(kind, f"{int(rng.integers(5, 96))} %")
    raise ValueError(kind)


def embed_keep(planted: PlantedText, comment: str) -> str:
    """The comment with a must-keep string in a natural sentence."""
    wrappers = {
        "date": "Oppstart er planlagt {}.",
        "amount": "Vi har satt av {} til innføringen.",
        "year": "Dette blir først aktuelt i {}.",
        "municipality_number": "Kommunenummer {} deltar i utprøvingen.",
        "percent": "Det gjelder om lag {} av pasientene.",
    }
    return f"{comment} {wrappers[planted.kind].format(planted.text)}".strip()

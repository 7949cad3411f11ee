"""Fixed parameters of the simulated survey: the population model, rates of dirt, codebooks.

Everything the simulation draws from lives here as plain data, so that a reviewer can read the
model in one place and ``truth.json`` can echo it (``model`` key). Numbers are chosen to look like
a real round of the anchoring survey (index values between about 40 and 75, a «Vet ikke» share of a
few per cent that is higher among GPs for data sharing in home follow-up), not estimated from data.

The latent scale
----------------
An answer to item *i* of measure *m* by respondent *r* of organisation *j* in stratum *h* of group
*g* is the ordinal category of ``y = mu[g, m, d] + stratum[g, h] + u[j, m] + e[r, m] + eps[r, i]``
cut at :data:`THRESHOLDS` (a cumulative probit model). ``u`` is the organisation effect (shared by
the respondents of one municipality or trust, which is why they agree more with each other; for a
GP it is the GP's own lasting view), ``e`` a respondent effect and ``eps`` item noise. The
category is the *scored* answer (5 = most anchored); the reverse-keyed dimension is answered as
``6 - score``.
"""

from __future__ import annotations

import datetime as dt

THRESHOLDS: tuple[float, ...] = (-1.5, -0.5, 0.5, 1.5)
"""Cut points of the latent scale between scored categories 1|2, 2|3, 3|4 and 4|5."""

SD_STRATUM = 0.12
"""Standard deviation of the stratum (county / RHF) effect, shared by all measures of a group."""

SD_ORG_GENERAL = 0.30
"""Standard deviation of an organisation's general attitude (shared by all measures)."""

SD_ORG_MEASURE = 0.30
"""Standard deviation of an organisation's measure-specific attitude."""

SD_RESPONDENT = 0.40
"""Standard deviation of the respondent effect per measure (shared by the measure's items)."""

SD_ITEM = 0.70
"""Standard deviation of the item noise."""

BASE_LOCATION: dict[str, dict[str, float]] = {
    "municipality": {"pll": 0.75, "pjd": 0.15, "kritisk_info": 0.20, "dho": 0.35},
    "hospital": {"pll": 0.85, "pjd": 0.80, "kritisk_info": 0.35, "dho": -0.05},
    "gp": {"pll": 0.65, "pjd": 0.45, "kritisk_info": 0.10, "dho": -0.60},
}
"""Latent location of each group × measure (a measure not listed gets 0.2)."""

DIMENSION_OFFSET: dict[str, float] = {
    "kjennskap": 0.25,
    "prioritet": 0.30,
    "nytte": 0.45,
    "ledelse": 0.0,
    "ressurser": -0.50,
    "medvirkning": -0.40,
    "beredskap": -0.10,
}
"""Offset of each dimension on the scored (anchored-is-high) latent scale."""

GROUP_DIMENSION_OFFSET: dict[tuple[str, str], float] = {
    ("gp", "medvirkning"): -0.30,
    ("gp", "ledelse"): -0.15,
    ("hospital", "ressurser"): -0.20,
    ("municipality", "beredskap"): -0.15,
}
"""Extra offsets for one group × dimension."""

DEFAULT_LOCATION = 0.2
"""Location of a measure that :data:`BASE_LOCATION` does not list (a newly added measure)."""

DONT_KNOW_RATE: dict[str, float] = {"municipality": 0.05, "hospital": 0.035, "gp": 0.06}
"""Base probability of «Vet ikke» per group (for an average organisation and role)."""

DONT_KNOW_EXTRA: dict[tuple[str, str], float] = {
    ("gp", "dho"): 0.10,
    ("gp", "ledelse"): 0.05,
    ("municipality", "pjd"): 0.04,
    ("hospital", "medvirkning"): 0.03,
}
"""Extra «Vet ikke» probability for a group × measure or group × dimension."""

DIMENSION_DONT_KNOW_EXTRA: dict[str, float] = {
    "kjennskap": -0.01,
    "ledelse": 0.02,
    "ressurser": 0.03,
    "medvirkning": 0.04,
    "beredskap": 0.01,
}
"""Extra «Vet ikke» probability per dimension in every group (who decided, what it costs)."""

DONT_KNOW_ORG_SLOPE = 1.0
"""How much less an organisation answers «Vet ikke» per unit of its effect (logit scale)."""

ROLE_DONT_KNOW_LOGIT: dict[str, float] = {
    "helse_omsorgssjef": -0.25,
    "kommuneoverlege": -0.20,
    "it_leder": -0.45,
    "leder_hjemmetjeneste": 0.40,
    "leder_legevakt": 0.35,
    "toppleder": -0.20,
    "fagdirektor": -0.30,
    "ehelse_leder": -0.60,
    "avdelingsleder": 0.15,
    "lege": 0.35,
}
"""Role shift of the «Vet ikke» logit (IT leads know more, home-care leads less)."""

NOT_APPLICABLE_RATE = 0.015
"""Probability of «Ikke relevant» for an item (among non-blank answers)."""

NOT_APPLICABLE_EXTRA: dict[tuple[str, str], float] = {("gp", "ledelse"): 0.05}
"""Extra «Ikke relevant» probability for a group × dimension (a solo GP has no management)."""

BLANK_RATE = 0.025
"""Probability that a genuine respondent leaves an item unanswered."""

HOSPITAL_ROLE_WEIGHTS: dict[str, float] = {
    "toppleder": 0.10,
    "fagdirektor": 0.10,
    "ehelse_leder": 0.15,
    "avdelingsleder": 0.35,
    "lege": 0.30,
}
"""Role probabilities of a hospital respondent (drawn independently)."""

MUNICIPALITY_RESPONDENTS = (1, 2, 3, 4, 5)
MUNICIPALITY_RESPONDENT_WEIGHTS = (0.30, 0.27, 0.20, 0.13, 0.10)
"""Respondents per responding municipality at scale 1 (mean 2.46)."""

HOSPITAL_RESPONDENTS_RANGE = (3, 15)
"""Respondents per responding hospital trust at scale 1 (inclusive range, mean about 8)."""

RESPONSE_RATE_RANGE: dict[str, tuple[float, float]] = {
    "municipality": (0.35, 0.85),
    "hospital": (0.70, 1.00),
    "gp": (0.12, 0.28),
}
"""Range of the stratum response propensity (organisations answering) per group."""

ANSWER_TIME_MEDIAN_S = 480.0
"""Median answer time of a genuine respondent, in seconds (about 8 minutes)."""

ANSWER_TIME_SDLOG = 0.35
"""Log-scale spread of genuine answer times."""

ANSWER_TIME_CLIP = (0.45, 3.5)
"""Genuine answer times are kept within these multiples of the median (no accidental speeders)."""

SPEEDER_TIME_RANGE = (0.04, 0.15)
"""A planted speeder answers in this multiple of the median (the brief: below 0.2 × median)."""

INCOMPLETE_TIME_RANGE = (0.05, 0.30)
"""An abandoned (incomplete) submission's answer time as a multiple of the median."""

DIRT_RATES: dict[str, float] = {
    "duplicate": 0.015,
    "incomplete": 0.025,
    "speeder": 0.015,
    "straightliner": 0.006,
    "test": 0.004,
}
"""Planted problems per source, as a share of its genuine rows (at least one of each)."""

BARRIER_TEXT_SHARE: dict[str, float] = {"municipality": 0.35, "hospital": 0.30, "gp": 0.22}
"""Share of genuine respondents who write a barrier comment."""

DEFAULT_YEAR = 2026
"""Fieldwork year of a round simulated with :func:`anchoring.simulate.simulate_round`."""


def fieldwork_dates(year: int) -> tuple[dt.date, dt.date]:
    """First and last fieldwork day: the first Monday of September and the Friday 3.5 weeks on."""
    first = dt.date(year, 9, 1)
    start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    return start, start + dt.timedelta(days=25)


MEASURE_CODEBOOK: dict[str, str] = {
    "pll": "pll",
    "pjd": "pjd",
    "kritisk_info": "krit",
    "dho": "dho",
}
"""Nettskjema codebook prefix of each measure (a measure not listed uses its first 6 letters)."""

DIMENSION_CODEBOOK: dict[str, str] = {
    "kjennskap": "kjenn",
    "prioritet": "prio",
    "nytte": "nytte",
    "ledelse": "ledelse",
    "ressurser": "ress",
    "medvirkning": "medv",
    "beredskap": "bered",
}
"""Nettskjema codebook suffix of each dimension (a dimension not listed uses its first 6)."""

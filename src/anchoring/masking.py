"""Personal data masked in messages: what an error or log line may quote from a raw file.

An error message often quotes a raw cell (an unknown label, an organisation id, a role) so that the
analyst can find it. A cell can hold a fødselsnummer typed into the organisation column or an
e-mail in the role column, and no personal data may reach any output (domain.md). Every
:class:`~anchoring.exceptions.AnchoringError` message passes through :func:`mask_message` when it
is shown, and so do the failed run's recorded errors.

Only the spans that can hold personal data (a run of eight or more digits, possibly spaced; a word
with ``@``) are handed to :func:`anchoring.cleaning.redaction.mask_personal_data`, the redaction
rules of the free text; digits inside a file name or path are left alone so that the message
still names the file. The rest of the message (paths, ``<round>``, line breaks) stays as written.
"""

from __future__ import annotations

import re

_EMAIL_LIKE = re.compile(r"[^\s'\"`<>()\[\]{},;:]+@[^\s'\"`<>()\[\]{},;:]+")
_NUMBER_LIKE = re.compile(r"(?<![\w./\\])(?:\+|00)?\d[\d \t]{6,}\d(?![\w/\\])")
"""A run of digits that can be a phone number or fødselsnummer; not a part of a file name or
path (``svar_20260301.csv``, ``pytest-12345678/``), which the message must show as it is."""


def mask_message(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and 11-digit numbers masked.

    Parameters
    ----------
    text
        A message, e.g. ``str(exc)`` of an :class:`~anchoring.exceptions.AnchoringError`.

    Returns
    -------
    str
        The message with each such span replaced by its placeholder (``[e-post]``,
        ``[telefon]``, ``[fødselsnummer]``); everything else unchanged.

    Examples
    --------
    >>> mask_message("unknown role 'kari@example.no' in data/raw/<round>/k.csv")
    "unknown role '[e-post]' in data/raw/<round>/k.csv"
    >>> mask_message("organisation '010190 12345' is not in the frame")
    "organisation '[fødselsnummer]' is not in the frame"
    """
    if "@" not in text and not any(c.isdigit() for c in text):
        return text
    text = _EMAIL_LIKE.sub(_masked_span, text)
    return _NUMBER_LIKE.sub(_masked_span, text)


def _masked_span(match: re.Match[str]) -> str:
    from anchoring.cleaning.redaction import mask_personal_data

    span = match.group(0)
    masked = mask_personal_data(span)
    return masked if "[" in masked else span

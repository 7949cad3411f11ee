"""The workbench's words (figure titles, axis names, column headers, the banner), nb and en.

They live in the one text catalog with the report's (``instrument/texts.yaml``, section «The
analyst's workbench»; :mod:`anchoring.texts`): words the leadership report also uses (group,
measure, index, respondents, ...) are the report's keys. Names of measures, dimensions, roles,
groups and themes come from the instrument.
"""

from __future__ import annotations

from anchoring import texts


def text(key: str, lang: str, **values: object) -> str:
    """A word of the workbench or the report in ``lang``, with ``{placeholders}`` filled in."""
    return texts.text(key, lang, **values)

"""The survey instrument: measures, anchoring dimensions, scale, background and barrier themes.

The instrument is data (``instrument.yaml`` beside this module). :func:`load_instrument` reads and
validates it into frozen dataclasses; a malformed file raises :class:`InstrumentError` naming the
key. Adding or retiring a measure is an edit to the file, nothing else.
"""

from __future__ import annotations

from anchoring.instrument.loader import default_instrument_path, load_instrument
from anchoring.instrument.model import (
    DONT_KNOW,
    LANGUAGES,
    NOT_APPLICABLE,
    SCALE_POINTS,
    Dimension,
    Group,
    Instrument,
    Item,
    Measure,
    ScaleLabel,
    Theme,
)

__all__ = [
    "DONT_KNOW",
    "LANGUAGES",
    "NOT_APPLICABLE",
    "SCALE_POINTS",
    "Dimension",
    "Group",
    "Instrument",
    "Item",
    "Measure",
    "ScaleLabel",
    "Theme",
    "default_instrument_path",
    "load_instrument",
]

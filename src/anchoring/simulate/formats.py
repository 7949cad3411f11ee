"""Which survey tool's format each group's export is written in (``--formats``).

One format per group, in the order municipality, hospital, gp. The default,
:data:`DEFAULT_FORMATS`, is the simulator's original set (a Nettskjema CSV with codebook names,
an Excel export with title rows, an SPSS file); each of those is written for its own group only.
The tool formats of :data:`TOOL_FORMATS` can be given for any group and are written the way the
tools write them (see :mod:`anchoring.simulate.nettskjema_text`,
:mod:`anchoring.simulate.forms_export` and :mod:`anchoring.simulate.qualtrics_export`), with the
intake problems of :mod:`anchoring.simulate.intake` planted.
"""

from __future__ import annotations

from collections.abc import Sequence

from anchoring.exceptions import AnchoringError
from anchoring.groups import GROUPS

DEFAULT_FORMATS: tuple[str, ...] = ("nettskjema", "excel", "spss")
"""Today's formats, for municipality, hospital and gp in that order."""

TOOL_FORMATS: tuple[str, ...] = ("nettskjema-text", "forms", "qualtrics")
"""Formats written as the survey tools write them, usable for any group."""

EXTENSIONS: dict[str, str] = {
    "nettskjema": "csv",
    "excel": "xlsx",
    "spss": "sav",
    "nettskjema-text": "csv",
    "forms": "xlsx",
    "qualtrics": "csv",
}
"""File extension of each format's export."""

IDENTITY_FORMATS: tuple[str, ...] = ("forms", "qualtrics")
"""Formats whose tool knows who answered (Forms' ``Email``, Qualtrics' ``RecipientEmail``)."""


def check_formats(formats: Sequence[str] | str) -> tuple[str, ...]:
    """Validate a format per group (a sequence or a comma-separated text).

    Returns
    -------
    tuple[str, ...]
        Three formats, for municipality, hospital and gp.

    Raises
    ------
    AnchoringError
        Not three formats, an unknown one, or a default format given for another group than its
        own; the message names the allowed values.
    """
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",")]
    formats = tuple(formats)
    known = (*DEFAULT_FORMATS, *TOOL_FORMATS)
    if len(formats) != len(GROUPS) or any(f not in known for f in formats):
        raise AnchoringError(
            f"simulate: formats {','.join(formats)!r} must name one format per group "
            f"({', '.join(GROUPS)}, in that order), each one of {', '.join(known)}; "
            "e.g. --formats nettskjema-text,forms,qualtrics."
        )
    for group, fmt, own in zip(GROUPS, formats, DEFAULT_FORMATS, strict=True):
        if fmt in DEFAULT_FORMATS and fmt != own:
            raise AnchoringError(
                f"simulate: format '{fmt}' is written for the {GROUPS[DEFAULT_FORMATS.index(fmt)]}"
                f" group only; for {group} give '{own}' or one of {', '.join(TOOL_FORMATS)}."
            )
    return formats


def export_file(source_id: str, fmt: str) -> str:
    """The export's file name: the source id with the format's extension."""
    return f"{source_id}.{EXTENSIONS[fmt]}"

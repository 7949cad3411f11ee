"""The project's exceptions: every expected failure is one of these.

The command line turns an :class:`AnchoringError` into one readable message and
exit status 1 (no traceback). Messages name the file, row or column and say
what to do, and never show personal data (:class:`AnchoringError` masks it).
"""

from __future__ import annotations


class AnchoringError(Exception):
    """Base class of every error the project raises on purpose.

    Its message is shown with personal-data shapes masked (:func:`anchoring.masking.mask_message`):
    a message quoting a raw cell never shows an e-mail, phone number or fødselsnummer, wherever
    it is printed (the command line, ``anchoring validate``, a notebook's traceback, ``run.log``).
    """

    def __str__(self) -> str:
        from anchoring.masking import mask_message

        return mask_message(super().__str__())


class InstrumentError(AnchoringError):
    """The survey instrument file is malformed."""


class RoundConfigError(AnchoringError):
    """A round configuration (round.yaml) is missing or does not validate."""


class FrameError(AnchoringError):
    """A sampling frame is malformed, or an organisation is not in it."""


class InputFileError(AnchoringError):
    """A raw export is missing, unreadable, empty or lacks a required column."""


class MappingError(AnchoringError):
    """Raw answers or columns cannot be mapped onto the instrument."""


class DesignError(AnchoringError):
    """A survey design or an estimator was given invalid input."""


class PipelineError(AnchoringError):
    """A pipeline stage (a notebook) failed, or its outputs cannot be promoted."""


class LockError(AnchoringError):
    """Another run of the same round holds the lock."""


class ReproductionError(AnchoringError):
    """A reproduced round differs from its recorded outputs."""

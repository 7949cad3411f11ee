"""Sampling frames: the population of organisations (PSUs) per stakeholder group and stratum.

Packaged frames (see ``sources.yaml`` beside this module): the 357 municipalities of 2024 by county
(Statistics Norway, classifications 131 and 104), the 20 hospital trusts by regional health
authority (Ministry of Health and Care Services), and an *illustrative* count of GPs per county
whose total is the national 5,224 of October 2023. A round may override any frame with its own
file (``frames:`` in ``round.yaml``).

Reference tables for matching organisations as people type them (name forms and history of the
municipalities, former counties, trust aliases) are read by :mod:`anchoring.frames.reference`.
"""

from __future__ import annotations

from anchoring.frames.loader import Frame, Frames, load_frames, qualify_stratum

__all__ = ["Frame", "Frames", "load_frames", "qualify_stratum"]

"""The stakeholder groups of the survey, in report order, and the sector that pools them.

One place for the ids the design, the frames, the analysis and the report share; the groups'
names and units in both languages are in the instrument (``instrument.yaml``, ``groups``).
"""

from __future__ import annotations

GROUPS: tuple[str, ...] = ("municipality", "hospital", "gp")
"""Municipalities, hospital trusts and GPs (domain.md), in report order."""

SECTOR = "sector"
"""The whole sector: the equal-weight mean of the three groups (methodology §2)."""

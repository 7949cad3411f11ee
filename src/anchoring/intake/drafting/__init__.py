"""Drafting a round's configuration from its exports (``anchoring init-round``).

- :mod:`.text`: the text normalisation and similarity every matcher shares;
- :mod:`.fields`: metadata columns (respondent id, submission time, answer time and its unit,
  test and completion markers, identity, organisation, role);
- :mod:`.items`: item columns, matched by question text (``<title>: <statement>``, ``<question> -
  <statement>``, wording variants);
- :mod:`.answers`: value maps (the answer label set, roles, numbers typed as text);
- :mod:`.organisations`: ``org_id_map``, every organisation as typed, and the ambiguous ones left
  to the analyst.

:func:`anchoring.intake.init_round.init_round` puts them together and writes ``round.yaml``.
"""

"""Intake: a round's exports in, its configuration drafted and checked, before anything runs.

- :mod:`~anchoring.intake.round_config`: ``round.yaml`` as one typed, validated object;
- :mod:`~anchoring.intake.round_config_doc`: ``docs/round-yaml.md``, generated from that schema;
- :mod:`~anchoring.intake.init_round`: ``anchoring init-round``, exports copied in and drafted;
- :mod:`~anchoring.intake.drafting`: the parts of a draft (fields, items, answers, organisations);
- :mod:`~anchoring.intake.validate`: ``anchoring validate``, every problem of a round, writing
  nothing.

Kept free of imports here, so that importing ``anchoring.intake.round_config`` (as the readers and
every stage do) loads nothing else.
"""

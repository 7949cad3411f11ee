"""The performance suite of ``anchoring`` (``make bench``, ``python -m benchmarks``).

It answers what a user asks of the tool's speed, on simulated rounds: how the survey
estimators compare with ``svy`` and R ``survey`` at 10^5–10^6 respondents, and whether they
agree (:mod:`benchmarks.survey_compare`); how long cleaning and a whole ``anchoring run`` take
at 10^5 (:mod:`benchmarks.cleaning`, :mod:`benchmarks.runs`); and how long the demo round
takes, beside the cost of Jupyter itself (:mod:`benchmarks.jupyter_floor`). Contenders are
timed in the same run, so their ratios carry between machines; the seconds are this machine's.
The table goes to standard output and into ``docs/performance.md`` (:mod:`benchmarks.report`).
"""

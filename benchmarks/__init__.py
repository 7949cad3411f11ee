"""The performance suite of ``anchoring`` (``make bench``, ``python -m benchmarks``).

Every figure is a ratio measured in the same process or the same run (median of several
repetitions), because absolute times differ between machines; absolute seconds are shown
beside, labelled as this machine's. The suite simulates rounds with ``anchoring simulate
--scale`` at about 10^4, 10^5 and 10^6 respondents and compares:

1. ``SurveyDesign.mean`` / ``.proportion`` by group and by stratum against the Python package
   ``svy`` and R's ``survey`` (``svyby``), checking that estimates and standard errors agree
   (:mod:`benchmarks.survey_compare`);
2. cleaning a Nettskjema CSV against ``pyarrow.csv.read_csv`` of the same file
   (:mod:`benchmarks.cleaning_compare`);
3. all estimates of a round at each size (:mod:`benchmarks.analysis_scaling`);
4. ``anchoring run`` on the demo round against the Jupyter floor, and a rerun with nothing
   changed (:mod:`benchmarks.pipeline_compare`);
5. the peak memory of a full run at each size (:mod:`benchmarks.memory`).

The results go to one table printed on standard output and written to
``docs/performance.md`` (:mod:`benchmarks.report`).
"""

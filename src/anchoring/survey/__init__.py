"""Design-based estimation for stratified cluster samples (Taylor linearisation).

The one public class is :class:`SurveyDesign`, the Python counterpart of R's
``svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)``
(and of its two-stage form ``ids = ~psu + ssu``)
(Lumley's ``survey`` package). Every estimator takes the whole design and treats a group, or the
respondents who answered an item, as a domain, so standard errors keep the full design.

Modules
-------
design
    :class:`SurveyDesign` and its estimators (means, proportions, totals, contrasts,
    Cronbach's alpha, Kish's weighting efficiency, design effects, ``glm``, ``rake``).
regression
    Design-based GLMs (R's ``svyglm``): weighted fits with statsmodels, the linearised
    sandwich variance (Binder 1983) and Wald tests of terms (``regTermTest``).
calibration
    Raking to population margins (Deville & Särndal 1992) and the calibration residuals that
    carry it into the variance (R's ``calibrate(..., calfun = "raking")``).
columns
    Reading the design columns, with one clear error per problem.
structure
    Validation of the design and the integer codes of strata and PSUs.
stages
    The sampling stages (PSUs in strata; secondary units in PSUs) and their variance scales.
domains
    Coding of the ``by`` domains, their design degrees of freedom and contrast coefficients.
estimators
    Influence values, point estimates and covariances of domain means and totals.
descriptive
    Design-weighted statistics without a standard error: Cronbach's alpha, Kish's efficiency.
variance
    The linearised covariance of domain estimates, summed over the stages.
intervals
    Normal, t, logit and Korn–Graubard confidence intervals.
"""

from __future__ import annotations

from anchoring.survey.design import SurveyDesign

__all__ = ["SurveyDesign"]

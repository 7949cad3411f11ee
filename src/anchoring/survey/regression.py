"""Design-based generalised linear models: weighted fits, linearised (sandwich) variance.

The coefficients solve the design-weighted estimating equations
``Σ_i w_i x_i (y_i − μ_i) = 0`` (canonical links: identity for ``gaussian``, logit for
``binomial``), fitted with statsmodels' ``GLM`` on the design weights. Their variance is the
sandwich of Binder (1983): ``B⁻¹ V(Σ_i U_i) B⁻¹`` with the scores ``U_i = w_i x_i (y_i − μ_i)``,
``B = Σ_i w_i v(μ_i) x_i x_i'`` and ``V(Σ U)`` the design variance of the score total, computed
by the design's stages from the influence values ``U_i B⁻¹`` (rows left out of the fit for a
missing value count with zero). Degrees of freedom are ``degf + 1 − p`` with ``degf`` the PSUs
minus strata among the rows of the fit. This is R's ``svyglm`` (``survey:::svy.varcoef``):
``summary(svyglm(y ~ x, des))`` for the gaussian family and ``family = quasibinomial`` for the
binomial one (the point estimates are the logistic ones; no likelihood is assumed), and
``regTermTest(model, ~term, method = "Wald")`` for the Wald test of a term, whose denominator
degrees of freedom are the model's ``degf + 1 − p``.

References
----------
Binder DA (1983). On the variances of asymptotically normal estimators from complex surveys.
*International Statistical Review* 51, 279–292.
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, chapters 5 and 6.
Lumley T, Scott A (2014). Tests for regression models fitted to survey data. *Australian and
New Zealand Journal of Statistics* 56, 1–14.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from anchoring.exceptions import DesignError
from anchoring.survey.domains import domain_df
from anchoring.survey.structure import DesignStructure
from anchoring.survey.variance import influence_covariance

FAMILIES = ("gaussian", "binomial")
FIT_TOLERANCE = 1e-12
"""IRLS stops when the deviance changes by less than this (relative); R's glm uses 1e-8."""
MAX_ITERATIONS = 100


@dataclass(frozen=True)
class GlmResult:
    """A fitted design-based GLM.

    Attributes
    ----------
    formula, family : str
        The model as given.
    coefficients : pandas.DataFrame
        One row per coefficient (statsmodels' names, e.g. ``Intercept``,
        ``group[T.hospital]``): ``term``, ``estimate``, ``se``, ``df``, ``ci_low``, ``ci_high``
        (``estimate ± t_df · se``) and ``p_value`` (two-sided t test on ``df``).
    covariance : pandas.DataFrame
        The linearised covariance of the coefficients (R: ``vcov(svyglm(...))``).
    df : int
        Residual design degrees of freedom ``degf + 1 − p``.
    n : int
        Rows in the fit (complete and of non-zero weight).
    terms : dict
        Model term (statsmodels' term name, e.g. ``group``) → its coefficient names.
    """

    formula: str
    family: str
    coefficients: pd.DataFrame
    covariance: pd.DataFrame
    df: int
    n: int
    terms: dict[str, list[str]]

    def wald_test(self, term: str) -> dict[str, float]:
        """Test that every coefficient of a model term is zero (design-based Wald F test).

        ``F = b' V⁻¹ b / k`` for the term's ``k`` coefficients ``b`` with covariance ``V``,
        referred to ``F(k, df)`` with the model's residual design degrees of freedom (R:
        ``regTermTest(model, ~term, method = "Wald")``, whose ``ddf`` is
        ``model$df.residual``).

        Parameters
        ----------
        term : str
            A term of the formula as statsmodels names it (``group``, ``C(group)``,
            ``item_a``); see :attr:`terms`.

        Returns
        -------
        dict
            ``F``, ``df`` (the term's coefficients), ``ddf`` and ``p``.

        Raises
        ------
        DesignError
            If the term is not in the model.
        """
        if term not in self.terms:
            raise DesignError(
                f"wald_test: '{term}' is not a term of the model {self.formula!r}; its terms "
                f"are {list(self.terms)}"
            )
        names = self.terms[term]
        beta = self.coefficients.set_index("term").loc[names, "estimate"].to_numpy()
        covariance = self.covariance.loc[names, names].to_numpy()
        statistic = float(beta @ np.linalg.solve(covariance, beta)) / len(names)
        p_value = special.fdtrc(len(names), self.df, statistic) if self.df > 0 else np.nan
        return {"F": statistic, "df": len(names), "ddf": self.df, "p": float(p_value)}


def fit_glm(
    data: pd.DataFrame,
    structure: DesignStructure,
    formula: str,
    family: str,
    level: float,
) -> GlmResult:
    """Fit a design-based GLM (see the module docstring).

    Parameters
    ----------
    data : pandas.DataFrame
        The design's rows.
    structure : DesignStructure
        The design's weights, stages and calibrations.
    formula : str
        A statsmodels (patsy) formula, e.g. ``"index ~ group"``. Rows with a missing value in
        any of its variables are left out of the fit and count with zero in the variance (R's
        ``svyglm`` with ``na.action = na.omit``, which keeps the design's PSU counts).
    family : {"gaussian", "binomial"}
        ``binomial`` is R's ``quasibinomial``: the response must lie in [0, 1].
    level : float
        Confidence level of the coefficient intervals.

    Returns
    -------
    GlmResult

    Raises
    ------
    DesignError
        For an unknown family, a formula that does not parse or names an unknown column, a
        binomial response outside [0, 1], aliased coefficients or a fit that does not converge.
    """
    if family not in FAMILIES:
        raise DesignError(f"glm family={family!r} is not supported; use one of {FAMILIES}")
    model, rows = _model(data, structure.weights, formula, family)
    exog, endog = np.asarray(model.exog, dtype=float), np.asarray(model.endog, dtype=float)
    names = list(model.exog_names)
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise DesignError(
            f"glm {formula!r}: the coefficients {names} are not all estimable (aliased: a "
            "level without rows or two variables that coincide); drop or merge terms"
        )
    if family == "binomial" and ((endog < 0) | (endog > 1)).any():
        raise DesignError(
            f"glm {formula!r} with family='binomial' needs a response in [0, 1] (a 0/1 "
            "indicator or a share); recode it first"
        )
    fitted = _fit(model, formula)
    weights = structure.weights[rows]
    mean = np.asarray(fitted.fittedvalues, dtype=float)
    variance = np.ones_like(mean) if family == "gaussian" else mean * (1 - mean)
    bread = exog.T @ (exog * (weights * variance)[:, None])
    scores = exog * (weights * (endog - mean))[:, None]
    influence = np.zeros((structure.weights.size, len(names)))
    influence[rows] = np.linalg.solve(bread, scores.T).T
    covariance = influence_covariance(structure, influence)
    in_fit = np.full(structure.weights.size, -1, dtype=np.int64)
    in_fit[rows] = 0
    df = int(domain_df(structure, in_fit, 1)[0]) + 1 - len(names)
    estimate = np.asarray(fitted.params, dtype=float)
    return GlmResult(
        formula=formula,
        family=family,
        coefficients=_coefficient_table(names, estimate, covariance, df, level),
        covariance=pd.DataFrame(covariance, index=names, columns=names),
        df=df,
        n=int(np.count_nonzero(weights > 0)),
        terms=_terms(model, names),
    )


def _model(data: pd.DataFrame, weights: np.ndarray, formula: str, family: str):
    """Build the statsmodels model on the rows with every variable; return it and its rows."""
    import statsmodels.api as sm  # imported where a model is fitted, not with the package
    import statsmodels.formula.api as smf
    from patsy import PatsyError

    families = {"gaussian": sm.families.Gaussian(), "binomial": sm.families.Binomial()}
    positional = data.reset_index(drop=True)
    try:
        model = smf.glm(
            formula, positional, family=families[family], freq_weights=weights, missing="drop"
        )
    except (PatsyError, NameError, KeyError, SyntaxError, TypeError, ValueError) as error:
        raise DesignError(
            f"glm formula {formula!r} cannot be built from the data: {error}. Name columns "
            "of the data, e.g. 'index ~ group'"
        ) from error
    rows = np.asarray(model.data.row_labels, dtype=np.int64)
    return model, rows


def _fit(model, formula: str):
    """Fit by IRLS to a tight tolerance; a fit that does not converge is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns on non-integer binomial weights
        try:
            fitted = model.fit(tol=FIT_TOLERANCE, maxiter=MAX_ITERATIONS)
        except Exception as error:  # statsmodels' PerfectSeparationError and linear algebra
            raise DesignError(f"glm {formula!r} could not be fitted: {error}") from error
    if not fitted.converged:
        raise DesignError(
            f"glm {formula!r} did not converge in {MAX_ITERATIONS} iterations (a binomial "
            "model with a level where every answer is 0 or every answer is 1?); merge levels"
        )
    return fitted


def _coefficient_table(
    names: list[str], estimate: np.ndarray, covariance: np.ndarray, df: int, level: float
) -> pd.DataFrame:
    se = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = special.stdtrit(df, 1 - (1 - level) / 2) if df > 0 else np.nan
        p_value = 2 * special.stdtr(df, -np.abs(estimate / se)) if df > 0 else np.nan
    return pd.DataFrame(
        {
            "term": names,
            "estimate": estimate,
            "se": se,
            "df": df,
            "ci_low": estimate - t * se,
            "ci_high": estimate + t * se,
            "p_value": p_value,
        }
    )


def _terms(model, names: list[str]) -> dict[str, list[str]]:
    """Return term name → coefficient names from the formula's design information."""
    spec = model.data.model_spec
    slices: Mapping = getattr(spec, "term_name_slices", None) or {
        str(term): part for term, part in spec.term_slices.items()
    }
    return {str(term): names[part] for term, part in slices.items()}

"""The survey design object and its design-based estimators.

:class:`SurveyDesign` mirrors R's
``svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)``
with ``options(survey.lonely.psu = "adjust")``: Taylor linearisation, with-replacement sampling
of PSUs within strata, finite population correction ``1 − n_h/N_h`` and design degrees of
freedom PSUs minus strata (``degf``). With ``ssu=`` it is the two-stage
``svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~fpc + ssu_fpc, ...)``. Estimates for
groups are domain estimates (``svyby(..., na.rm = TRUE)``): rows outside the domain, or with
the variable missing, stay in the design with zero contribution, so strata and PSU counts are
those of the whole design. Beside means, proportions and totals the design fits GLMs
(``glm``, R's ``svyglm``) and rakes its weights to population margins (``rake``, R's
``calibrate(..., calfun = "raking")``), the calibration entering every later variance.

References
----------
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
Lumley T. survey: analysis of complex survey samples. R package, version 4.1.1 (the reference
numbers of the tests, ``tests/r/reference_survey.R``).
Kish L (1965). *Survey Sampling*. Wiley, section 11.7 (weighting efficiency).
Binder DA (1983). On the variances of asymptotically normal estimators from complex surveys.
*International Statistical Review* 51, 279–292 (the linearised GLM variance).
Korn EL, Graubard BI (1998). Confidence intervals for proportions with small expected number of
positive counts estimated from survey data. *Survey Methodology* 24, 193–201.
Deville JC, Särndal CE (1992). Calibration estimators in survey sampling. *JASA* 87, 376–382.
Cronbach LJ (1951). Coefficient alpha and the internal structure of tests. *Psychometrika* 16,
297–334.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError
from anchoring.survey.calibration import Margins, rake
from anchoring.survey.columns import check_columns_exist, first_row_label, numeric_column
from anchoring.survey.descriptive import cronbach_alpha, kish_efficiency, srs_variance_of_mean
from anchoring.survey.domains import (
    Domains,
    code_domains,
    coefficient_vector,
    domain_df,
    normalise_by,
)
from anchoring.survey.estimators import DomainEstimates, domain_means, domain_totals
from anchoring.survey.intervals import (
    beta_interval,
    check_level,
    logit_interval,
    normal_interval,
    t_interval,
)
from anchoring.survey.regression import GlmResult, fit_glm
from anchoring.survey.structure import DesignStructure, build_structure

logger = logging.getLogger(__name__)

By = str | Sequence[str] | None
DegreesOfFreedom = str | int | None
PROPORTION_METHODS = ("logit", "beta")


class SurveyDesign:
    """A stratified cluster design (one or two stages) with Taylor-linearised estimators.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. The design keeps a reference to it (no copy): do not change it
        while the design is in use.
    weights : str
        Column of design weights (≥ 0, no missing values).
    psu : str, optional
        Column of primary sampling units (clusters). Without it every row is its own PSU.
    strata : str, optional
        Column of strata. Without it the design has one stratum.
    fpc : str, optional
        Column with the population number of PSUs in the row's stratum (``N_h``, constant
        within a stratum, at least the number of PSUs sampled there). Without it PSUs are
        taken as sampled with replacement (no finite population correction).
    ssu : str, optional
        Column of secondary sampling units inside the PSUs (e.g. the respondent of an
        organisation): a two-stage design, R's ``ids = ~psu + ssu``. Its variance term counts
        only where ``fpc`` is given (R: without a first-stage fpc the PSU totals carry all
        stages, the "ultimate cluster" estimator); see :mod:`anchoring.survey.stages`.
    ssu_fpc : str, optional
        With ``ssu``: column with the population number of secondary units in the row's PSU
        (``M_j``, constant within a PSU; ``inf`` when unknown). Without it the secondary units
        are taken as sampled with replacement (R: ``fpc = ~fpc + ssu_fpc`` with ``inf``).
    lonely_psu : {"adjust", "fail", "remove", "certainty"}, default "adjust"
        A stratum with a single sampled PSU (that is not a census), or a PSU with a single
        secondary unit: "adjust" does not centre its total (R's
        ``survey.lonely.psu = "adjust"``: for a mean, centring at the grand mean), "remove"
        and "certainty" give it no variance, "fail" raises :class:`DesignError` here (R raises
        at the first variance estimate).
    nest : bool, default True
        PSU labels are unique only within a stratum, so the same label in two strata is two
        PSUs (R's ``nest = TRUE``). With ``nest=False`` a PSU label in two strata is an error.

    Raises
    ------
    DesignError
        For an unknown column, missing or negative weights, missing stratum or PSU labels, an
        fpc that is missing, varies within a stratum or is smaller than the PSUs sampled there,
        a PSU in two strata (``nest=False``), or a lonely PSU with ``lonely_psu="fail"``.

    Examples
    --------
    >>> des = SurveyDesign(data, weights="weight", psu="psu", strata="stratum", fpc="fpc")
    >>> des.mean("index_pll", by="group")  # doctest: +SKIP
    """

    def __init__(
        self,
        data: pd.DataFrame,
        weights: str,
        psu: str | None = None,
        strata: str | None = None,
        fpc: str | None = None,
        lonely_psu: str = "adjust",
        nest: bool = True,
        *,
        ssu: str | None = None,
        ssu_fpc: str | None = None,
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DesignError(f"the design data must be a pandas DataFrame, got {type(data)}")
        check_columns_exist(
            data,
            {
                "weights": weights,
                "psu": psu,
                "strata": strata,
                "fpc": fpc,
                "ssu": ssu,
                "ssu_fpc": ssu_fpc,
            },
        )
        if ssu_fpc is not None and ssu is None:
            raise DesignError("ssu_fpc= needs ssu= (the secondary units it counts)")
        second = (ssu, ssu_fpc) if ssu is not None else None
        self._data = data
        self._structure = build_structure(data, weights, psu, strata, fpc, lonely_psu, nest, second)
        self._domain_cache: dict[tuple[str, ...], Domains] = {}
        logger.debug(
            "survey design: %d rows, %d PSUs, %d strata, %d stage(s), lonely_psu=%s",
            len(data),
            self._structure.n_psu,
            self._structure.n_strata,
            len(self._structure.stages),
            lonely_psu,
        )

    @property
    def weights(self) -> np.ndarray:
        """The design's weights (after :meth:`rake`, the calibrated ones), one per row."""
        return self._structure.weights.copy()

    @property
    def degrees_of_freedom(self) -> int:
        """Design degrees of freedom: PSUs minus strata (R's ``degf``)."""
        return int(self._domains(None).df[0])

    def mean(
        self,
        variable: str,
        by: By = None,
        level: float = 0.95,
        *,
        df: DegreesOfFreedom = None,
        deff: bool = False,
    ) -> pd.DataFrame:
        """Estimate the mean of a variable, overall or in each domain.

        Parameters
        ----------
        variable : str
            Numeric column; missing values are left out of the domain (R ``na.rm = TRUE``).
        by : str or list of str, optional
            Domain column(s) (R ``svyby``). Rows with a missing ``by`` value are in no domain.
        level : float, default 0.95
            Confidence level.
        df : None, "domain" or int, default None
            None: the normal interval ``estimate ± z·se`` (R's default ``confint``).
            ``"domain"``: ``estimate ± t·se`` with t on the domain's design degrees of freedom
            (methodology §2; R: ``confint(svymean(~y, subset(des, dom), na.rm = TRUE),
            df = degf(subset(des, dom)))``). An integer: t on that many degrees of freedom.
        deff : bool, default False
            Add ``deff``, the design effect against simple random sampling with replacement
            of the same ``n`` (R: ``svymean(..., deff = "replace")``; Kish 1965), and
            ``effective_n = n / deff``.

        Returns
        -------
        pandas.DataFrame
            One row per domain, sorted by the ``by`` values: the ``by`` columns, ``estimate``,
            ``se``, ``ci_low``, ``ci_high``, ``n`` (rows with a value and a non-zero weight)
            and ``df`` (the domain's design degrees of freedom); with ``deff``, also ``deff``
            and ``effective_n``.
        """
        level = check_level(level)
        domains = self._domains(by)
        values = self._values(variable)
        result = domain_means(self._structure, values, domains)
        low, high = _mean_interval(result, domains, level, df)
        table = _table(domains, result, low, high)
        return self._with_deff(table, values, domains, result) if deff else table

    def proportion(
        self,
        variable: str,
        by: By = None,
        level: float = 0.95,
        *,
        method: str = "logit",
        deff: bool = False,
    ) -> pd.DataFrame:
        """Estimate the proportion of ones of a 0/1 variable, with a logit or beta interval.

        The estimate and standard error are those of the mean of the 0/1 variable. The
        interval is on the domain's design degrees of freedom, counting every row of the
        domain including rows where the variable is missing, as R's ``svyby(~y, ~g, des,
        svyciprop, ..., na.rm = TRUE)`` does:

        - ``method="logit"``: ``expit(logit p ± t_df · se / (p (1 − p)))``, R's
          ``svyciprop(method = "logit")``. When ``p`` is 0 or 1 the interval is ``[p, p]``
          (R gives the same to ~1e-11).
        - ``method="beta"``: Korn and Graubard's (1998) interval, R's
          ``svyciprop(method = "beta")``, which the NCHS standards (Parker et al. 2017)
          recommend for published proportions; at 0 % or 100 % it is not of zero width (see
          :func:`anchoring.survey.intervals.beta_interval`).

        Parameters
        ----------
        variable : str
            Column coded 0/1 (or boolean); missing values are left out of the domain.
        by : str or list of str, optional
            Domain column(s).
        level : float, default 0.95
            Confidence level.
        method : {"logit", "beta"}, default "logit"
            The interval.
        deff : bool, default False
            Add ``deff`` and ``effective_n`` as in :meth:`mean`.

        Returns
        -------
        pandas.DataFrame
            Columns as in :meth:`mean`.

        Raises
        ------
        DesignError
            If the variable has a value other than 0 and 1, or the method is unknown.
        """
        level = check_level(level)
        values = self._proportion_values(variable)
        domains = self._domains(by)
        result = domain_means(self._structure, values, domains)
        low, high = _proportion_interval(result, domains, values, level, method)
        table = _table(domains, result, low, high)
        return self._with_deff(table, values, domains, result) if deff else table

    def total(self, variable: str, by: By = None, level: float = 0.95) -> pd.DataFrame:
        """Estimate the population total of a variable, overall or in each domain.

        Parameters
        ----------
        variable : str
            Numeric column; missing values count as zero contribution (R ``na.rm = TRUE``).
        by : str or list of str, optional
            Domain column(s).
        level : float, default 0.95
            Confidence level (normal interval, R ``confint(svytotal(...))``).

        Returns
        -------
        pandas.DataFrame
            Columns as in :meth:`mean`.
        """
        level = check_level(level)
        domains = self._domains(by)
        result = domain_totals(self._structure, self._values(variable), domains)
        low, high = normal_interval(result.estimate, result.se, level)
        return _table(domains, result, low, high)

    def mean_covariance(self, variable: str, by: By = None) -> pd.DataFrame:
        """Return the design covariance matrix of the domain means.

        Computed from the PSU totals of the influence values of all domains at once, so
        domains sharing PSUs get their covariance (R: ``vcov(svyby(~y, ~g, des, svymean,
        covmat = TRUE))``); domains in different strata are independent.

        Parameters
        ----------
        variable : str
            Numeric column.
        by : str or list of str, optional
            Domain column(s).

        Returns
        -------
        pandas.DataFrame
            Square matrix with the domains (sorted as in :meth:`mean`) as index and columns.
        """
        domains = self._domains(by)
        result = domain_means(self._structure, self._values(variable), domains)
        labels = domains.labels()
        return pd.DataFrame(result.covariance, index=labels, columns=labels.copy())

    def mean_with_covariance(
        self,
        variable: str,
        by: By = None,
        level: float = 0.95,
        *,
        proportion: bool = False,
        method: str = "logit",
        df: DegreesOfFreedom = None,
        deff: bool = False,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return the domain estimates and their covariance matrix from one estimation.

        The table is that of :meth:`mean` (or of :meth:`proportion` when ``proportion`` is
        true) and the matrix that of :meth:`mean_covariance`; both come from
        the same domain means and influence values (R: ``svyby(~y, ~g, des, svymean,
        covmat = TRUE)``), so asking for both costs one estimation instead of two.

        Parameters
        ----------
        variable : str
            Numeric column (0/1 when ``proportion``).
        by : str or list of str, optional
            Domain column(s).
        level : float, default 0.95
            Confidence level.
        proportion : bool, default False
            Estimate a proportion with the interval of :meth:`proportion`.
        method : {"logit", "beta"}, default "logit"
            The proportion's interval (with ``proportion``).
        df : None, "domain" or int, default None
            The mean's interval (without ``proportion``), as in :meth:`mean`.
        deff : bool, default False
            Add ``deff`` and ``effective_n`` to the table, as in :meth:`mean`.

        Returns
        -------
        tuple of pandas.DataFrame
            The estimates table and the covariance matrix.
        """
        level = check_level(level)
        values = self._proportion_values(variable) if proportion else self._values(variable)
        domains = self._domains(by)
        result = domain_means(self._structure, values, domains)
        if proportion:
            low, high = _proportion_interval(result, domains, values, level, method)
        else:
            low, high = _mean_interval(result, domains, level, df)
        labels = domains.labels()
        covariance = pd.DataFrame(result.covariance, index=labels, columns=labels.copy())
        table = _table(domains, result, low, high)
        if deff:
            table = self._with_deff(table, values, domains, result)
        return table, covariance

    def contrast(
        self,
        variable: str,
        by: By,
        coefficients: Mapping[object, float] | Sequence[float],
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate a linear combination ``Σ c_d · mean_d`` of domain means.

        ``se = sqrt(c' V c)`` with ``V`` the covariance of the domain means (R:
        ``svycontrast(svyby(~y, ~g, des, svymean, covmat = TRUE), c)``); the interval is
        normal, as R's ``confint`` of a contrast.

        Parameters
        ----------
        variable : str
            Numeric column.
        by : str or list of str
            Domain column(s).
        coefficients : mapping or sequence of float
            Domain label (a tuple for several ``by`` columns) → coefficient, domains left out
            get 0; or one coefficient per domain in the sorted order of :meth:`mean`.
        level : float, default 0.95
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            One row: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n`` (rows with a value in
            the domains with a non-zero coefficient) and ``df`` (PSUs minus strata among the
            rows of those domains).
        """
        level = check_level(level)
        domains = self._domains(by)
        vector = coefficient_vector(coefficients, domains)
        result = domain_means(self._structure, self._values(variable), domains)
        used = np.flatnonzero(vector != 0)
        weights = vector[used]
        combined = DomainEstimates(
            estimate=np.array([weights @ result.estimate[used]]),
            covariance=np.array([[weights @ result.covariance[np.ix_(used, used)] @ weights]]),
            n=np.array([result.n[used].sum()]),
        )
        codes = np.where(np.isin(domains.codes, used), 0, -1)
        keys = pd.DataFrame(index=pd.RangeIndex(1))
        whole = Domains((), codes, keys, domain_df(self._structure, codes, 1))
        low, high = normal_interval(combined.estimate, combined.se, level)
        return _table(whole, combined, low, high)

    def equal_weight_mean(self, variable: str, by: By, level: float = 0.95) -> pd.DataFrame:
        """Estimate the unweighted mean of the domain means (e.g. the sector value).

        The contrast ``(1/D) Σ_d mean_d`` over the D domains of ``by`` (methodology §2: the
        sector estimate is the equal-weight mean of the three group estimates; R:
        ``svycontrast(svyby(..., covmat = TRUE), rep(1/3, 3))``).

        Parameters
        ----------
        variable : str
            Numeric (or 0/1) column.
        by : str or list of str
            Domain column(s), e.g. ``"group"``.
        level : float, default 0.95
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            One row, columns as in :meth:`contrast`.
        """
        count = self._domains(by).count
        return self.contrast(variable, by, [1.0 / count] * count, level=level)

    def cronbach_alpha(self, items: Sequence[str], by: By = None) -> pd.DataFrame:
        """Estimate Cronbach's alpha from design-weighted item variances.

        ``alpha = K/(K − 1) · (1 − Σ_k var(x_k) / var(Σ_k x_k))`` with weighted variances over
        the rows where every item is answered (R: ``svycralpha(~a + b + c, des, na.rm = TRUE)``;
        by domain on ``subset(des, domain)``).

        Parameters
        ----------
        items : sequence of str
            At least two numeric item columns.
        by : str or list of str, optional
            Domain column(s).

        Returns
        -------
        pandas.DataFrame
            One row per domain: the ``by`` columns, ``estimate`` and ``n`` (rows with every
            item answered and a non-zero weight).
        """
        items = list(items)
        if len(items) < 2:
            raise DesignError(f"Cronbach's alpha needs at least two items, got {items!r}")
        domains = self._domains(by)
        matrix = np.column_stack([self._values(item) for item in items])
        rows = np.flatnonzero((domains.codes >= 0) & ~np.isnan(matrix).any(axis=1))
        alpha, n = cronbach_alpha(
            matrix[rows], self._structure.weights[rows], domains.codes[rows], domains.count
        )
        return domains.keys.assign(estimate=alpha, n=n)

    def kish_efficiency(self, by: By = None) -> pd.DataFrame:
        """Return Kish's weighting efficiency ``(Σw)² / (n Σw²)``, overall or per domain.

        Parameters
        ----------
        by : str or list of str, optional
            Domain column(s).

        Returns
        -------
        pandas.DataFrame
            One row per domain: the ``by`` columns, ``estimate`` (between 0 and 1) and ``n``
            (rows with a non-zero weight).
        """
        domains = self._domains(by)
        inside = (domains.codes >= 0) & (self._structure.weights > 0)
        estimate, n = kish_efficiency(
            self._structure.weights[inside], domains.codes[inside], domains.count
        )
        return domains.keys.assign(estimate=estimate, n=n)

    def glm(self, formula: str, family: str = "gaussian", level: float = 0.95) -> GlmResult:
        """Fit a design-based generalised linear model (R: ``svyglm``).

        Point estimates from the design-weighted fit (statsmodels' ``GLM``), variance by
        linearisation through the design: the sandwich ``B⁻¹ V(Σ U) B⁻¹`` of the
        estimating-function scores (Binder 1983), degrees of freedom ``degf + 1 − p``
        (Lumley 2010, chapter 5). A domain model is a model with the domain as a term (or an
        interaction); rows with a missing value in the formula's variables count with zero
        in the variance, keeping the design's PSU counts. See
        :mod:`anchoring.survey.regression`.

        Parameters
        ----------
        formula : str
            statsmodels (patsy) formula, e.g. ``"index ~ group"``.
        family : {"gaussian", "binomial"}, default "gaussian"
            ``binomial`` is R's ``quasibinomial`` (logit link, response in [0, 1]).
        level : float, default 0.95
            Confidence level of the coefficient intervals (t on the model's df).

        Returns
        -------
        GlmResult
            ``.coefficients`` (R: ``summary(svyglm(formula, des, family = ...))``), the
            coefficients' ``.covariance`` (R: ``vcov``), ``.df`` and ``.wald_test(term)``
            (R: ``regTermTest(model, ~term, method = "Wald")``).
        """
        return fit_glm(self._data, self._structure, formula, family, check_level(level))

    def rake(self, margins: Margins) -> SurveyDesign:
        """Return the design with its weights raked to population margins.

        Raking (Deville & Särndal 1992) multiplies each weight by ``exp(x_i' λ)`` so that the
        weighted counts of every margin's levels equal the population totals given; the
        grand total (an intercept) is implied by the margins, which must agree on it. The
        calibrated design's estimators take the calibration into their variance through the
        g-weighted residuals of the influence values, as R's
        ``calibrate(des, ~a + b, population = c(N, ...), calfun = "raking")`` followed by
        ``svymean``/``svyby`` (Lumley 2010, chapter 7). See
        :mod:`anchoring.survey.calibration`.

        Parameters
        ----------
        margins : mapping
            ``{variable: {level: population total}}``, e.g. ``{"county": {"03": 1,
            "11": 23}, "size_class": {"small": 160, "large": 197}}``. Levels are matched by
            their text (``3`` and ``"3"`` are the same level). Rows of weight 0 stay at 0.

        Returns
        -------
        SurveyDesign
            A new design on the same rows, strata and PSUs with the calibrated weights.

        Raises
        ------
        DesignError
            If a margin variable is not a column or has missing values, a level of the data
            lacks a total or a total lacks rows, a total is not positive, the margins' grand
            totals disagree, two margins coincide in the data, or raking does not converge.
        """
        weights, calibration = rake(self._data, self._structure.weights, margins)
        structure = replace(
            self._structure,
            weights=weights,
            calibrations=(*self._structure.calibrations, calibration),
        )
        logger.debug("raked %d rows to margins %s", len(self._data), list(margins))
        return SurveyDesign._from_structure(self._data, structure)

    @classmethod
    def _from_structure(cls, data: pd.DataFrame, structure: DesignStructure) -> SurveyDesign:
        """Build a design from validated rows and a computed structure (no checks again)."""
        design = cls.__new__(cls)
        design._data = data
        design._structure = structure
        design._domain_cache = {}
        return design

    def _with_deff(
        self,
        table: pd.DataFrame,
        values: np.ndarray,
        domains: Domains,
        result: DomainEstimates,
    ) -> pd.DataFrame:
        """Add ``deff`` (R: ``deff = "replace"``) and ``effective_n = n / deff``."""
        rows = np.flatnonzero((domains.codes >= 0) & ~np.isnan(values))
        srs = srs_variance_of_mean(
            values[rows], self._structure.weights[rows], domains.codes[rows], domains.count
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = result.se**2 / srs
            effective_n = result.n / deff
        return table.assign(deff=deff, effective_n=effective_n)

    def _domains(self, by: By) -> Domains:
        columns = normalise_by(by)
        if columns not in self._domain_cache:
            self._domain_cache[columns] = code_domains(self._data, columns, self._structure)
        return self._domain_cache[columns]

    def _values(self, variable: str) -> np.ndarray:
        check_columns_exist(self._data, {"variable": variable})
        return numeric_column(self._data, variable, "variable")

    def _proportion_values(self, variable: str) -> np.ndarray:
        values = self._values(variable)
        bad = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad.any():
            row = first_row_label(self._data, bad)
            raise DesignError(
                f"proportion needs a 0/1 column, but column '{variable}' has value "
                f"{self._data.loc[row, variable]} at row {row!r}; recode it to 0/1 first"
            )
        return values


def _mean_interval(
    result: DomainEstimates, domains: Domains, level: float, df: DegreesOfFreedom
) -> tuple[np.ndarray, np.ndarray]:
    """The normal interval (``df=None``) or the t interval on the domain's or a given df."""
    if df is None:
        return normal_interval(result.estimate, result.se, level)
    if isinstance(df, str) and df == "domain":
        return t_interval(result.estimate, result.se, domains.df, level)
    if isinstance(df, int | np.integer) and not isinstance(df, bool):
        return t_interval(result.estimate, result.se, np.full(domains.count, df), level)
    raise DesignError(
        f"df={df!r} is not supported; use None (normal interval), 'domain' (t on each "
        "domain's design degrees of freedom) or a whole number of degrees of freedom"
    )


def _proportion_interval(
    result: DomainEstimates,
    domains: Domains,
    values: np.ndarray,
    level: float,
    method: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The logit or Korn–Graubard interval of domain proportions."""
    if method == "logit":
        return logit_interval(result.estimate, result.se, domains.df, level)
    if method == "beta":
        inside = domains.codes[domains.codes >= 0]
        n_rows = np.bincount(inside, minlength=domains.count)
        return beta_interval(result.estimate, result.se, result.n, n_rows, domains.df, level)
    raise DesignError(
        f"proportion method={method!r} is not supported; use one of {PROPORTION_METHODS}"
    )


def _table(
    domains: Domains, result: DomainEstimates, low: np.ndarray, high: np.ndarray
) -> pd.DataFrame:
    """Assemble the one-row-per-domain result table."""
    columns = {name: domains.keys[name] for name in domains.keys.columns}
    columns.update(
        estimate=result.estimate,
        se=result.se,
        ci_low=low,
        ci_high=high,
        n=result.n.astype(np.int64),
        df=domains.df.astype(np.int64),
    )
    return pd.DataFrame(columns, index=domains.keys.index)

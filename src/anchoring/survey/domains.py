"""Coding of the ``by`` domains and their design degrees of freedom.

A domain is a set of rows sharing the values of the ``by`` columns (R's ``svyby``). Rows with a
missing ``by`` value belong to no domain but stay in the design. Domains are numbered in the
sorted order of their ``by`` values (first column first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError
from anchoring.survey.columns import check_columns_exist
from anchoring.survey.structure import DesignStructure


@dataclass(frozen=True)
class Domains:
    """The domains of one ``by`` specification.

    Attributes
    ----------
    columns : tuple of str
        The ``by`` columns (empty: one domain holding every row).
    codes : numpy.ndarray
        Domain code of every row, ``-1`` for rows in no domain.
    keys : pandas.DataFrame
        One row per domain (sorted) with the ``by`` values.
    df : numpy.ndarray
        Design degrees of freedom per domain: PSUs minus strata among the domain's rows with a
        non-zero weight, whatever the analysed variable (R: ``degf(subset(des, domain))``).
    """

    columns: tuple[str, ...]
    codes: np.ndarray
    keys: pd.DataFrame
    df: np.ndarray

    @property
    def count(self) -> int:
        """Number of domains."""
        return len(self.keys)

    def labels(self) -> pd.Index:
        """Return the domains as an index (a MultiIndex for several ``by`` columns)."""
        if not self.columns:
            return pd.Index(["all"], name="domain")
        if len(self.columns) == 1:
            return pd.Index(self.keys[self.columns[0]], name=self.columns[0])
        return pd.MultiIndex.from_frame(self.keys)


def normalise_by(by: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Return ``by`` as a tuple of column names (empty for None)."""
    if by is None:
        return ()
    if isinstance(by, str):
        return (by,)
    columns = tuple(by)
    if not all(isinstance(column, str) for column in columns):
        raise DesignError(f"by must be a column name or a list of column names, got {by!r}")
    return columns


def code_domains(
    data: pd.DataFrame, columns: tuple[str, ...], structure: DesignStructure
) -> Domains:
    """Number the domains of the ``by`` columns and count their degrees of freedom.

    Parameters
    ----------
    data : pandas.DataFrame
        The design's rows.
    columns : tuple of str
        The ``by`` columns (empty: the whole design is one domain).
    structure : DesignStructure
        The design's codes.

    Returns
    -------
    Domains

    Raises
    ------
    DesignError
        If a ``by`` column is not in the data.
    """
    for column in columns:
        check_columns_exist(data, {"by": column})
    if not columns:
        codes = np.zeros(len(data), dtype=np.int64)
        keys = pd.DataFrame(index=pd.RangeIndex(1))
    else:
        grouped = data.groupby(list(columns), sort=True, dropna=True, observed=True)
        codes = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
        keys = grouped.size().index.to_frame(index=False)
    return Domains(columns, codes, keys, domain_df(structure, codes, len(keys)))


def domain_df(structure: DesignStructure, codes: np.ndarray, n_domains: int) -> np.ndarray:
    """Return PSUs minus strata among the rows of each domain (R's ``degf``).

    Parameters
    ----------
    structure : DesignStructure
        The design's codes.
    codes : numpy.ndarray
        Domain code of every row, ``-1`` outside every domain.
    n_domains : int
        Number of domains.

    Returns
    -------
    numpy.ndarray
        Integer degrees of freedom per domain. Rows with weight 0 do not count, as in R's
        ``degf`` (``weights(design, "sampling") != 0``).
    """
    inside = (codes >= 0) & (structure.weights > 0)
    domain = codes[inside]
    n_psu = _distinct_per_domain(structure.psu_codes[inside], structure.n_psu, domain, n_domains)
    n_strata = _distinct_per_domain(
        structure.stratum_codes[inside], structure.n_strata, domain, n_domains
    )
    return (n_psu - n_strata).astype(np.int64)


_DENSE_LIMIT = 50_000_000  # cells of the unit × domain presence table before falling back


def _distinct_per_domain(
    units: np.ndarray, n_units: int, domain: np.ndarray, n_domains: int
) -> np.ndarray:
    """Count the distinct unit codes among the rows of each domain."""
    if n_units * n_domains <= _DENSE_LIMIT:
        present = np.zeros((n_units, n_domains), dtype=bool)
        present[units, domain] = True
        return present.sum(axis=0)
    keys = np.unique(units * n_domains + domain)
    return np.bincount(keys % n_domains, minlength=n_domains)


def coefficient_vector(
    coefficients: Mapping[object, float] | Sequence[float], domains: Domains
) -> np.ndarray:
    """Return one coefficient per domain, in the domains' sorted order.

    Parameters
    ----------
    coefficients : mapping or sequence of float
        Domain label → coefficient (domains left out get 0), or one coefficient per domain.
    domains : Domains
        The domains.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    DesignError
        For a label that is not a domain, or a sequence of the wrong length.
    """
    labels = list(domains.labels())
    if isinstance(coefficients, Mapping):
        unknown = [key for key in coefficients if key not in labels]
        if unknown:
            raise DesignError(
                f"contrast coefficients name domain(s) {unknown!r} that are not among the "
                f"domains of by={list(domains.columns)!r}: {labels!r}"
            )
        return np.array([float(coefficients.get(label, 0.0)) for label in labels])
    vector = np.asarray(coefficients, dtype=float)
    if vector.shape != (len(labels),):
        raise DesignError(
            f"contrast needs one coefficient per domain of by={list(domains.columns)!r} "
            f"({len(labels)}: {labels!r}), got {len(vector)}"
        )
    return vector

"""The data contract: every processed table's columns, types and meaning, declared once.

Each table under ``data/processed/<round>/`` is declared here as a :class:`TableSchema`: its
file, its columns in order (name, Arrow type, one-line meaning) and the key columns its rows are
sorted by. The stages write through these declarations (:meth:`TableSchema.conform` fixes
columns, order and types) and the report and the tests read through them
(:meth:`TableSchema.require` names a missing column), so a column is added or renamed in one
place. This follows Catalyst PUDL's practice of declaring each table's schema once as metadata
that every stage reuses (``pudl.metadata``; docs/architecture.md, "Data contracts").

Types are Arrow types, exactly what the Parquet file holds (a test reads the files back): text
is ``string`` in the cleaning tables (written from an explicit Arrow schema) and
``large_string`` in the analysis tables (pyarrow's conversion of pandas' ``str``). The pandas
dtypes the stages use are derived from them (:attr:`Column.pandas_dtype`): text is ``str``, an
integer column that may be null (``nullable=True``) is pandas' ``Int64``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from anchoring.exceptions import AnchoringError

_PANDAS_DTYPES: dict[pa.DataType, str] = {
    pa.string(): "str",
    pa.large_string(): "str",
    pa.float64(): "float64",
    pa.int64(): "int64",
    pa.int8(): "int8",
    pa.bool_(): "bool",
}


EXCLUSION_REASONS: tuple[str, ...] = (
    "analyst",
    "test_marked",
    "before_fieldwork",
    "incomplete",
    "duplicate",
    "resubmission",
    "missing_org_id",
    "speeder",
    "straightliner",
)
"""Reasons a raw row is excluded, in the order the rules apply (the first that applies wins):
``analyst`` is the source's ``exclude`` list in round.yaml; ``incomplete`` covers both too few
answers and an unfinished answer (``is_complete``); ``resubmission`` an earlier submission by the
same identity (``identity``) when a later one is kept."""

STATUS_IDS: tuple[str, ...] = ("well", "partly", "weak", "not_assessed")
"""Values of ``status.parquet``'s ``status`` (methodology §6), strongest first."""


@dataclass(frozen=True)
class Column:
    """One column of a processed table.

    Attributes
    ----------
    name
        The column name (a pattern such as ``<measure>__<dimension>`` for a family of columns).
    type
        The Arrow type in the Parquet file.
    meaning
        One line for a reader of the file.
    nullable
        An integer column that may be null (pandas ``Int64``); floats and strings may always be.
    """

    name: str
    type: pa.DataType
    meaning: str
    nullable: bool = False

    @property
    def pandas_dtype(self) -> str:
        """The pandas dtype the stages hold the column in (``Int64`` for a nullable integer)."""
        if self.nullable and pa.types.is_integer(self.type):
            return "Int64"
        return _PANDAS_DTYPES.get(self.type, str(self.type))


@dataclass(frozen=True)
class TableSchema:
    """The declared layout of one processed table.

    Attributes
    ----------
    name
        The table's short name (``estimates``).
    file
        Its file name under ``data/processed/<round>/``.
    meaning
        What one row is.
    columns
        The columns in file order.
    keys
        The columns that identify a row (rows are sorted by them unless the meaning says
        otherwise).
    """

    name: str
    file: str
    meaning: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The column names in file order."""
        return tuple(c.name for c in self.columns)

    @property
    def dtypes(self) -> dict[str, str]:
        """Column name → pandas dtype."""
        return {c.name: c.pandas_dtype for c in self.columns}

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of the file (columns in order, every field nullable)."""
        return pa.schema([pa.field(c.name, c.type) for c in self.columns])

    def require(self, frame: pd.DataFrame, source: str, columns: Iterable[str] = ()) -> None:
        """Raise when ``frame`` lacks a declared column (or only those of ``columns``).

        Raises
        ------
        AnchoringError
            Names the file and the missing columns, and says to re-run the stage.
        """
        wanted = tuple(columns) or self.names
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise AnchoringError(
                f"{source}: column(s) {missing} missing from {self.file}. Re-run the stage "
                "that writes it (anchoring run --round <ID> --force)."
            )

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The declared columns of ``frame`` in order and with their types (rows unchanged).

        Raises
        ------
        AnchoringError
            A declared column is missing.
        """
        self.require(frame, "the table to write")
        return frame.loc[:, list(self.names)].astype(self.dtypes)


def _columns(*specs: tuple) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


_STR, _F64, _I64, _BOOL = pa.string(), pa.float64(), pa.int64(), pa.bool_()
_TEXT = pa.large_string()
"""Text in the analysis tables: pyarrow's conversion of pandas' ``str`` dtype (the cleaning
tables are written from an explicit schema with ``string``)."""

_SUPPRESSION = (
    ("is_suppressed", _BOOL, "the values are hidden (methodology §7); keys and counts stay"),
    ("suppression_reason", _TEXT, "why it is hidden (anchoring.analysis.suppression), else ''"),
)
_INTERVAL = (
    ("estimate", _F64, "the point estimate"),
    ("se", _F64, "its design-based standard error"),
    ("ci_low", _F64, "lower limit of the confidence interval"),
    ("ci_high", _F64, "upper limit of the confidence interval"),
)
_COUNTS = (
    ("n", _I64, "respondents behind the value"),
    ("n_orgs", _I64, "organisations (PSUs) behind the value"),
)

RESPONSES = TableSchema(
    "responses",
    "responses.parquet",
    "one kept respondent; the item, flag and theme columns of RESPONSE_VARYING follow",
    _columns(
        ("round_id", _STR, "the round"),
        ("source_id", _STR, "the source in round.yaml"),
        ("source_row", _I64, "the 1-based data row in the raw file"),
        ("respondent_key", _STR, "source_id:respondent_id (no personal data)"),
        ("group", _STR, "municipality, hospital or gp"),
        ("org_id", _STR, "the PSU: kommunenummer, hf_id, or for a GP the respondent key"),
        ("stratum", _STR, "group-qualified stratum, e.g. municipality:46"),
        ("fpc", _I64, "frame PSUs in the stratum (N_h)"),
        ("weight", _F64, "design weight (N_h/n_h)·(1/m_j)"),
        ("role", _STR, "role code"),
        ("submitted_at", pa.timestamp("us", tz="UTC"), "submission time"),
        ("answer_time_s", _F64, "answer time in seconds"),
        ("practice_size", _F64, "GPs: number of GPs in the practice"),
    ),
    ("group", "org_id", "respondent_key"),
)
"""``responses.parquet``'s leading columns (written by :mod:`anchoring.cleaning.outputs`)."""

RESPONSE_VARYING: tuple[Column, ...] = _columns(
    ("<measure>__<dimension>", pa.int8(), "1–5, 8 «Vet ikke», 9 «Ikke relevant», null unanswered"),
    ("is_speeder", _BOOL, "answered faster than the speeder threshold"),
    ("is_straightliner", _BOOL, "gave one answer to every item"),
    ("has_barrier_text", _BOOL, "wrote a barrier comment"),
    ("theme__<theme_id>", _BOOL, "the comment mentions the theme"),
)
"""The round-dependent columns of ``responses.parquet``, in file order after the leading ones:
one item column per item, the three flags, one theme column per theme."""

EXCLUSIONS = TableSchema(
    "exclusions",
    "exclusions.parquet",
    "one dropped raw row, with why",
    _columns(
        ("round_id", _STR, "the round"),
        ("source_id", _STR, "the source in round.yaml"),
        ("source_row", _I64, "the 1-based data row in the raw file"),
        ("reason", _STR, "why the row was dropped (architecture.md lists the reasons)"),
        (
            "duplicate_of_row",
            _I64,
            "the kept row a duplicate or resubmission repeats, else null",
            True,
        ),
        ("note", _STR, "the analyst's reason for an 'analyst' row (masked), else null"),
    ),
)
"""``exclusions.parquet`` (no personal data)."""

ESTIMATES = TableSchema(
    "estimates",
    "estimates.parquet",
    "one estimate of one statistic in one domain",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("measure", _TEXT, "the measure id ('' for response rates and weighting efficiency)"),
        ("group", _TEXT, "municipality, hospital, gp or sector"),
        ("breakdown", _TEXT, "'' or 'stratum'"),
        ("domain", _TEXT, "'' or the stratum id"),
        ("dimension", _TEXT, "'index' or a dimension id"),
        ("statistic", _TEXT, "mean, agree_share, dont_know_share, consensus_tw, …, gap"),
        *_INTERVAL,
        *_COUNTS,
        ("df", _I64, "design degrees of freedom of a t interval, else null", True),
        *_SUPPRESSION,
        ("contrast", _TEXT, "the gap's '<highest group> - <lowest group>', else ''"),
        ("deff", _F64, "design effect of a group or stratum mean or share, else null"),
        ("effective_n", _F64, "n / deff"),
    ),
    ("round_id", "measure", "group", "breakdown", "domain", "dimension", "statistic"),
)
"""``estimates.parquet``, suppression applied (:mod:`anchoring.analysis.parquet_tables`)."""

GROUP_TESTS = TableSchema(
    "group_tests",
    "group_tests.parquet",
    "one test of equal groups (groups_equal) or one pairwise contrast (pair) of a measure",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("measure", _TEXT, "the measure id"),
        ("test", _TEXT, "groups_equal or pair"),
        ("contrast", _TEXT, "a pair's '<group> - <group>', else ''"),
        *_INTERVAL,
        ("f", _F64, "the Wald F (a pair: t²)"),
        ("df", _I64, "numerator degrees of freedom", True),
        ("ddf", _I64, "denominator (design) degrees of freedom", True),
        ("p_value", _F64, "unadjusted p-value"),
        ("holm_family", _TEXT, "'measures' or the measure id (its pairs)"),
        ("p_value_holm", _F64, "Holm-adjusted within holm_family"),
        ("is_significant", _BOOL, "p_value_holm below 1 − level (a pair: and its measure's test)"),
        *_COUNTS,
        *_SUPPRESSION,
    ),
    ("round_id", "measure", "test", "contrast"),
)
"""``group_tests.parquet`` (:mod:`anchoring.analysis.group_tests`)."""

STATUS = TableSchema(
    "status",
    "status.parquet",
    "the anchoring status of one measure, in the round's measure order",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("measure", _TEXT, "the measure id"),
        ("status", _TEXT, "well, partly, weak or not_assessed"),
        ("status_nb", _TEXT, "the status in Norwegian"),
        ("status_en", _TEXT, "the status in English"),
        ("rule_nb", _TEXT, "the deciding rule in Norwegian"),
        ("rule_en", _TEXT, "the deciding rule in English"),
        ("sector_index", _F64, "the sector index"),
        ("min_group_ci_low", _F64, "the lowest group's lower interval limit"),
        ("min_group_consensus_tw", _F64, "the lowest group consensus (Tastle–Wierman)"),
        ("group_test_p_value_holm", _F64, "Holm-adjusted p of the test of equal groups"),
        ("has_group_difference", _BOOL, "the highest and lowest group differ significantly"),
        ("lagging_group", _TEXT, "the group significantly below both others, else ''"),
        ("leading_group", _TEXT, "the group significantly above both others, else ''"),
    ),
    ("round_id", "measure"),
)
"""``status.parquet`` (:mod:`anchoring.analysis.status`)."""

CHANGE = TableSchema(
    "change",
    "change.parquet",
    "the change of one index since the previous round",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("previous_round_id", _TEXT, "the round compared with"),
        ("measure", _TEXT, "the measure id"),
        ("group", _TEXT, "municipality, hospital, gp or sector"),
        ("dimension", _TEXT, "'index'"),
        ("statistic", _TEXT, "'mean'"),
        ("estimate_previous", _F64, "the previous round's estimate"),
        ("se_previous", _F64, "its standard error"),
        ("estimate_current", _F64, "this round's estimate"),
        ("se_current", _F64, "its standard error"),
        ("change", _F64, "current − previous"),
        ("se", _F64, "standard error of the change (see method)"),
        ("se_independent", _F64, "sqrt(se_previous² + se_current²)"),
        ("method", _TEXT, "panel (stacked design) or independent"),
        ("ci_low", _F64, "lower limit of the change's interval"),
        ("ci_high", _F64, "upper limit of the change's interval"),
        ("z", _F64, "change / se"),
        ("p_value", _F64, "two-sided normal p-value"),
        ("holm_family", _TEXT, "groups or sector"),
        ("p_value_holm", _F64, "Holm-adjusted within holm_family"),
        *_SUPPRESSION,
    ),
    ("round_id", "measure", "group"),
)
"""``change.parquet`` (:mod:`anchoring.analysis.change`), when the previous round's estimates
exist."""

DRIVERS = TableSchema(
    "drivers",
    "drivers.parquet",
    "one standardised coefficient of readiness on a dimension, per measure and group",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("measure", _TEXT, "the measure id"),
        ("group", _TEXT, "municipality, hospital or gp"),
        ("dimension", _TEXT, "the predictor dimension"),
        ("estimate", _F64, "the standardised coefficient"),
        ("se", _F64, "its design-based standard error"),
        ("ci_low", _F64, "lower limit of the t interval"),
        ("ci_high", _F64, "upper limit of the t interval"),
        ("df", _F64, "the model's residual design degrees of freedom"),
        ("p_value", _F64, "p-value of the coefficient"),
        ("n", _I64, "the model's respondents"),
        ("n_orgs", _I64, "the model's organisations"),
        *_SUPPRESSION,
    ),
    ("round_id", "measure", "group", "dimension"),
)
"""``drivers.parquet`` (:mod:`anchoring.analysis.drivers`), in round, group and instrument
order."""

SENSITIVITY = TableSchema(
    "sensitivity",
    "sensitivity.parquet",
    "one measure's sector index under the variance design the round did not use",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("measure", _TEXT, "the measure id"),
        ("group", _TEXT, "'sector'"),
        ("variance", _TEXT, "the design used here: one_stage or two_stage"),
        *_INTERVAL,
        ("is_suppressed", _BOOL, "hidden because the published sector index is hidden"),
    ),
    ("round_id", "measure"),
)
"""``sensitivity.parquet`` (:mod:`anchoring.analysis.sensitivity`)."""

DISTRIBUTIONS = TableSchema(
    "distributions",
    "distributions.parquet",
    "the weighted answer distribution of one item in one group",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("measure", _TEXT, "the measure id"),
        ("group", _TEXT, "municipality, hospital or gp"),
        ("dimension", _TEXT, "the item's dimension"),
        ("disagree", _F64, "share answering 1–2 among substantive answers (scored)"),
        ("neutral", _F64, "share answering 3 among substantive answers"),
        ("agree", _F64, "share answering 4–5 among substantive answers"),
        ("dont_know", _F64, "share answering «Vet ikke» (the published dont_know_share)"),
        ("n", _I64, "respondents with a substantive answer (as agree_share)"),
        ("n_orgs", _I64, "their organisations"),
        *_SUPPRESSION,
    ),
    ("round_id", "measure", "group", "dimension"),
)
"""``distributions.parquet`` (:mod:`anchoring.analysis.distributions`), in round, group and
instrument order."""

THEMES = TableSchema(
    "themes",
    "themes.parquet",
    "how many kept respondents' barrier comments mention one theme, in one group",
    _columns(
        ("round_id", _TEXT, "the round"),
        ("group", _TEXT, "municipality, hospital, gp or sector (all three: the row total)"),
        ("theme", _TEXT, "the theme id (instrument.yaml)"),
        ("count", _I64, "respondents whose comment mentions the theme (a count, never text)"),
        ("respondents", _I64, "kept respondents in the group (the count's base)"),
        *_SUPPRESSION,
    ),
    ("round_id", "group", "theme"),
)
"""``themes.parquet`` (:mod:`anchoring.analysis.themes`), in round, group (sector last) and
instrument theme order; a hidden count stays in the file (like ``n`` in the estimates) and the
report shows ":" for it (:func:`anchoring.analysis.suppression.suppress_theme_counts`)."""

PROCESSED_TABLES: tuple[TableSchema, ...] = (
    RESPONSES,
    EXCLUSIONS,
    ESTIMATES,
    GROUP_TESTS,
    STATUS,
    CHANGE,
    DRIVERS,
    SENSITIVITY,
    DISTRIBUTIONS,
    THEMES,
)
"""Every processed table, in the order the stages write them."""

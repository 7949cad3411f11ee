"""The round configuration (``data/raw/<round>/round.yaml``): one typed, validated object per round.

The analyst owns this file. It names the round, its fieldwork, the previous round to compare with,
and for each export (source) its stakeholder group, file, format and the map from raw columns and
answer values onto the instrument. Cleaning and estimation settings have defaults taken from
``methodology.md`` and can be overridden per round.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from anchoring.exceptions import RoundConfigError
from anchoring.groups import GROUPS
from anchoring.instrument import Instrument
from anchoring.paths import ROUND_ID_PATTERN
from anchoring.yaml_io import parse_yaml

ROUND_FILE = "round.yaml"
GROUP_IDS = GROUPS
FORMATS = ("nettskjema", "csv", "xlsx", "sav")
_ROUND_ID = ROUND_ID_PATTERN  # one rule for every round id (anchoring.paths)

METADATA_FIELDS: tuple[str, ...] = (
    "respondent_id",
    "identity",
    "submitted_at",
    "answer_time_ms",
    "answer_time_s",
    "is_test",
    "is_complete",
    "org_id",
    "municipality_id",
    "role",
    "practice_size",
    "barriers",
)
"""Canonical non-item fields a source can map. ``org_id`` is the organisation (kommunenummer or
health trust) for municipalities and hospitals; GPs map ``municipality_id`` (the practice's
kommunenummer), from which their county stratum follows, and are each their own PSU.
``identity`` is who answered as the tool knows it (an e-mail, a recipient reference): used only
to find resubmissions, hashed, never written. The answer time is mapped in milliseconds
(``answer_time_ms``, Nettskjema) or seconds (``answer_time_s``, Qualtrics' «Duration (in
seconds)»), never both. ``is_complete`` is a column saying whether the respondent finished
(Qualtrics' ``Finished``); its values are read with ``complete_values``."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    """A text in both report languages."""

    nb: str = Field(
        description="Norwegian bokmål text.", examples=["Forankringsmåling 2026"], max_length=200
    )
    en: str = Field(description="English text.", examples=["Anchoring survey 2026"], max_length=200)


class Fieldwork(_Strict):
    """First and last day of data collection."""

    start: dt.date = Field(
        description="First day of data collection (ISO date). With "
        "`cleaning.drop_before_fieldwork`, rows submitted before it (Oslo time) are excluded "
        "as `before_fieldwork`: test submissions made while setting the survey up.",
        examples=["2026-03-02"],
    )
    end: dt.date = Field(
        description="Last day of data collection (ISO date).", examples=["2026-03-20"]
    )

    @model_validator(mode="after")
    def _ordered(self) -> Fieldwork:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Source(_Strict):
    """One raw export and how it maps onto the instrument."""

    id: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The source's id: lower-case letters, digits and `_`; unique in the round. "
        "Prefixes every respondent key (`<id>:<respondent id>`).",
        examples=["kommuner"],
    )
    group: Literal["municipality", "hospital", "gp"] = Field(
        description="The stakeholder group that answered this export.", examples=["municipality"]
    )
    file: str = Field(
        description="The export's file name inside `data/raw/<round>/` (never edited).",
        examples=["kommuner.csv"],
    )
    format: Literal["nettskjema", "csv", "xlsx", "sav"] | None = Field(
        default=None,
        description="How to parse the file; detected from its content when left out.",
        examples=["nettskjema"],
    )
    encoding: str | None = Field(
        default=None, description="Text encoding of a CSV (detected).", examples=["cp1252"]
    )
    delimiter: str | None = Field(
        default=None, description="Field delimiter of a CSV (detected).", examples=[";"]
    )
    decimal: Literal[".", ","] | None = Field(
        default=None, description="Decimal mark of a CSV (detected).", examples=[","]
    )
    sheet: str | int | None = Field(
        default=None,
        description="Worksheet of an xlsx holding the answers (name or 0-based number; default "
        "the first).",
        examples=["Rapport"],
    )
    header_row: int | None = Field(
        default=None,
        ge=1,
        description="1-based row of the header (detected: a title row above it is skipped).",
        examples=[3],
    )
    columns: dict[str, str] = Field(
        description="Canonical field → the export's column. Fields: every item id "
        "(`<measure>__<dimension>`) and `respondent_id`, `identity` (an e-mail or recipient "
        "reference: only hashed, to find resubmissions; never written), `submitted_at`, "
        "`answer_time_ms` or `answer_time_s` (one of them), `is_test`, `is_complete`, `org_id` "
        "(`municipality_id` for GPs), `role`, `practice_size`, `barriers`. A column named as the "
        "field itself need not be listed.",
        examples=[
            {"respondent_id": "$submission_id", "submitted_at": "$created", "org_id": "Kommune"}
        ],
    )
    values: dict[str, dict[str, str | int | float]] = Field(
        default_factory=dict,
        description="Per field (or `items` for every item): raw value → what it means. Items: a "
        "code 1-5, 8 «Vet ikke», 9 «Ikke relevant» or a scale label; `role`: a role code of the "
        "group (a role that matches none is read as `annet`, «Annet», with a warning); "
        "`practice_size`: a number (a cell still no number is read as missing, with a warning).",
        examples=[
            {"items": {"9": 8}, "role": {"Sjef": "helse_omsorgssjef"}, "practice_size": {"ca 6": 6}}
        ],
    )
    org_id_map: dict[str, str] = Field(
        default_factory=dict,
        description="Organisation as written → its id in the frame (kommunenummer or health "
        "trust id), for values the tolerant matching cannot resolve.",
        examples=[{"Herøy": "1818"}],
    )
    test_values: list[str] = Field(
        default_factory=lambda: ["1", "true", "ja", "yes", "test"],
        description="Values of the `is_test` column that mark a test submission "
        "(case-insensitive); such rows are excluded as `test_marked`.",
        examples=[["Survey Preview", "Survey Test"]],
    )
    complete_values: list[str] = Field(
        default_factory=lambda: ["1", "true", "ja", "yes", "finished", "fullført"],
        description="Values of the `is_complete` column that mean the respondent finished "
        "(case-insensitive, e.g. Qualtrics' `Finished` = True/1); any other row is excluded as "
        "`incomplete` unless `cleaning.include_unfinished`.",
        examples=[["True", "1"]],
    )
    exclude: dict[str, str] = Field(
        default_factory=dict,
        description="The analyst's exclusions: respondent id as in the export (or `row<N>` for "
        "the N-th data row) → the reason. Those rows go to `exclusions.parquet` with reason "
        "`analyst` and the text (personal data masked) in `note`. An id not in the export "
        "stops cleaning.",
        examples=[{"1017": "TEST – ikke ta med", "row12": "answered for the wrong municipality"}],
    )

    @field_validator("file")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        if Path(value).name != value or value in {"", ".", ".."}:
            raise ValueError("must be a file name inside the round's raw folder, not a path")
        return value

    @field_validator("exclude", mode="before")
    @classmethod
    def _exclude_keys_as_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _one_answer_time(self) -> Source:
        if "answer_time_ms" in self.columns and "answer_time_s" in self.columns:
            raise ValueError("map the answer time once: answer_time_ms or answer_time_s, not both")
        return self

    @field_validator("org_id_map", "values", mode="before")
    @classmethod
    def _keys_as_text(cls, value: object) -> object:
        # YAML reads 0301 as text but 1201 as a number: keep every raw value as text.
        if isinstance(value, dict):
            return {str(k): _texts_keys(v) for k, v in value.items()}
        return value


def _texts_keys(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return str(value)


class CleaningRules(_Strict):
    """Cleaning rules (issue: ingestion and cleaning); every one configurable per round."""

    drop_before_fieldwork: bool = Field(
        default=True, description="Exclude rows submitted before `fieldwork.start`."
    )
    min_answered_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Exclude as `incomplete` a row answering fewer than this share of its "
        "source's items («Vet ikke» and «Ikke relevant» count as answers).",
    )
    include_unfinished: bool = Field(
        default=False,
        description="Keep rows whose `is_complete` says unfinished (default: excluded as "
        "`incomplete`).",
    )
    deduplicate: bool = Field(
        default=True,
        description="Exclude exact duplicates (same respondent id, or the same organisation, "
        "role, answers and comment); the latest is kept.",
    )
    resubmissions: Literal["keep_latest", "keep_all"] = Field(
        default="keep_latest",
        description="Several submissions by the same `identity` in one source: `keep_latest` "
        "excludes the earlier ones as `resubmission`; `keep_all` keeps every one.",
    )
    speeder_ratio: float = Field(
        default=0.3,
        gt=0,
        lt=1,
        description="Flag as speeder a row answering faster than this share of its source's "
        "median answer time.",
    )
    exclude_speeders: bool = Field(default=False, description="Exclude speeders, not only flag.")
    exclude_straightliners: bool = Field(
        default=False, description="Exclude straight-liners, not only flag."
    )


class StatusRule(_Strict):
    """Thresholds of the anchoring status (methodology §6)."""

    well_index: float = Field(default=65.0, description="Sector index for «well anchored».")
    well_group_lower_limit: float = Field(
        default=50.0,
        description="Lowest confidence limit every group's index must reach for «well».",
    )
    well_consensus: float = Field(
        default=0.60, description="Lowest Tastle–Wierman consensus of every group for «well»."
    )
    partly_index: float = Field(default=50.0, description="Sector index for «partly anchored».")


VarianceDesign = Literal["two_stage", "one_stage"]
"""The variance design of a round (``anchoring.analysis.round_design``; docs/decisions.md)."""


class EstimationSettings(_Strict):
    """Estimation and disclosure settings (methodology §§2, 6, 7)."""

    level: float = Field(default=0.95, gt=0, lt=1, description="Confidence level of intervals.")
    min_n: int = Field(
        default=5, ge=1, description="Fewest respondents behind a published estimate."
    )
    min_orgs: int = Field(
        default=3, ge=1, description="Fewest organisations behind a published estimate."
    )
    weighting: Literal["design", "raked"] = Field(
        default="design",
        description="`design`: the design weights (N_h/n_h)·(1/m_j). `raked`: those weights "
        "raked to the frame's margins named in `margins` (R's `calibrate(..., calfun = "
        '"raking")`, the calibration taken into every standard error); a round that asks '
        "for raking without margins is refused.",
    )
    margins: dict[Literal["municipality", "hospital"], list[str]] | None = Field(
        default=None,
        description="With `weighting: raked`: per group, the columns of its frame file whose "
        "counts of organisations the weights are raked to (each organisation of the frame "
        "counting once), e.g. the county `fylkesnummer` and an extra column such as "
        "`size_class` that a round-supplied frame (`frames`) carries. Only municipalities and "
        "hospital trusts (the GP frame counts GPs per county and lists none); a group not named "
        "keeps its design weights. Analysis refuses a column the frame lacks and a level "
        "of the frame without respondents.",
        examples=[{"municipality": ["fylkesnummer", "size_class"]}],
    )
    variance: VarianceDesign = Field(
        default="two_stage",
        description="Variance design: `two_stage` (organisations, then respondents) or "
        "`one_stage` (methodology §1; docs/decisions.md).",
    )
    status: StatusRule = Field(
        default_factory=StatusRule, description="Thresholds of the anchoring status."
    )

    @model_validator(mode="after")
    def _margins_with_raking(self) -> EstimationSettings:
        named = {g: columns for g, columns in (self.margins or {}).items() if columns}
        if self.weighting == "raked" and not named:
            raise ValueError(
                "weighting 'raked' needs margins: name per group the frame columns to rake "
                "to under estimation.margins, e.g. {municipality: [fylkesnummer, size_class]}"
            )
        if self.weighting == "design" and named:
            raise ValueError(
                "margins are named but weighting is 'design', so they would be ignored: set "
                "estimation.weighting: raked, or remove estimation.margins"
            )
        for group, columns in named.items():
            if len(set(columns)) < len(columns):
                raise ValueError(f"margins.{group} names a column twice: {columns}")
        return self


class RoundConfig(_Strict):
    """The validated configuration of one survey round."""

    round_id: str = Field(
        description="The round's id: the folder name under `data/raw/` (letters, digits, `.`, "
        "`_`, `-`).",
        examples=["2026-v"],
    )
    title: Texts = Field(description="The round's title in both report languages.")
    fieldwork: Fieldwork = Field(description="First and last day of data collection.")
    previous_round: str | None = Field(
        default=None,
        description="The round to compare with (its estimates must exist), or null.",
        examples=["2025-h"],
    )
    measures: list[str] | None = Field(
        default=None,
        description="The measures asked about (ids of the instrument); default every active one.",
        examples=[["pll", "pjd"]],
    )
    frames: dict[Literal["municipality", "hospital", "gp"], str] = Field(
        default_factory=dict,
        description="Per group, a sampling-frame file in the round's raw folder replacing the "
        "packaged one.",
        examples=[{"gp": "fastleger-ramme.csv"}],
    )
    sources: list[Source] = Field(
        min_length=1, description="The exports of the round, one entry per file."
    )
    cleaning: CleaningRules = Field(
        default_factory=CleaningRules, description="Cleaning rules (every one has a default)."
    )
    estimation: EstimationSettings = Field(
        default_factory=EstimationSettings,
        description="Estimation and disclosure settings (every one has a default).",
    )

    @field_validator("round_id", "previous_round")
    @classmethod
    def _valid_round_id(cls, value: str | None) -> str | None:
        if value is not None and not _ROUND_ID.fullmatch(value):
            raise ValueError("letters, digits, '.', '_' and '-' only (at most 64)")
        return value

    @model_validator(mode="after")
    def _unique_sources(self) -> RoundConfig:
        ids = [s.id for s in self.sources]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"source id(s) {duplicated} occur more than once")
        return self

    def measure_ids(self, instrument: Instrument) -> list[str]:
        """The measures this round asks about: the config's list, or all active ones."""
        return list(self.measures) if self.measures is not None else instrument.measure_ids

    def check_against(self, instrument: Instrument, path: Path | str = ROUND_FILE) -> None:
        """Check measures and column maps against the instrument.

        Raises
        ------
        RoundConfigError
            A measure is unknown, or a column map names a field that is neither a canonical
            field nor an item id; all such problems are listed in one message.
        """
        problems = []
        known_measures = {m.id for m in instrument.measures + instrument.retired_measures}
        for m in self.measure_ids(instrument):
            if m not in known_measures:
                problems.append(
                    f"measures: '{m}' is not a measure of the instrument "
                    f"(known: {sorted(known_measures)})"
                )
        fields = set(METADATA_FIELDS) | {i for m in known_measures for i in instrument.item_ids(m)}
        for source in self.sources:
            for field in source.columns:
                if field not in fields:
                    problems.append(
                        f"sources[{source.id}].columns: '{field}' is neither an "
                        "item id (<measure>__<dimension>) nor one of "
                        f"{list(METADATA_FIELDS)}"
                    )
        if problems:
            raise RoundConfigError(f"{path}: " + "; ".join(problems))


def load_round_config(path: str | Path) -> RoundConfig:
    """Read and validate a ``round.yaml``.

    Raises
    ------
    RoundConfigError
        The file is missing or not YAML, or fails validation; the message names the file and
        every offending key with what is wrong.
    """
    path = Path(path)
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RoundConfigError(
            f"{path}: round configuration not found. Create it with "
            "'anchoring init-round --round <ID>' or 'anchoring simulate'."
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RoundConfigError(f"{path}: not valid YAML ({exc}).") from None
    if not isinstance(raw, dict):
        raise RoundConfigError(f"{path}: must be a mapping of keys (round_id, title, ...).")
    try:
        return RoundConfig.model_validate(raw)
    except ValidationError as exc:
        raise RoundConfigError(f"{path}: " + _describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"]) or "(top level)"
        parts.append(f"key '{key}': {error['msg']}")
    return "; ".join(parts) + ". Fix these keys in the round configuration."


def round_config_to_dict(config: RoundConfig) -> dict:
    """Plain dict of a config (dates as ISO text), in schema order, for YAML or hashing."""
    return config.model_dump(mode="json", exclude_none=True)


def write_round_config(config: RoundConfig, path: str | Path) -> None:
    """Write a config as YAML, deterministically (schema key order, UTF-8, LF)."""
    text = yaml.safe_dump(
        round_config_to_dict(config), sort_keys=False, allow_unicode=True, width=100
    )
    Path(path).write_text(text, encoding="utf-8", newline="\n")

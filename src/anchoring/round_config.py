"""The round configuration (``data/raw/<round>/round.yaml``): one typed, validated object per round.

The analyst owns this file. It names the round, its fieldwork, the previous round to compare with,
and for each export (source) its stakeholder group, file, format and the map from raw columns and
answer values onto the instrument. Cleaning and estimation settings have defaults taken from
``methodology.md`` and can be overridden per round.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from anchoring.exceptions import RoundConfigError
from anchoring.groups import GROUPS
from anchoring.instrument import Instrument
from anchoring.yaml_io import parse_yaml

ROUND_FILE = "round.yaml"
GROUP_IDS = GROUPS
FORMATS = ("nettskjema", "csv", "xlsx", "sav")
_ROUND_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

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

    nb: str
    en: str


class Fieldwork(_Strict):
    """First and last day of data collection."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Fieldwork:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Source(_Strict):
    """One raw export and how it maps onto the instrument."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: Literal["municipality", "hospital", "gp"]
    file: str
    format: Literal["nettskjema", "csv", "xlsx", "sav"] | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: Literal[".", ","] | None = None
    sheet: str | int | None = None
    header_row: int | None = Field(default=None, ge=1)
    columns: dict[str, str]
    values: dict[str, dict[str, str | int | float]] = Field(default_factory=dict)
    org_id_map: dict[str, str] = Field(default_factory=dict)
    test_values: list[str] = Field(default_factory=lambda: ["1", "true", "ja", "yes", "test"])
    complete_values: list[str] = Field(
        default_factory=lambda: ["1", "true", "ja", "yes", "finished", "fullført"]
    )
    exclude: dict[str, str] = Field(default_factory=dict)

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

    drop_before_fieldwork: bool = True
    min_answered_share: float = Field(default=0.5, ge=0, le=1)
    include_unfinished: bool = False
    deduplicate: bool = True
    resubmissions: Literal["keep_latest", "keep_all"] = "keep_latest"
    speeder_ratio: float = Field(default=0.3, gt=0, lt=1)
    exclude_speeders: bool = False
    exclude_straightliners: bool = False


class StatusRule(_Strict):
    """Thresholds of the anchoring status (methodology §6)."""

    well_index: float = 65.0
    well_group_lower_limit: float = 50.0
    well_consensus: float = 0.60
    partly_index: float = 50.0


VarianceDesign = Literal["two_stage", "one_stage"]
"""The variance design of a round (``anchoring.analysis.design``; docs/decisions.md)."""


class EstimationSettings(_Strict):
    """Estimation and disclosure settings (methodology §§2, 6, 7)."""

    level: float = Field(default=0.95, gt=0, lt=1)
    min_n: int = Field(default=5, ge=1)
    min_orgs: int = Field(default=3, ge=1)
    weighting: Literal["design", "raked"] = "design"
    variance: VarianceDesign = "two_stage"
    status: StatusRule = Field(default_factory=StatusRule)


class RoundConfig(_Strict):
    """The validated configuration of one survey round."""

    round_id: str
    title: Texts
    fieldwork: Fieldwork
    previous_round: str | None = None
    measures: list[str] | None = None
    frames: dict[Literal["municipality", "hospital", "gp"], str] = Field(default_factory=dict)
    sources: list[Source] = Field(min_length=1)
    cleaning: CleaningRules = Field(default_factory=CleaningRules)
    estimation: EstimationSettings = Field(default_factory=EstimationSettings)

    @field_validator("round_id", "previous_round")
    @classmethod
    def _valid_round_id(cls, value: str | None) -> str | None:
        if value is not None and not _ROUND_ID.match(value):
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

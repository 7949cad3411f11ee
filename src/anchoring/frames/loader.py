"""Load and validate sampling frames, packaged or supplied by a round."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from anchoring.exceptions import FrameError
from anchoring.groups import GROUPS
from anchoring.yaml_io import parse_yaml

_HERE = Path(__file__).parent

# Column layout of each group's frame file: org id, org name, stratum code, stratum name.
_UNIT_COLUMNS = {
    "municipality": ("kommunenummer", "kommunenavn", "fylkesnummer", "fylkesnavn"),
    "hospital": ("hf_id", "helseforetak", "rhf_id", "rhf"),
}
# The GP frame counts PSUs (GPs) per stratum instead of listing them.
_COUNT_COLUMNS = ("fylkesnummer", "fylkesnavn", "gp_n")


def qualify_stratum(group: str, stratum_code: str) -> str:
    """Group-qualified stratum id, e.g. ``municipality:46`` (methodology §1)."""
    return f"{group}:{stratum_code}"


@dataclass(frozen=True)
class Frame:
    """The frame of one stakeholder group.

    Attributes
    ----------
    group
        ``municipality``, ``hospital`` or ``gp``.
    units
        One row per organisation (``org_id``, ``org_name``, ``stratum_code``, ``stratum_name``,
        ``stratum``); empty for GPs, whose frame is a count per stratum.
    strata
        One row per stratum: ``stratum`` (qualified), ``stratum_code``, ``stratum_name``,
        ``psu_n`` (population number of PSUs, the design's fpc).
    source, holds_for, is_illustrative, path
        Provenance, shown in the report.
    attributes
        One row per organisation (index ``org_id``), every column of the frame file as text
        under its name in the file (``kommunenummer``, ``fylkesnummer``, and any extra column
        such as ``size_class``): the levels of raking margins. Empty for GPs.
    """

    group: str
    units: pd.DataFrame
    strata: pd.DataFrame
    source: str
    holds_for: str
    is_illustrative: bool
    path: Path
    attributes: pd.DataFrame | None = None

    @property
    def lists_units(self) -> bool:
        """True when the frame lists its organisations (municipalities, trusts)."""
        return not self.units.empty

    def margin_levels(self, column: str) -> pd.Series:
        """Each organisation's value of a frame column (index ``org_id``), for raking.

        Raises
        ------
        FrameError
            The frame lists no organisations (GPs), or has no such column; the message names
            the file and the columns it has.
        """
        table = self.attributes if self.attributes is not None else pd.DataFrame()
        if not self.lists_units:
            raise FrameError(
                f"{self.path}: the {self.group} frame counts units per stratum and lists no "
                "organisations, so it has no margins to rake to; remove "
                f"estimation.margins.{self.group}."
            )
        if column not in table.columns:
            raise FrameError(
                f"{self.path}: no column '{column}' for estimation.margins.{self.group}; the "
                f"frame has {list(table.columns)}. Supply a frame with that column (round.yaml "
                "'frames') or name one of these."
            )
        return table[column]

    def psu_n(self) -> dict[str, int]:
        """Population number of PSUs per qualified stratum."""
        return dict(zip(self.strata["stratum"], self.strata["psu_n"].astype(int), strict=True))


@dataclass(frozen=True)
class Frames:
    """The frames of all groups of a round."""

    by_group: dict[str, Frame]

    def __getitem__(self, group: str) -> Frame:
        return self.by_group[group]

    def files(self) -> list[Path]:
        """Every frame file, for hashing into the run manifest."""
        return [f.path for f in self.by_group.values()]


def load_frames(overrides: dict[str, str | Path] | None = None) -> Frames:
    """Load the frame of every group: the packaged one, or the round's override file.

    Parameters
    ----------
    overrides
        Group id → CSV path with the same columns as the packaged frame of that group.

    Raises
    ------
    FrameError
        An override names an unknown group, a file is missing, or a column is missing,
        duplicated or invalid; the message names the file and the column.
    """
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(GROUPS))
    if unknown:
        raise FrameError(f"frames: unknown group(s) {unknown}; use one of {list(GROUPS)}.")
    sources = parse_yaml((_HERE / "sources.yaml").read_text(encoding="utf-8"))
    frames = {}
    for group in GROUPS:
        meta = sources[group]
        if group in overrides:
            path = Path(overrides[group])
            meta = {
                "source": f"round-supplied file {path.name}",
                "holds_for": "",
                "is_illustrative": False,
            }
        else:
            path = _HERE / sources[group]["file"]
        frames[group] = _load_frame(group, path, meta)
    return Frames(frames)


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FrameError(
            f"{path}: frame file not found. Check the path under 'frames' in round.yaml."
        )
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise FrameError(f"{path}: cannot read the frame as UTF-8 CSV ({exc}).") from None


def _require(path: Path, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise FrameError(f"{path}: missing column(s) {missing}; the frame needs {list(columns)}.")
    for column in columns:
        blank = table.index[table[column].str.strip() == ""]
        if len(blank):
            raise FrameError(f"{path}: column '{column}' is empty in data row {blank[0] + 1}.")


def _load_frame(group: str, path: Path, meta: dict) -> Frame:
    table = _read_csv(path)
    if group in _UNIT_COLUMNS:
        org, name, code, code_name = _UNIT_COLUMNS[group]
        _require(path, table, _UNIT_COLUMNS[group])
        duplicated = table[org][table[org].duplicated()]
        if len(duplicated):
            raise FrameError(
                f"{path}: organisation '{duplicated.iloc[0]}' in column '{org}' occurs twice."
            )
        units = pd.DataFrame(
            {
                "org_id": table[org].str.strip(),
                "org_name": table[name].str.strip(),
                "stratum_code": table[code].str.strip(),
                "stratum_name": table[code_name].str.strip(),
            }
        )
        units["stratum"] = [qualify_stratum(group, c) for c in units["stratum_code"]]
        strata = (
            units.groupby(["stratum", "stratum_code", "stratum_name"], sort=True)
            .size()
            .rename("psu_n")
            .reset_index()
        )
    else:
        _require(path, table, _COUNT_COLUMNS)
        counts = pd.to_numeric(table["gp_n"], errors="coerce")
        if counts.isna().any() or (counts <= 0).any() or (counts % 1 != 0).any():
            row = int(counts.index[counts.isna() | (counts <= 0) | (counts % 1 != 0)][0]) + 1
            raise FrameError(
                f"{path}: column 'gp_n' must be a positive whole number (data row {row})."
            )
        units = pd.DataFrame(
            columns=["org_id", "org_name", "stratum_code", "stratum_name", "stratum"]
        )
        strata = pd.DataFrame(
            {
                "stratum": [qualify_stratum(group, c.strip()) for c in table["fylkesnummer"]],
                "stratum_code": table["fylkesnummer"].str.strip(),
                "stratum_name": table["fylkesnavn"].str.strip(),
                "psu_n": counts.astype("int64"),
            }
        ).sort_values("stratum", ignore_index=True)
    attributes = None
    if group in _UNIT_COLUMNS:
        attributes = table.apply(lambda column: column.str.strip())
        attributes.index = pd.Index(units["org_id"], name="org_id")
        attributes = attributes.sort_index()
    return Frame(
        group,
        units.sort_values("org_id", ignore_index=True),
        strata,
        " ".join(str(meta["source"]).split()),
        str(meta["holds_for"]),
        bool(meta["is_illustrative"]),
        path,
        attributes,
    )

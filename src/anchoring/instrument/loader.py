"""Read and validate ``instrument.yaml`` into an :class:`~anchoring.instrument.model.Instrument`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from anchoring.exceptions import InstrumentError
from anchoring.instrument.model import (
    DONT_KNOW,
    LANGUAGES,
    NOT_APPLICABLE,
    SCALE_POINTS,
    Dimension,
    Group,
    Instrument,
    Measure,
    ScaleLabel,
    Theme,
)
from anchoring.yaml_io import parse_yaml

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def default_instrument_path() -> Path:
    """Path of the instrument shipped with the package."""
    return Path(__file__).with_name("instrument.yaml")


def load_instrument(path: str | Path | None = None) -> Instrument:
    """Load and validate the survey instrument.

    Parameters
    ----------
    path
        A YAML file; default: the packaged ``instrument.yaml``.

    Returns
    -------
    Instrument
        The validated instrument (active measures only in ``measures``).

    Raises
    ------
    InstrumentError
        The file is missing, is not YAML, or a key is missing or malformed; the message names
        the file and the key.
    """
    path = Path(path) if path is not None else default_instrument_path()
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InstrumentError(f"{path}: instrument file not found.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"{path}: not valid YAML ({exc}). Fix the syntax.") from None
    return _Parser(path).instrument(raw)


class _Parser:
    """Validating parser; every error names the file and the key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> InstrumentError:
        return InstrumentError(f"{self.path}: key '{key}': {problem}")

    def mapping(self, value: Any, key: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping (key: value).")
        return value

    def sequence(self, value: Any, key: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list.")
        return value

    def get(self, mapping: dict, name: str, key: str) -> Any:
        if name not in mapping or mapping[name] is None:
            raise self.fail(f"{key}.{name}" if key else name, "is missing.")
        return mapping[name]

    def identifier(self, mapping: dict, key: str) -> str:
        value = self.get(mapping, "id", key)
        if not isinstance(value, str) or not _ID_PATTERN.match(value) or "__" in value:
            raise self.fail(
                f"{key}.id",
                f"'{value}' is not a valid id (lower case letters, digits and single "
                "underscores, starting with a letter).",
            )
        return value

    def texts(self, mapping: dict, name: str, key: str) -> dict[str, str]:
        value = self.mapping(self.get(mapping, name, key), f"{key}.{name}")
        out = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{key}.{name}.{lang}", "is missing or empty.")
            out[lang] = " ".join(text.split())
        return out

    def unique(self, ids: list[str], key: str) -> None:
        seen = set()
        for value in ids:
            if value in seen:
                raise self.fail(key, f"id '{value}' occurs twice.")
            seen.add(value)

    def instrument(self, raw: Any) -> Instrument:
        raw = self.mapping(raw, "(top level)")
        measures = [
            self.measure(m, f"measures[{i}]")
            for i, m in enumerate(self.sequence(self.get(raw, "measures", ""), "measures"))
        ]
        self.unique([m.id for m, _ in measures], "measures")
        active = tuple(m for m, is_active in measures if is_active)
        if not active:
            raise self.fail("measures", "no measure is active.")
        dimensions = tuple(
            self.dimension(d, f"dimensions[{i}]")
            for i, d in enumerate(self.sequence(self.get(raw, "dimensions", ""), "dimensions"))
        )
        self.unique([d.id for d in dimensions], "dimensions")
        points, non_substantive, agree = self.scale(self.get(raw, "scale", ""))
        groups = tuple(
            self.group(g, f"groups[{i}]")
            for i, g in enumerate(self.sequence(self.get(raw, "groups", ""), "groups"))
        )
        self.unique([g.id for g in groups], "groups")
        background = self.mapping(self.get(raw, "background", ""), "background")
        barriers = self.mapping(self.get(raw, "barriers", ""), "barriers")
        themes = tuple(
            self.theme(t, f"barriers.themes[{i}]")
            for i, t in enumerate(self.sequence(self.get(barriers, "themes", "barriers"), "themes"))
        )
        self.unique([t.id for t in themes], "barriers.themes")
        other_role, other_aliases = self.other_role(background)
        version = self.get(raw, "version", "")
        if not isinstance(version, int):
            raise self.fail("version", "must be an integer.")
        return Instrument(
            instrument_id=str(self.get(raw, "instrument_id", "")),
            version=version,
            measures=active,
            dimensions=dimensions,
            points=points,
            non_substantive=non_substantive,
            agree_codes=agree,
            groups=groups,
            roles=self.roles(background, groups),
            other_role=other_role,
            other_role_aliases=other_aliases,
            background_text={
                name: self.texts(
                    self.mapping(value, f"background.{name}"), "text", f"background.{name}"
                )
                for name, value in background.items()
            },
            barrier_text=self.texts(barriers, "text", "barriers"),
            themes=themes,
            retired_measures=tuple(m for m, is_active in measures if not is_active),
        )

    def measure(self, raw: Any, key: str) -> tuple[Measure, bool]:
        raw = self.mapping(raw, key)
        active = raw.get("active", True)
        if not isinstance(active, bool):
            raise self.fail(f"{key}.active", "must be true or false.")
        measure = Measure(
            id=self.identifier(raw, key),
            name=self.texts(raw, "name", key),
            short=self.texts(raw, "short", key),
            description=self.texts(raw, "description", key),
        )
        return measure, active

    def dimension(self, raw: Any, key: str) -> Dimension:
        raw = self.mapping(raw, key)
        item = self.texts(raw, "item", key)
        for lang, text in item.items():
            if "{measure}" not in text:
                raise self.fail(f"{key}.item.{lang}", "must contain the placeholder {measure}.")
        reverse = raw.get("reverse_keyed", False)
        if not isinstance(reverse, bool):
            raise self.fail(f"{key}.reverse_keyed", "must be true or false.")
        return Dimension(self.identifier(raw, key), self.texts(raw, "name", key), item, reverse)

    def scale(self, raw: Any) -> tuple[tuple[ScaleLabel, ...], tuple[ScaleLabel, ...], tuple]:
        raw = self.mapping(raw, "scale")
        points = tuple(
            ScaleLabel(
                self.get(p, "code", f"scale.points[{i}]"),
                self.texts({"label": p}, "label", f"scale.points[{i}]"),
            )
            for i, p in enumerate(self.sequence(self.get(raw, "points", "scale"), "scale.points"))
        )
        if tuple(p.code for p in points) != SCALE_POINTS:
            raise self.fail("scale.points", f"codes must be {list(SCALE_POINTS)} in order.")
        non_substantive = tuple(
            ScaleLabel(
                self.get(p, "code", f"scale.non_substantive[{i}]"),
                self.texts({"label": p}, "label", f"scale.non_substantive[{i}]"),
                self.identifier(p, f"scale.non_substantive[{i}]"),
            )
            for i, p in enumerate(
                self.sequence(self.get(raw, "non_substantive", "scale"), "scale.non_substantive")
            )
        )
        expected = {"dont_know": DONT_KNOW, "not_applicable": NOT_APPLICABLE}
        if {s.id: s.code for s in non_substantive} != expected:
            raise self.fail(
                "scale.non_substantive", "must be dont_know (code 8) and not_applicable (code 9)."
            )
        agree = tuple(self.sequence(self.get(raw, "agree_codes", "scale"), "scale.agree_codes"))
        if not set(agree) <= set(SCALE_POINTS):
            raise self.fail("scale.agree_codes", "must be scale points (1-5).")
        return points, non_substantive, agree

    def group(self, raw: Any, key: str) -> Group:
        raw = self.mapping(raw, key)
        return Group(
            self.identifier(raw, key),
            self.texts(raw, "name", key),
            self.texts(raw, "unit", key),
            self.texts(raw, "stratum", key),
        )

    def roles(self, background: dict, groups: tuple[Group, ...]) -> dict:
        role = self.mapping(self.get(background, "role", "background"), "background.role")
        options = self.mapping(
            self.get(role, "options", "background.role"), "background.role.options"
        )
        out = {}
        for group in groups:
            key = f"background.role.options.{group.id}"
            entries = self.sequence(options.get(group.id), key)
            out[group.id] = tuple(
                ScaleLabel(
                    0,
                    self.texts({"label": e}, "label", f"{key}[{i}]"),
                    str(self.get(e, "code", f"{key}[{i}]")),
                )
                for i, e in enumerate(entries)
            )
        return out

    def other_role(self, background: dict) -> tuple[ScaleLabel | None, tuple[str, ...]]:
        """``background.role.other``: the «Annet» role of every group (optional), its aliases."""
        role = self.mapping(self.get(background, "role", "background"), "background.role")
        if role.get("other") is None:
            return None, ()
        key = "background.role.other"
        other = self.mapping(role["other"], key)
        code = str(self.get(other, "code", key))
        also = other.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
            raise self.fail(f"{key}.also", "must be a list of labels.")
        return ScaleLabel(0, self.texts({"label": other}, "label", key), code), tuple(also)

    def theme(self, raw: Any, key: str) -> Theme:
        raw = self.mapping(raw, key)
        keywords = self.sequence(self.get(raw, "keywords_nb", key), f"{key}.keywords_nb")
        if not all(isinstance(k, str) and k.strip() for k in keywords):
            raise self.fail(f"{key}.keywords_nb", "must be a list of non-empty words.")
        return Theme(
            self.identifier(raw, key),
            self.texts(raw, "name", key),
            tuple(k.strip().lower() for k in keywords),
        )

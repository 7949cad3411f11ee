"""Typed, immutable model of the survey instrument."""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES: tuple[str, ...] = ("nb", "en")
"""Report languages: Norwegian bokmål and English."""

SCALE_POINTS: tuple[int, ...] = (1, 2, 3, 4, 5)
"""The five substantive points of the Likert scale, «Helt uenig» (1) to «Helt enig» (5)."""

DONT_KNOW: int = 8
"""Internal code of «Vet ikke» / "Don't know" (not a scale point)."""

NOT_APPLICABLE: int = 9
"""Internal code of «Ikke relevant» / "Not applicable" (not a scale point)."""

ITEM_SEPARATOR = "__"
"""Separator between measure and dimension in an item id, e.g. ``pll__nytte``."""


@dataclass(frozen=True)
class Measure:
    """A national measure (tiltak) of Digital samhandling steg 2."""

    id: str
    name: dict[str, str]
    short: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Dimension:
    """An anchoring dimension; ``item`` is wording templated with ``{measure}``."""

    id: str
    name: dict[str, str]
    item: dict[str, str]
    reverse_keyed: bool


@dataclass(frozen=True)
class Item:
    """One Likert item: a measure × dimension, with its wording in each language."""

    id: str
    measure: str
    dimension: str
    text: dict[str, str]
    reverse_keyed: bool


@dataclass(frozen=True)
class ScaleLabel:
    """A scale point or non-substantive answer with its internal code and labels."""

    code: int
    label: dict[str, str]
    id: str = ""


@dataclass(frozen=True)
class Group:
    """A stakeholder group: its names, the unit that is the PSU, and the stratum variable."""

    id: str
    name: dict[str, str]
    unit: dict[str, str]
    stratum: dict[str, str]


@dataclass(frozen=True)
class Theme:
    """A barrier theme with the bokmål keywords that tag a free-text comment with it."""

    id: str
    name: dict[str, str]
    keywords_nb: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    """The whole instrument; build it with :func:`anchoring.instrument.load_instrument`."""

    instrument_id: str
    version: int
    measures: tuple[Measure, ...]
    dimensions: tuple[Dimension, ...]
    points: tuple[ScaleLabel, ...]
    non_substantive: tuple[ScaleLabel, ...]
    agree_codes: tuple[int, ...]
    groups: tuple[Group, ...]
    roles: dict[str, tuple[ScaleLabel, ...]]
    background_text: dict[str, dict[str, str]]
    barrier_text: dict[str, str]
    themes: tuple[Theme, ...]
    retired_measures: tuple[Measure, ...] = field(default=())
    other_role: ScaleLabel | None = None
    """The «Annet» / "Other" role every group can answer (``background.role.other``); not in
    :attr:`roles`, which lists each group's named roles (the simulator draws from those)."""
    other_role_aliases: tuple[str, ...] = ()
    """Further labels read as :attr:`other_role` («Andre», "Others")."""

    @property
    def measure_ids(self) -> list[str]:
        """Ids of the active measures, in file order."""
        return [m.id for m in self.measures]

    @property
    def dimension_ids(self) -> list[str]:
        """Ids of the anchoring dimensions, in file order."""
        return [d.id for d in self.dimensions]

    @property
    def group_ids(self) -> list[str]:
        """Ids of the stakeholder groups, in file order."""
        return [g.id for g in self.groups]

    def measure(self, measure_id: str) -> Measure:
        """Return the active or retired measure with this id (KeyError if unknown)."""
        for m in self.measures + self.retired_measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with this id (KeyError if unknown)."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def group(self, group_id: str) -> Group:
        """Return the stakeholder group with this id (KeyError if unknown)."""
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    def item_ids(self, measure: str | None = None) -> list[str]:
        """Item ids ``<measure>__<dimension>`` of one measure, or of all active measures."""
        measures = [measure] if measure is not None else self.measure_ids
        return [f"{m}{ITEM_SEPARATOR}{d.id}" for m in measures for d in self.dimensions]

    def item(self, item_id: str) -> Item:
        """Return the item with this id, its wording filled in with the measure's short name."""
        measure_id, _, dimension_id = item_id.partition(ITEM_SEPARATOR)
        measure = self.measure(measure_id)
        dimension = self.dimension(dimension_id)
        text = {
            lang: _capitalise(template.format(measure=measure.short[lang]))
            for lang, template in dimension.item.items()
        }
        return Item(item_id, measure.id, dimension.id, text, dimension.reverse_keyed)

    def theme_ids(self) -> list[str]:
        """Ids of the barrier themes, in file order."""
        return [t.id for t in self.themes]

    def label(self, code: int, lang: str) -> str:
        """Label of a scale point or non-substantive code in ``lang``."""
        for s in self.points + self.non_substantive:
            if s.code == code:
                return s.label[lang]
        raise KeyError(code)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]

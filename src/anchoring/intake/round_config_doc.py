"""The ``round.yaml`` reference page (``docs/round-yaml.md``), generated from the config schema.

Every key, its type, default, meaning and an example come from the pydantic models of
:mod:`anchoring.intake.round_config` (``Field(description=..., examples=...)``), so the page cannot
drift from what the code accepts: ``tests/test_round_config_doc.py`` fails when the page is not
what :func:`render_round_yaml_reference` gives. Regenerate it with::

    python -m anchoring.intake.round_config_doc          # writes docs/round-yaml.md
    python -m anchoring.intake.round_config_doc --check  # exit 1 if the page is not current
"""

from __future__ import annotations

import argparse
import json
import logging
import types
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from anchoring.intake.round_config import (
    METADATA_FIELDS,
    CleaningRules,
    EstimationSettings,
    Fieldwork,
    RoundConfig,
    Source,
    StatusRule,
    Texts,
)
from anchoring.paths import find_project_root

log = logging.getLogger(__name__)

DOC_PATH = Path("docs") / "round-yaml.md"
"""Where the page lives, relative to the project root."""

_SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("(top level)", RoundConfig),
    ("title", Texts),
    ("fieldwork", Fieldwork),
    ("sources[]", Source),
    ("cleaning", CleaningRules),
    ("estimation", EstimationSettings),
    ("estimation.status", StatusRule),
)

_EXAMPLE = {
    "round_id": "2026-v",
    "title": {"nb": "Forankringsmåling våren 2026", "en": "Anchoring survey, spring 2026"},
    "fieldwork": {"start": "2026-03-02", "end": "2026-03-20"},
    "previous_round": "2025-h",
    "sources": [
        {
            "id": "kommuner",
            "group": "municipality",
            "file": "kommuner.csv",
            "columns": {
                "respondent_id": "$submission_id",
                "submitted_at": "$created",
                "answer_time_ms": "$answer_time_ms",
                "org_id": "Kommune",
                "role": "Rolle",
                "pll__nytte": "PLL: nytte",
            },
            "values": {"items": {"9": 8}, "role": {"Helsesjef": "helse_omsorgssjef"}},
            "org_id_map": {"Herøy": "1818"},
            "exclude": {"1017": "TEST – ikke ta med"},
        },
        {
            "id": "fastleger",
            "group": "gp",
            "file": "fastleger.csv",
            "columns": {
                "respondent_id": "ResponseId",
                "identity": "RecipientEmail",
                "submitted_at": "RecordedDate",
                "answer_time_s": "Duration (in seconds)",
                "is_test": "Status",
                "is_complete": "Finished",
                "municipality_id": "Q2",
                "practice_size": "Q3",
                "pll__nytte": "Q5_3",
            },
            "values": {"practice_size": {"ca 6": 6}},
            "test_values": ["Survey Preview", "Survey Test"],
            "complete_values": ["True", "1"],
        },
    ],
    "cleaning": {"resubmissions": "keep_latest"},
}
"""A small but complete ``round.yaml``, validated by :func:`render_round_yaml_reference`."""


def _type_text(annotation: object) -> str:
    """A short readable type (``text``, ``number``, ``list of text``, ``a or b``)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [_type_text(a) for a in args if a is not type(None)]
        optional = " or null" if type(None) in args else ""
        return " or ".join(parts) + optional
    if origin is list:
        return f"list of {_type_text(args[0])}"
    if origin is dict:
        return f"map {_type_text(args[0])} → {_type_text(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping (below)"
    names = {str: "text", int: "integer", float: "number", bool: "true/false"}
    if annotation in names:
        return names[annotation]
    return getattr(annotation, "__name__", str(annotation))


def _default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "(defaults below)"
    else:
        value = info.default
    if value is PydanticUndefined:  # pragma: no cover - required handled above
        return "required"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _example_text(info: FieldInfo) -> str:
    if not info.examples:
        return ""
    return f"`{json.dumps(info.examples[0], ensure_ascii=False)}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") if text else ""


def _section(name: str, model: type[BaseModel]) -> list[str]:
    doc = " ".join((model.__doc__ or "").split())
    lines = [f"## `{name}`", "", doc, "", "| key | type | default | meaning | example |"]
    lines.append("|---|---|---|---|---|")
    for key, info in model.model_fields.items():
        lines.append(
            f"| `{key}` | {_type_text(info.annotation)} | {_default_text(info)} | "
            f"{_cell(info.description or '')} | {_example_text(info)} |"
        )
    return [*lines, ""]


def render_round_yaml_reference() -> str:
    """The reference page of ``round.yaml`` as Markdown (deterministic).

    Returns
    -------
    str
        A section per part of the file (top level, ``title``, ``fieldwork``, ``sources[]``,
        ``cleaning``, ``estimation``, ``estimation.status``) with one row per key: type,
        default, meaning (the field's description) and an example; then a complete example.
    """
    RoundConfig.model_validate(_EXAMPLE)  # the example must be a valid round.yaml
    example_yaml = yaml.safe_dump(_EXAMPLE, sort_keys=False, allow_unicode=True, width=100)
    lines = [
        "# `round.yaml` reference",
        "",
        "<!-- Generated by `python -m anchoring.intake.round_config_doc` from the schema in "
        "src/anchoring/intake/round_config.py; do not edit by hand. -->",
        "",
        "Each round has one `data/raw/<round>/round.yaml`, owned by the analyst: "
        "`anchoring init-round` drafts it (a `# CONFIRM` marks what it could not decide) and "
        "`anchoring validate` checks it against the exports. Keys not listed here are refused.",
        "",
        "Canonical fields a source's `columns` can map: "
        + ", ".join(f"`{f}`" for f in METADATA_FIELDS)
        + ", and every item id `<measure>__<dimension>`.",
        "",
    ]
    for name, model in _SECTIONS:
        lines += _section(name, model)
    lines += ["## Example", "", "```yaml", example_yaml.rstrip("\n"), "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/round-yaml.md`` (or with ``--check`` report whether it is current)."""
    parser = argparse.ArgumentParser(prog="python -m anchoring.intake.round_config_doc")
    parser.add_argument("--root", type=Path, default=None, help="project root")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is not current")
    args = parser.parse_args(argv)
    path = (args.root or find_project_root()) / DOC_PATH
    text = render_round_yaml_reference()
    if args.check:
        current = path.exists() and path.read_text(encoding="utf-8") == text
        log.warning("%s: %s", path, "current" if current else "NOT current: regenerate it")
        return 0 if current else 1
    path.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

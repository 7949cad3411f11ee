"""Small, escaping HTML building blocks for the report's display objects.

Every piece of text that reaches the report passes through :func:`escape` (``html.escape`` with
quotes), so a barrier-theme name, an organisation or anything derived from survey data can never
inject markup or script. Display objects implement ``_repr_html_`` so the notebook shows them and
nbconvert keeps them as ``text/html`` outputs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_ID = re.compile(r"[^a-z0-9-]+")


def escape(text: object) -> str:
    """Escape text for HTML content and attribute values (``&<>"'``)."""
    return html.escape(str(text), quote=True)


def anchor_id(*parts: str) -> str:
    """A stable, safe element id from words.

    ``anchor_id("tiltak", "kritisk_info")`` gives ``tiltak-kritisk-info``.
    """
    return _ID.sub("-", "-".join(parts).lower()).strip("-")


def element(tag: str, content: str = "", **attributes: str) -> str:
    """An element with escaped attributes; ``content`` must already be HTML (escape text first).

    Attribute names ending in ``_`` lose it (``class_`` → ``class``); ``None`` values are left out.
    """
    attrs = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in attributes.items()
        if value is not None
    )
    return f"<{tag}{attrs}>{content}</{tag}>"


def table_region(table: str, label: str) -> str:
    """A table in its own sideways-scrolling region (``div.table-wrap``).

    A table wider than a phone scrolls inside this region, never the page; the region is
    keyboard-focusable (``tabindex="0"``, WCAG 2.1.1, axe-core's ``scrollable-region-focusable``)
    and named by ``label`` (the table's caption) for screen readers.

    Parameters
    ----------
    table
        The ``<table>`` and anything shown with it (its notes), already HTML.
    label
        Plain text; escaped here.
    """
    return element("div", table, class_="table-wrap", tabindex="0", role="region", aria_label=label)


@dataclass(frozen=True)
class HtmlBlock:
    """A piece of ready, escaped HTML that the notebook displays as it is."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<HtmlBlock: {len(self.html)} characters of HTML>"


def join_blocks(*blocks: object) -> HtmlBlock:
    """Concatenate display objects (anything with ``_repr_html_``) into one block."""
    return HtmlBlock("\n".join(b._repr_html_() for b in blocks if b is not None))  # type: ignore[attr-defined]

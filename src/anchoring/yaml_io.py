"""Reading YAML safely and fast (libyaml's C loader where PyYAML was built with it)."""

from __future__ import annotations

from typing import Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """Parse YAML text with the safe loader (no arbitrary Python objects)."""
    return yaml.load(text, Loader=_SAFE_LOADER)

"""anchoring: how well the health sector stands behind the measures of Digital samhandling steg 2.

Cleans survey exports, estimates anchoring with design-based uncertainty (equal to R's ``survey``
package), and renders reports. See ``docs/architecture.md`` for the layout.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("anchoring")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

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

__all__ = ["__version__", "load_round"]


def __getattr__(name: str) -> object:
    """``anchoring.load_round`` (:func:`anchoring.workbench.load_round`), imported on first use.

    The workbench imports pandas and the analysis; the command line and the pipeline should not
    pay for that when they only need ``anchoring.__version__``.
    """
    if name == "load_round":
        from anchoring.workbench import load_round

        return load_round
    raise AttributeError(f"module 'anchoring' has no attribute {name!r}")

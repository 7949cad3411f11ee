"""Logging for the command line: configured once, here; the package only logs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

_FORMAT = "%(message)s"
_FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _CurrentStderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever ``sys.stderr`` is at the time of each record.

    ``logging.StreamHandler(sys.stderr)`` keeps the stream it was given; when that stream is
    replaced and closed (a notebook kernel, a test's capture), later records would fail.
    """

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(verbose: bool = False) -> None:
    """Send the package's log to standard error: progress at INFO, details with ``verbose``."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = _CurrentStderrHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("anchoring").setLevel(logging.DEBUG if verbose else logging.INFO)


def add_log_file(path: Path) -> logging.Handler:
    """Also write the package's log to ``path`` (a run's ``run.log``); returns the handler."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FILE_FORMAT))
    handler.setLevel(logging.DEBUG)
    logging.getLogger("anchoring").addHandler(handler)
    return handler

"""Shared fixtures for the test suite."""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout (read-only for tests: they write into tmp_path)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_reference() -> Path | None:
    """The design card's reference folder (../shared/reference), or None where it is absent."""
    path = REPO_ROOT.parent / "shared" / "reference"
    return path if path.is_dir() else None

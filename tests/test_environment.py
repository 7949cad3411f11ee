"""The lock file, environment.yml and pyproject.toml name the same packages and versions."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: '{line}' is not pinned with =="
            pins[_normalise(name)] = version
    return pins


def _direct() -> set[str]:
    lines = (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines()
    return {_normalise(x.strip()) for x in lines if x.strip() and not x.startswith("#")}


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and dep not in ("pip",) and not dep.startswith("python="):
            name, _, version = dep.partition("=")
            pins[_normalise(name)] = version
    return pins


def test_every_direct_dependency_is_locked():
    assert _direct() <= set(_lock())


def test_environment_yml_lists_the_same_packages_at_the_locked_versions():
    conda, lock = _conda(), _lock()
    assert set(conda) == _direct()
    assert {n: v for n, v in conda.items() if lock[n] != v} == {}


def test_pyproject_dependencies_are_direct_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normalise(re.split(r"[<>=\[ ;]", d)[0]) for d in project["dependencies"]}
    declared |= {_normalise(d) for d in project["optional-dependencies"]["dev"]}
    assert declared == _direct()


def test_python_version_is_the_one_the_readme_promises():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    assert "python=3.11" in (ROOT / "environment.yml").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    first_screen = readme.split("---")[0]
    assert "make demo" in first_screen and "make test" in first_screen
    assert "make test" in ci
    assert "apt-get install" in ci and "chromium" in readme


def test_data_and_reports_are_ignored_by_git():
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8")
    for folder in ("data/raw/*", "data/processed/*", "reports/*"):
        assert folder in ignore

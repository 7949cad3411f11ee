"""A description of the machine and software the benchmarks ran on."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _blas() -> str:
    try:
        import numpy as np

        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # the description is informative only
        return "unknown"


def r_survey_version() -> str | None:
    """The version of R's survey package, or None when ``Rscript`` or the package is absent."""
    if shutil.which("Rscript") is None:
        return None
    command = [
        "Rscript",
        "-e",
        "cat(R.version$major, R.version$minor, as.character(packageVersion('survey')))",
    ]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    major, minor, survey = out.stdout.split()
    return f"R {major}.{minor}, survey {survey}"


def describe_machine() -> dict[str, str]:
    """CPU model, cores, memory, OS, Python and the versions of the libraries that matter."""
    memory = _memory_gib()
    r_version = r_survey_version()
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{memory:.1f} GiB" if memory else "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "numpy": _version("numpy"),
        "pandas": _version("pandas"),
        "pyarrow": _version("pyarrow"),
        "BLAS": _blas(),
        "svy": _version("svy"),
        "R": r_version or "absent (Rscript or the survey package not found)",
    }

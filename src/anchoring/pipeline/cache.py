"""The stage cache: a stage is skipped when its input fingerprint equals the last successful run's.

A stage's fingerprint is the SHA-256 of everything that can change its outputs:

- the round's inputs (:class:`RoundInputs`): every file under ``data/raw/<round>/`` (exports,
  ``round.yaml``), the instrument, the frames (packaged and round-supplied), the package's
  version and the digest of its source files, and the ``round.yaml`` and processed files of the
  earlier rounds (the previous round, its previous round, ...: change and history read them);
- the notebook template's bytes and the parameters injected into it (not ``root``, which is the
  run's staging folder);
- the outputs of the stage before it (under ``data/processed/``).

The recorded outputs of a skipped stage are reused only if they are still present with the
recorded SHA-256. Fingerprinting reads each file once and imports no heavy library, so a rerun
with nothing changed finishes in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from anchoring import __version__
from anchoring.intake.round_config import RoundConfig
from anchoring.paths import RoundPaths, package_root
from anchoring.pipeline.hashing import sha256_file, sha256_record, sha256_tree
from anchoring.pipeline.manifest import is_confined_path

_MAX_EARLIER = 20
_SOURCE_SUFFIXES = (".py", ".yaml", ".csv", ".j2", ".css", ".tpl", ".json", ".html")


@dataclass(frozen=True)
class RoundInputs:
    """SHA-256 of every input of a round, keyed by path relative to the root (or package).

    Attributes
    ----------
    raw
        Files under ``data/raw/<round>/``.
    instrument
        The instrument file.
    frames
        Frame files: the packaged ones and any the round supplies.
    previous
        ``round.yaml`` and the files under ``data/processed/`` of every earlier round
        (empty without a previous round).
    package
        ``version`` and ``source`` (digest of the package's source files).
    """

    raw: dict[str, str]
    instrument: dict[str, str]
    frames: dict[str, str]
    previous: dict[str, str] = field(default_factory=dict)
    package: dict[str, str] = field(default_factory=dict)

    def digest(self) -> str:
        """One SHA-256 over all inputs."""
        return sha256_record(self.as_record())

    def as_record(self) -> dict[str, dict[str, str]]:
        """Plain dict for the manifest."""
        return {
            "raw": self.raw,
            "instrument": self.instrument,
            "frames": self.frames,
            "previous_round": self.previous,
            "package": self.package,
        }


def frame_override_paths(paths: RoundPaths, config: RoundConfig) -> dict[str, Path]:
    """Round-supplied frame files (``frames:`` in ``round.yaml``), resolved inside the raw folder.

    Resolved by :meth:`anchoring.paths.RoundPaths.resolve_frames`, as ``validate`` and cleaning
    resolve them: a relative path is taken from ``data/raw/<round>/``; an absolute path, a ``..``
    escape or a symbolic link leaving the folder raises
    :class:`~anchoring.exceptions.InputFileError`.
    """
    return paths.resolve_frames(config.frames)


def check_configured_inputs(paths: RoundPaths, config: RoundConfig) -> None:
    """Refuse a round whose exports or frames resolve outside its raw folder, before a run.

    A run mirrors ``data/raw/<round>/`` into a staging root with hard links, which would turn a
    symbolic link to an outside file into a plain file; so the live folder is checked first, with
    the resolver every stage uses (:meth:`anchoring.paths.RoundPaths.resolve_input`).

    Raises
    ------
    InputFileError
        A configured path is absolute, climbs out with ``..`` or is a link leaving the folder.
    """
    for source in config.sources:
        paths.resolve_export(source.id, source.file)
    frame_override_paths(paths, config)


def earlier_rounds(paths: RoundPaths, config: RoundConfig) -> list[str]:
    """The previous round, its previous round, and so on (newest first, at most 20).

    Each earlier round's ``previous_round`` is read from its ``round.yaml``; the chain stops at a
    round without a configuration or at a repeated round.
    """
    chain: list[str] = []
    previous = config.previous_round
    while (
        previous
        and previous not in chain
        and previous != config.round_id
        and len(chain) < _MAX_EARLIER
    ):
        chain.append(previous)
        previous = _previous_round_of(paths.for_round(previous).config_file)
    return chain


def _previous_round_of(config_file: Path) -> str | None:
    try:
        raw = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    value = raw.get("previous_round") if isinstance(raw, dict) else None
    return str(value) if value else None


def collect_round_inputs(
    paths: RoundPaths, config: RoundConfig, earlier: list[str] | None = None
) -> RoundInputs:
    """Hash every input of a round (see the module docstring).

    Parameters
    ----------
    paths
        The round under the real root.
    config
        Its validated configuration (for the previous round and frame overrides).
    earlier
        :func:`earlier_rounds` of the round when the caller has it already (their
        ``round.yaml`` files are then not parsed again); computed when None.
    """
    check_configured_inputs(paths, config)
    package = package_root()
    instrument_file = package / "instrument" / "instrument.yaml"
    frames = {
        k: v
        for k, v in sha256_tree(package / "frames", package.parent).items()
        if not k.endswith(".py")
    }
    for group, path in sorted(frame_override_paths(paths, config).items()):
        if path.is_file():
            frames[f"round:{group}"] = sha256_file(path)
    previous = {}
    chain = earlier_rounds(paths, config) if earlier is None else earlier
    for round_id in chain:
        before = paths.for_round(round_id)
        if before.config_file.is_file():
            previous[before.config_file.relative_to(paths.root).as_posix()] = sha256_file(
                before.config_file
            )
        previous.update(sha256_tree(before.processed_dir, paths.root))
    return RoundInputs(
        raw=sha256_tree(paths.raw_dir, paths.root),
        instrument={"anchoring/instrument/instrument.yaml": sha256_file(instrument_file)},
        frames=frames,
        previous=previous,
        package={"version": __version__, "source": package_source_digest()},
    )


def package_source_digest() -> str:
    """SHA-256 over the package's source files (code, templates, packaged data)."""
    package = package_root()
    files = {k: v for k, v in sha256_tree(package, package).items() if k.endswith(_SOURCE_SUFFIXES)}
    return sha256_record(files)


def stage_fingerprint(
    inputs_digest: str,
    notebook_digest: str,
    parameters: list[dict],
    upstream_outputs: dict[str, str],
) -> str:
    """The fingerprint of one stage.

    Parameters
    ----------
    inputs_digest
        :meth:`RoundInputs.digest` of the round.
    notebook_digest
        SHA-256 of the stage's notebook template.
    parameters
        The parameters of each of the stage's executions (without ``root``).
    upstream_outputs
        SHA-256 of the processed outputs of the stage before (empty for the first stage).
    """
    return sha256_record(
        {
            "inputs": inputs_digest,
            "notebook": notebook_digest,
            "parameters": parameters,
            "upstream": upstream_outputs,
        }
    )


def reusable_outputs(recorded: dict | None, fingerprint: str, root: Path) -> dict[str, str] | None:
    """The recorded outputs of a stage if the stage can be skipped, else ``None``.

    Parameters
    ----------
    recorded
        The stage's entry in the last successful run's manifest (``fingerprint``, ``outputs``).
    fingerprint
        The stage's fingerprint now.
    root
        The real root; every recorded output must still be there with its recorded SHA-256,
        as a file under the root (a path leaving the root, or a link to outside, is never
        reused: the manifest is untrusted, see :func:`~anchoring.pipeline.manifest.read_manifest`).
    """
    if not recorded or recorded.get("fingerprint") != fingerprint:
        return None
    outputs = recorded.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return None
    inside = root.resolve()
    for relative, digest in outputs.items():
        if not is_confined_path(relative):
            return None
        path = root / relative
        if not path.resolve().is_relative_to(inside) or not path.is_file():
            return None
        if sha256_file(path) != digest:
            return None
    return dict(outputs)

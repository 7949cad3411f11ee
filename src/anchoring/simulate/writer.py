"""Write a simulated round's files into a folder, and compare two such folders byte by byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from anchoring.round_config import RoundConfig, Texts, write_round_config
from anchoring.simulate import exports
from anchoring.simulate.assembly import GP_FRAME_FILE, SimulatedRound
from anchoring.simulate.excel_export import write_excel_export
from anchoring.simulate.streams import derive_rng
from anchoring.simulate.truth import build_truth, dumps_truth


def write_round_files(sim: SimulatedRound, folder: Path) -> list[Path]:
    """Write the exports, the GP frame override (if any), ``round.yaml`` and ``truth.json``.

    Returns
    -------
    list[pathlib.Path]
        The files written, in writing order.
    """
    spec, instrument = sim.spec, sim.instrument
    export_time = dt.datetime.combine(sim.fieldwork[1] + dt.timedelta(days=3), dt.time(8, 0))
    tables = {s.source_id: s.table for s in sim.sources}
    files = {s.source_id: folder / s.file for s in sim.sources}
    hospitals = sim.populations["hospital"].units
    org_names = dict(zip(hospitals["org_id"], hospitals["org_name"], strict=True))
    sources = [
        exports.write_nettskjema_csv(
            tables["kommuner"], instrument, files["kommuner"], derive_rng(spec.seed, "ids:kommuner")
        ),
        write_excel_export(
            tables["helseforetak"],
            instrument,
            files["helseforetak"],
            derive_rng(spec.seed, "labels:helseforetak"),
            org_names,
            export_time,
        ),
        exports.write_spss_export(
            tables["fastleger"],
            instrument,
            files["fastleger"],
            derive_rng(spec.seed, "ids:fastleger"),
            export_time,
        ),
    ]
    written = list(files.values())
    frames = {}
    if sim.gp_frame is not None:
        exports.write_gp_frame(sim.gp_frame, folder / GP_FRAME_FILE)
        frames["gp"] = GP_FRAME_FILE
        written.append(folder / GP_FRAME_FILE)
    year = sim.fieldwork[0].year
    config = RoundConfig(
        round_id=spec.round_id,
        title=Texts(
            nb=f"Forankringsundersøkelsen {year} – simulert runde {spec.round_id}",
            en=f"Anchoring survey {year} – simulated round {spec.round_id}",
        ),
        fieldwork={"start": sim.fieldwork[0], "end": sim.fieldwork[1]},
        previous_round=spec.previous_round,
        frames=frames,
        sources=sources,
    )
    config_path = folder / "round.yaml"
    write_round_config(config, config_path)
    truth_path = folder / "truth.json"
    truth_path.write_text(dumps_truth(build_truth(sim)), encoding="utf-8", newline="\n")
    return [*written, config_path, truth_path]


def compare_folders(new: Path, old: Path) -> list[str]:
    """Differences between two round folders: missing, extra or differing files (empty: same)."""
    new_files = {p.name for p in new.iterdir()}
    old_files = {p.name for p in old.iterdir()}
    problems = [f"{name} would be added" for name in sorted(new_files - old_files)]
    problems += [f"{name} is not part of the simulation" for name in sorted(old_files - new_files)]
    for name in sorted(new_files & old_files):
        a, b = new / name, old / name
        if not (a.is_file() and b.is_file()) or a.read_bytes() != b.read_bytes():
            problems.append(f"{name} differs")
    return problems

"""Write a simulated round's files into a folder, and compare two such folders byte by byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from anchoring.intake.round_config import RoundConfig, Source, Texts, write_round_config
from anchoring.simulate import exports
from anchoring.simulate.assembly import GP_FRAME_FILE, SimulatedRound, SimulatedSource
from anchoring.simulate.excel_export import write_excel_export
from anchoring.simulate.forms_export import write_forms_xlsx
from anchoring.simulate.nettskjema_text import write_nettskjema_text
from anchoring.simulate.qualtrics_export import write_qualtrics_csv
from anchoring.simulate.streams import derive_rng
from anchoring.simulate.truth import build_truth, dumps_truth


def write_round_files(sim: SimulatedRound, folder: Path) -> list[Path]:
    """Write the exports, the GP frame override (if any), ``round.yaml`` and ``truth.json``.

    Returns
    -------
    list[pathlib.Path]
        The files written, in writing order.
    """
    spec = sim.spec
    export_time = dt.datetime.combine(sim.fieldwork[1] + dt.timedelta(days=3), dt.time(8, 0))
    files = {s.source_id: folder / s.file for s in sim.sources}
    sources = [_write_export(sim, s, files[s.source_id], export_time) for s in sim.sources]
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


def _write_export(
    sim: SimulatedRound, source: SimulatedSource, path: Path, export_time: dt.datetime
) -> Source:
    """Write one source's export in its format; its streams are named after the source."""
    seed, instrument, sid = sim.spec.seed, sim.instrument, source.source_id
    fmt, table = source.format, source.table
    if fmt == "nettskjema":
        return exports.write_nettskjema_csv(table, instrument, path, derive_rng(seed, f"ids:{sid}"))
    if fmt == "excel":
        hospitals = sim.populations["hospital"].units
        org_names = dict(zip(hospitals["org_id"], hospitals["org_name"], strict=True))
        rng = derive_rng(seed, f"labels:{sid}")
        return write_excel_export(table, instrument, path, rng, org_names, export_time)
    if fmt == "spss":
        rng = derive_rng(seed, f"ids:{sid}")
        return exports.write_spss_export(table, instrument, path, rng, export_time)
    rng = derive_rng(seed, f"export:{sid}")
    if fmt == "forms":
        return write_forms_xlsx(source, instrument, path, rng, export_time)
    writer = write_qualtrics_csv if fmt == "qualtrics" else write_nettskjema_text
    return writer(source, instrument, path, rng)


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

"""Write the input of ``tests/r/reference_change_raking.R``: two rounds that share organisations.

Run from the repository root with the project's Python::

    .venv/bin/python tests/r/make_change_raking_data.py
    Rscript tests/r/reference_change_raking.R

It simulates the demo pair (``anchoring.simulate.simulate_demo_rounds``: ``demo-previous`` and
``demo``, one population, most municipalities and every trust answering in both) in a temporary
folder, cleans both with ``anchoring.cleaning.clean_round`` and keeps, to stay small, whole
strata only (so every kept row's design weight and fpc stay those of its round):

- municipalities of counties 03 (Oslo: one municipality, a census stratum and, in the stacked
  design, a lonely PSU), 31, 39 (one responding municipality per round, a different one each
  time) and 56;
- every hospital trust (the four RHF strata);
- GPs of counties 39, 40 and 56.

Two files, read by both the R script and ``tests/test_change_raking_reference.py``:

``tests/data/change_raking_responses.csv``
    ``round`` (the previous round first), the design columns and the raw item codes of the
    measures ``pll`` and ``dho`` (1–5, 8 «Vet ikke», 9 «Ikke relevant», empty = unanswered).
    Respondent keys are the simulated exports' row keys: no personal data, no free text.
``tests/data/change_raking_frame.csv``
    The municipality frame of those four counties (the packaged ``kommuner-2024.csv`` rows) with
    an extra column ``size_class`` for raking. The simulated frame has no population figures, so
    the class is illustrative: the municipalities in order of ``kommunenummer`` take
    ``small``, ``medium``, ``large`` in turn.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pandas as pd

from anchoring.cleaning import clean_round
from anchoring.frames import load_frames
from anchoring.instrument import load_instrument
from anchoring.paths import RoundPaths
from anchoring.simulate import simulate_demo_rounds

logger = logging.getLogger(__name__)

MEASURES = ("pll", "dho")
MUNICIPALITY_COUNTIES = ("03", "31", "39", "56")
GP_COUNTIES = ("39", "40", "56")
SIZE_CLASSES = ("small", "medium", "large")
DESIGN_COLUMNS = ["respondent_key", "group", "org_id", "stratum", "fpc", "weight"]
DATA = Path(__file__).resolve().parents[1] / "data"
RESPONSES_FILE = DATA / "change_raking_responses.csv"
FRAME_FILE = DATA / "change_raking_frame.csv"


def kept_strata() -> set[str]:
    """The group-qualified strata kept (module docstring)."""
    municipality = {f"municipality:{c}" for c in MUNICIPALITY_COUNTIES}
    gp = {f"gp:{c}" for c in GP_COUNTIES}
    hospital = {f"hospital:{r}" for r in ("HMN", "HN", "HSO", "HV")}
    return municipality | gp | hospital


def municipality_frame() -> pd.DataFrame:
    """The packaged municipality frame of the kept counties, with the illustrative size class."""
    frame = pd.read_csv(load_frames()["municipality"].path, dtype="str")
    frame = frame[frame["fylkesnummer"].isin(MUNICIPALITY_COUNTIES)]
    frame = frame.sort_values("kommunenummer").reset_index(drop=True)
    frame["size_class"] = [SIZE_CLASSES[k % len(SIZE_CLASSES)] for k in range(len(frame))]
    return frame


def main() -> None:
    """Simulate and clean the demo pair, keep the chosen strata and write both files."""
    instrument = load_instrument()
    items = [i for m in MEASURES for i in instrument.item_ids(m)]
    tables = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for round_id in simulate_demo_rounds(root):  # previous round first
            clean_round(root, round_id)
            responses = pd.read_parquet(RoundPaths(root, round_id).responses_file)
            kept = responses[responses["stratum"].isin(kept_strata())]
            tables.append(kept.loc[:, DESIGN_COLUMNS + items].assign(round=round_id))
    table = pd.concat(tables, ignore_index=True)
    table = table.loc[:, ["round", *DESIGN_COLUMNS, *items]]
    table.to_csv(RESPONSES_FILE, index=False, lineterminator="\n")
    municipality_frame().to_csv(FRAME_FILE, index=False, lineterminator="\n")
    logger.info("wrote %d rows to %s and the frame to %s", len(table), RESPONSES_FILE, FRAME_FILE)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()

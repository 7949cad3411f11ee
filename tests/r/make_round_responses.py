"""Write ``tests/data/round_responses.csv``: a small simulated and cleaned round for the R check.

Run from the repository root with the project's Python::

    .venv/bin/python tests/r/make_round_responses.py
    Rscript tests/r/reference_round.R

It simulates round ``reference`` (seed 20261, scale 0.3) in a temporary folder, cleans it with
``anchoring.cleaning.clean_round`` and keeps the design columns and the raw item codes of
``responses.parquet`` (1–5, 8 «Vet ikke», 9 «Ikke relevant», empty = unanswered). No free text and
no personal data: respondent keys are the simulated sources' row keys. Both the R script and
``tests/test_analysis.py`` read this CSV, so Python and R see the same bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from anchoring.cleaning import clean_round
from anchoring.instrument import load_instrument
from anchoring.paths import RoundPaths
from anchoring.simulate import simulate_round

ROUND_ID = "reference"
SEED = 20261
SCALE = 0.3
DESIGN_COLUMNS = ["respondent_key", "group", "org_id", "stratum", "fpc", "weight"]
TARGET = Path(__file__).resolve().parents[1] / "data" / "round_responses.csv"


def main() -> None:
    """Simulate, clean and export the reference round."""
    items = load_instrument().item_ids()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        simulate_round(root, ROUND_ID, SEED, scale=SCALE)
        clean_round(root, ROUND_ID)
        responses = pd.read_parquet(RoundPaths(root, ROUND_ID).responses_file)
    table = responses.loc[:, DESIGN_COLUMNS + items]
    table.to_csv(TARGET, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()

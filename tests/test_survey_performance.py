"""Speed guard for anchoring.survey.SurveyDesign on a million rows.

Not a benchmark: it only fails if a change makes domain estimation non-vectorised (a Python loop
over rows or PSUs). On the development machine construction takes ~0.35 s and
``mean(by="group")`` ~0.2 s (first call, domain coding included) for 10^6 rows.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from anchoring.survey import SurveyDesign

ROWS = 1_000_000


def _round(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(20240611)
    group = rng.choice(np.array(["municipality", "hospital", "gp"]), rows)
    stratum = np.char.add(np.char.add(group, ":"), rng.integers(0, 15, rows).astype(str))
    # GPs are their own PSU; municipalities and trusts have ~30 PSUs per stratum.
    psu = np.where(
        group == "gp", np.arange(rows).astype(str), rng.integers(0, 30, rows).astype(str)
    )
    data = pd.DataFrame(
        {
            "group": group,
            "stratum": stratum,
            "psu": psu,
            "weight": rng.uniform(0.5, 5.0, rows),
            "index": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(50, 20, rows)),
        }
    )
    data["fpc"] = data["stratum"].map(data.groupby("stratum")["psu"].nunique() * 3)
    return data


@pytest.mark.slow
def test_million_rows_in_seconds() -> None:
    data = _round(ROWS)
    start = time.perf_counter()
    design = SurveyDesign(data, weights="weight", psu="psu", strata="stratum", fpc="fpc")
    table = design.mean("index", by="group")
    elapsed = time.perf_counter() - start
    assert len(table) == 3
    assert table["n"].sum() == data["index"].notna().sum()
    assert elapsed < 10, f"construction + mean(by='group') on {ROWS} rows took {elapsed:.1f} s"

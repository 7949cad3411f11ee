"""End to end: a round with ``estimation.weighting: raked`` is cleaned, analysed and published.

Two copies of one simulated round (same seed, same answers) are cleaned with
``anchoring.cleaning.clean_round`` and analysed with ``anchoring.analysis.analyse_round``: one
with design weights, one raked to the frame's municipalities by county and by a size class
carried in a round-supplied frame file. The raked round must publish other municipality
estimates (and the trusts' and GPs' unchanged: they are not raked). A round asking for raking
without margins is refused with one message naming what is missing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from anchoring.analysis import analyse_round
from anchoring.cleaning import clean_round
from anchoring.exceptions import AnchoringError
from anchoring.frames import load_frames
from anchoring.paths import RoundPaths
from anchoring.simulate import simulate_round

SEED = 4711
SCALE = 0.3
FRAME_NAME = "kommuner-size.csv"
SIZE_CLASSES = ("small", "medium", "large")


def _write_size_frame(target: Path) -> None:
    """The packaged municipality frame with an extra column ``size_class`` (illustrative)."""
    frame = pd.read_csv(load_frames()["municipality"].path, dtype="str")
    frame = frame.sort_values("kommunenummer").reset_index(drop=True)
    frame["size_class"] = [SIZE_CLASSES[k % len(SIZE_CLASSES)] for k in range(len(frame))]
    frame.to_csv(target, index=False, lineterminator="\n")


def _ask_for_raking(root: Path, round_id: str, margins: bool) -> None:
    """Edit the simulated round.yaml as an analyst would: raked weights (and the margins)."""
    paths = RoundPaths(root, round_id)
    text = paths.config_file.read_text(encoding="utf-8")
    assert "  weighting: design\n" in text and "frames: {}\n" in text
    wanted = "  weighting: raked\n"
    if margins:
        wanted += "  margins:\n    municipality: [fylkesnummer, size_class]\n"
        text = text.replace("frames: {}\n", f"frames:\n  municipality: {FRAME_NAME}\n")
        _write_size_frame(paths.raw_dir / FRAME_NAME)
    paths.config_file.write_text(text.replace("  weighting: design\n", wanted), encoding="utf-8")


def _index_means(estimates: pd.DataFrame) -> pd.DataFrame:
    rows = estimates[
        (estimates["breakdown"] == "")
        & (estimates["dimension"] == "index")
        & (estimates["statistic"] == "mean")
    ]
    return rows.set_index(["measure", "group"]).loc[:, ["estimate", "se"]].sort_index()


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> dict[str, pd.DataFrame]:
    root = tmp_path_factory.mktemp("raking")
    results = {}
    for round_id in ("design", "raked"):
        simulate_round(root, round_id, SEED, scale=SCALE)
        if round_id == "raked":
            _ask_for_raking(root, round_id, margins=True)
        clean_round(root, round_id)
        results[round_id] = _index_means(analyse_round(root, round_id).estimates)
    return results


def test_raked_round_publishes_other_municipality_estimates(analysed):
    design, raked = analysed["design"], analysed["raked"]
    assert design.index.equals(raked.index)
    municipality = raked.index.get_level_values("group") == "municipality"
    moved = (raked["estimate"] - design["estimate"]).abs()
    assert (moved[municipality] > 1e-6).all(), "raking left the municipalities' estimates"
    assert (raked["se"][municipality] != design["se"][municipality]).all()


def test_groups_without_margins_keep_their_estimates(analysed):
    design, raked = analysed["design"], analysed["raked"]
    for group in ("hospital", "gp"):
        rows = design.index.get_level_values("group") == group
        pd.testing.assert_series_equal(
            raked["estimate"][rows], design["estimate"][rows], rtol=1e-9, atol=1e-9
        )


def test_raking_without_margins_is_refused_with_one_message(tmp_path):
    simulate_round(tmp_path, "unraked", SEED, scale=0.05)
    _ask_for_raking(tmp_path, "unraked", margins=False)
    with pytest.raises(AnchoringError) as refused:
        clean_round(tmp_path, "unraked")
    message = str(refused.value)
    assert "weighting 'raked' needs margins" in message
    assert "estimation.margins" in message
    assert "round.yaml" in message
    assert "\n" not in message.strip()

"""Coverage of the published 95 % intervals over many simulated rounds: ``docs/coverage.md``.

Usage (from the checkout; about 10 s per seed)::

    .venv/bin/python tests/coverage_study.py                 # seeds 101-142, writes the doc
    .venv/bin/python tests/coverage_study.py --seeds 101 110 # a shorter run, doc not written

The recovery test (``tests/test_analysis.py``, six seeds, part of ``make test``) checks that the
intervals cover the simulated truth (``truth.json``) at about the nominal rate. Six rounds are few
for a rate per group: the intervals of one round share its respondents, so they miss together.
This study repeats the same check, with the same code (:func:`test_analysis._recovery_rows`),
over 42 consecutive seeds that include the test's six, and writes the coverage per group and
statistic with its Monte-Carlo standard error computed from the per-seed rates (the seeds are
independent; the intervals within a seed are not). Issue 15 asks for 93-97 % per group.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from anchoring.analysis import analyse_round
from anchoring.cleaning import clean_round
from anchoring.paths import RoundPaths
from anchoring.simulate import simulate_round
from test_analysis import _recovery_rows

logger = logging.getLogger("coverage_study")
DOC = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
FIRST_SEED, LAST_SEED = 101, 142


def recovery_rows(seeds: range) -> pd.DataFrame:
    """One row per published interval with its truth, per simulated round (default design)."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for seed in seeds:
            round_id = f"coverage-{seed}"
            simulate_round(root, round_id, seed)
            clean_round(root, round_id)
            truth = json.loads(RoundPaths(root, round_id).truth_file.read_text("utf-8"))["truth"]
            rows += _recovery_rows(analyse_round(root, round_id).estimates, truth, seed=seed)
            logger.info("seed %d done", seed)
    table = pd.DataFrame(rows)
    table["covered"] = (table["ci_low"] <= table["truth"]) & (table["truth"] <= table["ci_high"])
    return table


def coverage_table(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Coverage per ``by``, with the standard error from the spread of the per-seed rates."""
    per_seed = rows.groupby([*by, "seed"])["covered"].mean()
    grouped = per_seed.groupby(level=by)
    return pd.DataFrame(
        {
            "intervals": rows.groupby(by)["covered"].size(),
            "coverage": rows.groupby(by)["covered"].mean(),
            "mc_se": grouped.std(ddof=1) / np.sqrt(grouped.size()),
        }
    )


def _markdown(table: pd.DataFrame) -> str:
    keys = list(table.index.names)
    lines = [
        "| " + " | ".join([*keys, "intervals", "coverage", "Monte-Carlo SE"]) + " |",
        "|" + "---|" * (len(keys) + 3),
    ]
    for key, row in table.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        lines.append(
            f"| {' | '.join(map(str, key))} | {int(row['intervals'])} "
            f"| {row['coverage']:.1%} | {row['mc_se']:.1%} |"
        )
    return "\n".join(lines)


def write_doc(rows: pd.DataFrame, seeds: range) -> None:
    """Write ``docs/coverage.md`` from the study's rows (every figure computed here)."""
    pooled = rows["covered"].mean()
    text = f"""# Coverage of the published intervals

Written by `tests/coverage_study.py` (`make coverage-study`); do not edit by hand.

{len(seeds)} simulated rounds (seeds {seeds.start}–{seeds.stop - 1}, `anchoring simulate`'s
default round, the default two-stage design), each cleaned and analysed by the pipeline's own
code. Every published interval that has a true value in the round's `truth.json` counts: the
index (t on the domain's degrees of freedom), the agree and «Vet ikke» shares (Korn–Graubard) and
the mean items, for the three groups and the sector. The Monte-Carlo standard error comes from
the spread of the per-seed rates, because the intervals of one round share its respondents.

All intervals together: {pooled:.1%} of {len(rows)} cover the truth.

## By group

{_markdown(coverage_table(rows, ["group"]))}

## By group and statistic

{_markdown(coverage_table(rows, ["group", "statistic"]))}
"""
    DOC.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs=2, type=int, metavar=("FIRST", "LAST"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    first, last = args.seeds or (FIRST_SEED, LAST_SEED)
    seeds = range(first, last + 1)
    rows = recovery_rows(seeds)
    by_group = coverage_table(rows, ["group"])
    logger.info("coverage by group:\n%s", by_group.to_string())
    if args.seeds is None:
        write_doc(rows, seeds)
        logger.info("wrote %s", DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Planted problems: duplicates, test and incomplete submissions, speeders, straight-liners, PII.

Each problem is planted at a known rate (:data:`anchoring.simulate.settings.DIRT_RATES`, at least
one per source) into rows that carry no other planted problem, so that each planted row has
exactly one reason to be dropped or flagged:

* **duplicate**: a genuine submission sent again with identical answers (organisation, role,
  items, free text, checkboxes) and a later submission time; the cleaning keeps the later copy
  and drops the earlier row;
* **test**: a submission before the first fieldwork day (random answers, free text «Test»);
* **incomplete**: an abandoned submission with fewer than half of all items answered (the first
  few items in questionnaire order), short answer time, no free text;
* **speeder**: a genuine respondent whose answer time is 0.04–0.15 × the median (kept, flagged);
* **straight-liner**: a genuine respondent with one measure block answered with a single code
  1–5 on every item, the reverse-keyed one included (kept, flagged; these answers are not from
  the model, see ``truth.json`` ``definitions``);
* **PII and must-keep text**: see :mod:`anchoring.simulate.free_text`; a source with fewer
  genuine rows than problems to plant (a small ``scale``, a hidden group) gets the first kinds
  only, as many as it has rows left (the default round has room for all).

Genuine answer times are clipped to at least 0.45 × the median, so no genuine row is a speeder by
accident; genuine rows always keep at least half of all items substantive, so none is incomplete.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from anchoring.exceptions import AnchoringError
from anchoring.simulate import free_text, settings
from anchoring.simulate.respondents import BLANK, local_day_start

DROP_REASONS = ("duplicate", "test", "incomplete")
"""Reasons for which the cleaning must drop a planted row."""


@dataclass
class Planted:
    """What was planted in one source, by internal sequence number (rows are assigned later)."""

    drops: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    pii: list[dict] = field(default_factory=list)
    keep: list[dict] = field(default_factory=list)


def _count(rate: float, n: int) -> int:
    return max(1, round(rate * n))


def plant_dirt(
    table: pd.DataFrame,
    item_ids: list[str],
    measure_items: dict[str, list[str]],
    rng: np.random.Generator,
    fieldwork: tuple[dt.date, dt.date],
    scale: float,
    municipality_ids: list[str],
) -> tuple[pd.DataFrame, Planted]:
    """Plant every problem into one source's genuine rows.

    Parameters
    ----------
    table
        Genuine rows with columns ``seq``, ``kind``, ``org_id``, ``role``, ``submitted_s``,
        ``answer_time_ms``, ``barriers``, the item ids (int8 codes, 0 unanswered) and any
        source-specific columns (copied as they are into duplicates).
    item_ids, measure_items
        Items in questionnaire order, and per measure its items.
    rng
        The source's dirt stream.
    fieldwork
        First and last fieldwork day.
    scale
        The round's scale: the number of planted strings per kind and source.
    municipality_ids
        Municipality numbers for must-keep text.

    Returns
    -------
    (pandas.DataFrame, Planted)
        All rows (genuine and planted, unsorted) and the planted cases by ``seq``.
    """
    planted = Planted()
    n = len(table)
    per_kind = max(1, round(scale))
    counts = {k: _count(r, n) for k, r in settings.DIRT_RATES.items()}
    n_text = per_kind * (len(free_text.PII_KINDS) + len(free_text.KEEP_KINDS))
    flagged = counts["duplicate"] + counts["speeder"] + counts["straightliner"]
    if flagged + n_text > n:  # a small source (small scale, few organisations): fewer texts
        n_text = n - flagged
    if n_text < 1:
        raise AnchoringError(
            f"simulate: a source has only {n} genuine rows, too few to plant one duplicate, "
            "speeder, straight-liner and text each; use a larger --scale or more organisations."
        )
    order = rng.permutation(n)
    cuts = np.cumsum([counts["duplicate"], counts["speeder"], counts["straightliner"], n_text])
    originals, speeders, liners, texts = np.split(order[: cuts[-1]], cuts[:-1])
    table = table.copy()
    _plant_speeders(table, np.sort(speeders), rng, planted)
    _plant_straightliners(table, np.sort(liners), measure_items, rng, planted)
    _plant_text(table, np.sort(texts), per_kind, rng, municipality_ids, planted)
    next_seq = int(table["seq"].max()) + 1
    extra = [
        _duplicates(table, np.sort(originals), rng, fieldwork, next_seq, planted),
        _tests(table, item_ids, counts["test"], rng, fieldwork, next_seq + n, planted),
        _incompletes(table, item_ids, counts["incomplete"], rng, next_seq + 2 * n, planted),
    ]
    return pd.concat([table, *extra], ignore_index=True), planted


def _plant_speeders(table: pd.DataFrame, rows: np.ndarray, rng, planted: Planted) -> None:
    low, high = settings.SPEEDER_TIME_RANGE
    ms = np.rint(rng.uniform(low, high, len(rows)) * settings.ANSWER_TIME_MEDIAN_S * 1000)
    table.loc[rows, "answer_time_ms"] = ms.astype(np.int64)
    planted.flags += [{"seq": int(table.at[r, "seq"]), "flag": "speeder"} for r in rows]


def _plant_straightliners(
    table: pd.DataFrame, rows: np.ndarray, measure_items: dict[str, list[str]], rng, planted
) -> None:
    measures = list(measure_items)
    chosen = rng.integers(len(measures), size=len(rows))
    codes = rng.choice([1, 2, 3, 4, 5], size=len(rows), p=[0.08, 0.12, 0.35, 0.25, 0.20])
    for k, measure in enumerate(measures):
        items = measure_items[measure]
        block = table[items].to_numpy(copy=True)
        block[rows[chosen == k]] = codes[chosen == k][:, None]
        table[items] = block
    seqs = table["seq"].to_numpy()[rows]
    planted.flags += [
        {"seq": int(q), "flag": "straightliner", "measure": measures[c], "code": int(code)}
        for q, c, code in zip(seqs, chosen, codes, strict=True)
    ]


def _plant_text(
    table: pd.DataFrame, rows: np.ndarray, per_kind: int, rng, municipality_ids, planted
) -> None:
    kinds = [("pii", k) for k in free_text.PII_KINDS] + [("keep", k) for k in free_text.KEEP_KINDS]
    jobs = [job for job in kinds for _ in range(per_kind)][: len(rows)]
    barriers = table["barriers"].tolist()
    themes = table["themes"].tolist()
    seqs = table["seq"].to_numpy()
    for r, (family, kind) in zip(rows, jobs, strict=True):
        if family == "pii":
            item = free_text.plant_pii(kind, rng)
            barriers[r] = free_text.embed_pii(item, barriers[r])
            if kind == "formula":  # the formula is the whole cell: no theme left
                themes[r] = ()
            record = {"seq": int(seqs[r]), "kind": kind, "text": item.text}
            if item.digits:
                record["digits"] = item.digits
            planted.pii.append(record)
        else:
            item = free_text.plant_keep(kind, rng, municipality_ids)
            barriers[r] = free_text.embed_keep(item, barriers[r])
            planted.keep.append({"seq": int(seqs[r]), "kind": kind, "text": item.text})
    table["barriers"] = barriers
    table["themes"] = pd.Series(themes, index=table.index, dtype=object)


def _duplicates(table, rows, rng, fieldwork, first_seq, planted) -> pd.DataFrame:
    copies = table.loc[rows].copy()
    end = int(local_day_start([fieldwork[1]])[0]) + 23 * 3600
    delay = rng.integers(60, 2 * 86400, len(rows))
    later = np.minimum(copies["submitted_s"].to_numpy() + delay, end)
    later = np.maximum(later, copies["submitted_s"].to_numpy() + 30)
    copies["submitted_s"] = later.astype(np.int64)
    copies["answer_time_ms"] = _resample_genuine_times(len(rows), rng)
    copies["seq"] = np.arange(first_seq, first_seq + len(rows))
    copies["kind"] = "resubmission"  # the later copy, kept; its original is dropped
    copies["origin_seq"] = table.loc[rows, "seq"].to_numpy()
    for original, copy in zip(copies["origin_seq"], copies["seq"], strict=True):
        planted.drops.append({"seq": int(original), "reason": "duplicate", "kept_seq": int(copy)})
    return copies


def _resample_genuine_times(n: int, rng) -> np.ndarray:
    median = settings.ANSWER_TIME_MEDIAN_S
    low, high = settings.ANSWER_TIME_CLIP
    seconds = np.clip(
        median * np.exp(rng.normal(0, settings.ANSWER_TIME_SDLOG, n)), low * median, high * median
    )
    return np.rint(seconds * 1000).astype(np.int64)


def _template_rows(table: pd.DataFrame, n: int, rng, first_seq: int, kind: str) -> pd.DataFrame:
    rows = table.loc[rng.integers(0, len(table), n)].copy()
    rows["seq"] = np.arange(first_seq, first_seq + n)
    rows["kind"] = kind
    rows["origin_seq"] = -1
    return rows.reset_index(drop=True)


def _tests(table, item_ids, n, rng, fieldwork, first_seq, planted) -> pd.DataFrame:
    rows = _template_rows(table, n, rng, first_seq, "test")
    days_before = rng.integers(1, 6, n)
    midnight = local_day_start([fieldwork[0] - dt.timedelta(days=int(d)) for d in days_before])
    rows["submitted_s"] = midnight + rng.integers(8 * 3600, 16 * 3600, n)
    rows["answer_time_ms"] = _resample_genuine_times(n, rng)
    rows[item_ids] = rng.integers(1, 6, (n, len(item_ids))).astype(np.int8)
    rows["barriers"] = [str(t) for t in rng.choice(["Test", "test", "Testinnsending"], n)]
    rows["themes"] = pd.Series([()] * n, index=rows.index, dtype=object)
    planted.drops += [{"seq": int(s), "reason": "test"} for s in rows["seq"]]
    return rows


def _incompletes(table, item_ids, n, rng, first_seq, planted) -> pd.DataFrame:
    rows = _template_rows(table, n, rng, first_seq, "incomplete")
    most = math.ceil(len(item_ids) / 2) - 1
    answered = rng.integers(2, max(3, most - 1), n)
    codes = rng.choice(np.array([1, 2, 3, 4, 5, 8], dtype=np.int8), size=(n, len(item_ids)))
    codes[np.arange(len(item_ids))[None, :] >= answered[:, None]] = BLANK
    rows[item_ids] = codes
    low, high = settings.INCOMPLETE_TIME_RANGE
    rows["answer_time_ms"] = np.rint(
        rng.uniform(low, high, n) * settings.ANSWER_TIME_MEDIAN_S * 1000
    ).astype(np.int64)
    rows["barriers"] = ""
    rows["themes"] = pd.Series([()] * n, index=rows.index, dtype=object)
    planted.drops += [{"seq": int(s), "reason": "incomplete"} for s in rows["seq"]]
    return rows

"""What was planted in a simulated round, by source and raw data row, for ``truth.json``.

Rows are 1-based data rows of the export (header and title rows excluded) in file order. Keys:
``expected_exclusions`` (rows the cleaning must drop, with the reason), ``flags`` (kept rows that
are speeders or straight-liners, planted or by chance), ``pii`` and ``must_keep`` (planted
strings) and ``barrier_themes`` (the themes each non-empty comment was written from).
"""

from __future__ import annotations

from typing import Any

from anchoring.simulate.assembly import SimulatedRound, SimulatedSource


def summarise_source(source: SimulatedSource) -> dict[str, Any]:
    """Row counts of one source: all rows, genuine respondents, rows to keep, rows by kind."""
    kinds = source.table["kind"].value_counts()
    return {
        "group": source.group,
        "file": source.file,
        "rows_n": len(source.table),
        "genuine_n": int(kinds.get("genuine", 0)),
        "kept_n": len(source.table) - len(source.planted.drops),
        "rows_by_kind": {str(k): int(v) for k, v in sorted(kinds.items())},
    }


def planted_by_row(sim: SimulatedRound) -> dict[str, Any]:
    """The planted cases by source and 1-based data row (the ``truth.json`` keys)."""
    exclusions, flags, pii, keep, themes = [], [], [], [], {}
    measure_items = {m: sim.instrument.item_ids(m) for m in sim.instrument.measure_ids}
    for source in sim.sources:
        table = source.table
        row_of = dict(zip(table["seq"], table["row"], strict=True))
        sid = source.source_id
        for drop in source.planted.drops:
            record = {"source": sid, "row": int(row_of[drop["seq"]]), "reason": drop["reason"]}
            if "kept_seq" in drop:
                record["kept_row"] = int(row_of[drop["kept_seq"]])
            exclusions.append(record)
        planted_liners = set()
        for flag in source.planted.flags:
            record = {"source": sid, "row": int(row_of[flag["seq"]]), **flag, "planted": True}
            del record["seq"]
            flags.append(record)
            if flag["flag"] == "straightliner":
                planted_liners.add((record["row"], flag["measure"]))
        flags += _chance_straightliners(source, measure_items, planted_liners)
        for family, target in ((source.planted.pii, pii), (source.planted.keep, keep)):
            for item in family:
                record = {"source": sid, "row": int(row_of[item["seq"]]), **item}
                del record["seq"]
                target.append(record)
        has_text = table["barriers"].astype(str) != ""
        themes[sid] = {
            str(int(r)): list(t)
            for r, t in zip(table.loc[has_text, "row"], table.loc[has_text, "themes"], strict=True)
        }
    order = ("source", "row")
    return {
        "expected_exclusions": sorted(exclusions, key=lambda r: tuple(r[k] for k in order)),
        "flags": sorted(flags, key=lambda r: (r["source"], r["row"], r["flag"])),
        "pii": sorted(pii, key=lambda r: (r["source"], r["row"], r["kind"])),
        "must_keep": sorted(keep, key=lambda r: (r["source"], r["row"], r["kind"])),
        "barrier_themes": themes,
    }


def _chance_straightliners(
    source: SimulatedSource, measure_items: dict[str, list[str]], planted: set
) -> list[dict]:
    table = source.table
    dropped = {d["seq"] for d in source.planted.drops}
    kept = table[~table["seq"].isin(dropped)]
    out = []
    for measure, items in measure_items.items():
        block = kept[items].to_numpy()
        same = (block == block[:, :1]).all(axis=1) & (block[:, 0] >= 1) & (block[:, 0] <= 5)
        for row, code in zip(kept["row"].to_numpy()[same], block[same, 0], strict=True):
            if (int(row), measure) not in planted:
                out.append(
                    {
                        "source": source.source_id,
                        "row": int(row),
                        "flag": "straightliner",
                        "measure": measure,
                        "code": int(code),
                        "planted": False,
                    }
                )
    return out


def intake_by_row(sim: SimulatedRound) -> dict[str, Any]:
    """The intake plants of each tool-format source by 1-based data row (``truth.json`` ``intake``).

    Per source: ``format``; ``org_values`` (every raw organisation value → frame id; for GPs the
    practice municipality); ``ambiguous_org_values`` (raw → ``org_id`` meant and the
    ``candidates``); ``tests`` (row and ``marker``: ``comment`` «TEST – ikke ta med»,
    ``before_fieldwork``, ``preview``); ``resubmissions`` (dropped ``row``, ``kept_row``,
    ``basis`` ``identity`` or ``organisation_and_role``, ``changed_items``); ``unfinished``
    (rows Qualtrics recorded with ``Finished = False``); ``other_roles`` (rows answering
    «Annet»); ``practice_size_text`` (row, raw text, number meant).
    """
    out = {}
    for source in sim.sources:
        intake = source.intake
        if intake is None:
            continue
        row_of = dict(zip(source.table["seq"], source.table["row"], strict=True))

        def rows(seqs: list[int], row_of=row_of) -> list[int]:
            return sorted(int(row_of[s]) for s in seqs)

        out[source.source_id] = {
            "format": intake.format,
            "org_values": dict(sorted(intake.organisations.values.items())),
            "ambiguous_org_values": dict(sorted(intake.organisations.ambiguous.items())),
            "tests": sorted(
                ({"row": int(row_of[t["seq"]]), "marker": t["marker"]} for t in intake.tests),
                key=lambda t: t["row"],
            ),
            "resubmissions": sorted(
                (
                    {
                        "row": int(row_of[r["seq"]]),
                        "kept_row": int(row_of[r["kept_seq"]]),
                        "basis": r["basis"],
                        "changed_items": r["changed_items"],
                    }
                    for r in intake.resubmissions
                ),
                key=lambda r: r["row"],
            ),
            "unfinished": rows(intake.unfinished),
            "other_roles": rows(intake.other_roles),
            "practice_size_text": sorted(
                (
                    {"row": int(row_of[p["seq"]]), "raw": p["raw"], "value": p["value"]}
                    for p in intake.practice_size_text
                ),
                key=lambda p: p["row"],
            ),
        }
    return out

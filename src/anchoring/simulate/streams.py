"""Independent random streams derived from one seed, one per part of the simulation.

Each part (population, response, answers of one source, times, dirt, free text, label spelling)
gets its own :class:`numpy.random.Generator` from ``SeedSequence([seed, key])``, where ``key`` is a
stable number computed from the part's name. Changing how many numbers one part draws therefore
never shifts the numbers of another part.
"""

from __future__ import annotations

import zlib

import numpy as np


def derive_rng(seed: int, part: str) -> np.random.Generator:
    """The random stream of one named part for a seed.

    Parameters
    ----------
    seed
        The round's seed (a non-negative integer).
    part
        Name of the part, e.g. ``"population"`` or ``"answers:kommuner"``.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded with ``SeedSequence([seed, crc32(part)])``.
    """
    key = zlib.crc32(part.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([int(seed), key]))

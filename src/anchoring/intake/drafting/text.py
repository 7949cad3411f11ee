"""Text normalisation and similarity for matching headers and answers against the instrument.

Similarity is :class:`difflib.SequenceMatcher`'s ratio (2·matches / total length, Ratcliff and
Obershelp's gestalt pattern matching) on normalised text: Unicode NFKC, case folded, punctuation and
underscores as spaces, runs of spaces collapsed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

MIN_SIMILARITY = 0.6
"""Below this a column is not taken for an item or a field at all."""
SURE_SIMILARITY = 0.9
"""At or above this a match needs no ``# CONFIRM``."""


def norm(text: object) -> str:
    """Fold text for comparison: NFKC, case, punctuation and underscores as spaces.

    Examples
    --------
    >>> norm("  Hvor ENIG er du?  - Vi vet_hva")
    'hvor enig er du vi vet hva'
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[_\W]+", " ", text)
    return " ".join(text.split())


def matcher(target: str) -> difflib.SequenceMatcher:
    """A matcher against ``target`` (difflib caches what it learns about the second sequence)."""
    found = difflib.SequenceMatcher(None, autojunk=False)
    found.set_seq2(target)
    return found


def best_similarity(
    texts: list[str], against: difflib.SequenceMatcher, floor: float = MIN_SIMILARITY
) -> float:
    """The highest ratio of any of ``texts`` against the matcher's target (0 below ``floor``)."""
    best = 0.0
    for text in texts:
        if text == against.b:
            return 1.0
        against.set_seq1(text)
        if against.real_quick_ratio() < floor or against.quick_ratio() < floor:
            continue
        best = max(best, against.ratio())
    return best


def similarity(a: str, b: str) -> float:
    """Similarity of two texts after :func:`norm` (1.0 when equal)."""
    return best_similarity([norm(a)], matcher(norm(b)))

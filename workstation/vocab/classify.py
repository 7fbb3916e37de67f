"""Classify a free-text category cell or a lead summary into one of the six ailments or other."""

from __future__ import annotations

import re
from functools import cache

from workstation.vocab.catalogue import CATEGORY, CATEGORY_KEYWORDS
from workstation.vocab.folding import normalise

# "other" words (作风, 不作为, 拖延) often sit next to a specific ailment in one summary; the
# specific ailment is what the team counts, so other's evidence weighs half.
_WEIGHTS: dict[str, float] = {"other": 0.5}


@cache
def _patterns() -> tuple[tuple[str, float, re.Pattern[str]], ...]:
    patterns: list[tuple[str, float, re.Pattern[str]]] = []
    for term in CATEGORY.terms:
        # Keywords only: synonyms such as 其他 are fine for a category cell (to_key handles those)
        # but would claim any summary that mentions 其他人员.
        words = {normalise(word) for word in CATEGORY_KEYWORDS.get(term.key, ())}
        words.discard("")
        if not words:
            continue
        # Longest first, so that at one position 经商办企业 wins over 经商 and is counted once.
        alternation = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
        patterns.append((term.key, _WEIGHTS.get(term.key, 1.0), re.compile(alternation)))
    return tuple(patterns)


def category_scores(text: str | None) -> dict[str, float]:
    """Evidence per category key: characters of `text` covered by its keywords, weighted."""
    folded = normalise(text)
    scores: dict[str, float] = {}
    if not folded:
        return scores
    for key, weight, pattern in _patterns():
        covered = sum(len(match.group()) for match in pattern.finditer(folded))
        if covered:
            scores[key] = covered * weight
    return scores


def classify_category(text: str | None) -> str | None:
    """The category key `text` describes, or None when nothing in it points anywhere.

    A cell holding a label or synonym maps directly; otherwise the category whose keywords cover
    most of the text wins, ties going to the one listed first in DESIGN §3.
    """
    key = CATEGORY.to_key(text)
    if key is not None:
        return key
    scores = category_scores(text)
    if not scores:
        return None
    order = {term_key: index for index, term_key in enumerate(CATEGORY.keys())}
    return max(scores, key=lambda k: (scores[k], -order[k]))

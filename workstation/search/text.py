"""Search text: what a lead is found by, folded the same way as what people type."""

from __future__ import annotations

import re

from workstation.vocab import normalise

# Between the fields of a lead's search text. A whitespace character, so a folded query never
# holds it and no match can run from one field into the next.
SEPARATOR = "\x1f"
# The trigram index finds substrings of this many characters or more; shorter ones are scanned.
MIN_INDEXED = 3
# Control characters are dropped from both sides (FTS5 reads NUL as the end of its query).
# normalise() has removed the whitespace ones; a regex finds the rest faster than translate().
_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def _fold(text: str) -> str:
    folded = normalise(text)
    return _CONTROLS.sub("", folded) if _CONTROLS.search(folded) else folded


def fold_query(text: str | None) -> str:
    """What a person typed, folded as the search text is: traditional or simplified, full- or
    half-width, upper or lower case, spaces anywhere make no difference."""
    return _fold(text) if text else ""


def search_body(
    ref: str | None,
    case_no: str | None,
    subject: str | None,
    subject_unit: str | None,
    reporter_name: str | None,
    summary: str | None,
) -> str:
    """A lead's search text: its number, case number, subject, subject's unit, reporter and
    summary, each folded with vocab.normalise."""
    fields = (ref, case_no, subject, subject_unit, reporter_name, summary)
    return SEPARATOR.join(_fold(value) if value else "" for value in fields)


def like_pattern(folded: str) -> str:
    """A LIKE pattern (escape character backslash) for text containing `folded` literally."""
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(folded: str) -> str:
    """`folded` as one FTS5 phrase: quoted, so AND, OR, NEAR, *, ^, : and brackets are text."""
    return '"' + folded.replace('"', '""') + '"'

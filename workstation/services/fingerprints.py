"""Keys that recognise a row seen before: a lead's fingerprint and repeat key, a case's number."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache

from workstation.vocab import normalise

# Migration 0003 fills these for leads already in the store with the same functions; a change
# to them (or to vocab.normalise) needs a migration that recomputes them.

_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str | None) -> str:
    """Text folded for comparing: normalise(), and no punctuation (。，“” make no difference)."""
    if not text:
        return ""
    return _NOT_WORD.sub("", normalise(text))


@lru_cache(maxsize=1 << 16)
def name_key(name: str | None) -> str:
    """A unit's or person's name folded as the store keys it (Unit.name_key, Person.name_key);
    cached, for the same few thousand names come back on every row."""
    return normalise(name)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def lead_fingerprint(
    received_on: dt.date,
    channel: str,
    subject_key: str | None,
    unit_key: str | None,
    summary_folded: str,
) -> str:
    """The same lead: same date, channel, subject, unit and summary (names as name keys)."""
    return _digest(
        f"L1|{received_on.isoformat()}|{channel}|{subject_key or ''}|{unit_key or ''}|"
        f"{summary_folded}"
    )


def lead_repeat_key(
    subject_key: str | None, unit_key: str | None, summary_folded: str
) -> str | None:
    """The same matter again (重复件): same subject in the same unit, same summary; a lead that
    names nobody has no repeat key (short anonymous summaries would link unrelated leads)."""
    if not subject_key or not summary_folded:
        return None
    return _digest(f"R1|{subject_key}|{unit_key or ''}|{summary_folded}")


def case_no_key(case_no: str) -> str:
    """A case number folded: 〔2021〕 or [2021], full-width digits, spaces make no difference."""
    return fold(case_no)

"""Text folding for matching (normalise), tidying for storage (clean_text), 繁简 conversion."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from workstation.paths import resources_dir

# Invisible characters that ledgers pick up from Word, web pages and WeChat copies. str.isspace()
# does not cover them, so they are listed by hand.
ZERO_WIDTH_CHARS = frozenset(
    "\u00ad"  # soft hyphen
    "\u180e"  # Mongolian vowel separator (whitespace before Unicode 6.3)
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space, non-joiner, joiner; LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\ufeff"  # byte-order mark / zero-width no-break space
)

_ZERO_WIDTH_RE = re.compile("[" + "".join(sorted(ZERO_WIDTH_CHARS)) + "]")
# In str patterns \s matches every character for which str.isspace() is true, U+3000 included.
_WHITESPACE_RUN_RE = re.compile(r"\s+")
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_UPPER_RE = re.compile("[A-Z]+")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
# One round settles any real text; the bound only guards against a bug looping forever.
_MAX_ROUNDS = 4
# The characters that ledger text most often needs folded, handled by str.replace (C speed).
_COMMON_CHANGES = "，：（） \n；！？\u3000\t\r"


def _load_char_map(file_name: str) -> dict[str, str]:
    with (resources_dir() / "vocab" / file_name).open(encoding="utf-8") as handle:
        document = json.load(handle)
    mapping: dict[str, str] = document["map"]
    return mapping


@cache
def _t2s_table() -> dict[int, str]:
    """Traditional → simplified, closed under itself so that converting twice changes nothing."""
    raw = _load_char_map("t2s.json")
    closed: dict[str, str] = {}
    for key, value in raw.items():
        seen = {key}
        while value in raw and value not in seen:
            seen.add(value)
            value = raw[value]
        if value != key:
            closed[key] = value
    return str.maketrans(closed)


@cache
def _s2t_table() -> dict[int, str]:
    return str.maketrans(_load_char_map("s2t.json"))


@cache
def _strip_and_simplify_table() -> dict[int, str | None]:
    """Drop whitespace and invisibles, 繁→简."""
    table: dict[int, str | None] = dict(_t2s_table())
    # Every whitespace character lies in the BMP.
    for code in range(0x10000):
        if chr(code).isspace():
            table[code] = None
    for char in ZERO_WIDTH_CHARS:
        table[ord(char)] = None
    return table


def _fold_except_case(text: str) -> str:
    """NFKC, drop whitespace and invisibles, 繁→简; repeated until nothing changes."""
    folded = text
    for _ in range(_MAX_ROUNDS):
        folded = unicodedata.normalize("NFKC", folded).translate(_strip_and_simplify_table())
        # Dropping a space can leave a letter next to a combining mark (or two Hangul jamo)
        # that NFKC then composes; go round again so that normalise() is idempotent.
        if unicodedata.is_normalized("NFKC", folded):
            break
    return folded


def _lower_ascii(folded: str) -> str:
    """ASCII upper → lower, last, so that "A" + U+0308 and "Ä" still fold alike ("Ä")."""
    if _ASCII_UPPER_RE.search(folded) is None:
        return folded
    lowered = _ASCII_UPPER_RE.sub(lambda match: match.group().lower(), folded)
    # "W" + ring above has no precomposed form but "w" + ring above has (ẘ).
    if not unicodedata.is_normalized("NFKC", lowered):
        lowered = unicodedata.normalize("NFKC", lowered)
    return lowered


def _fold_by_definition(text: str) -> str:
    """normalise() as specified, without shortcuts: the reference the fast path must agree with."""
    return _lower_ascii(_fold_except_case(text))


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class body for `chars`, with runs of consecutive code points as ranges."""
    codes = sorted({ord(char) for char in chars})
    parts: list[str] = []
    start = 0
    while start < len(codes):
        end = start
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        first, last = re.escape(chr(codes[start])), re.escape(chr(codes[end]))
        parts.append(first if start == end else f"{first}-{last}")
        start = end + 1
    return "".join(parts)


class _AstralFolds(dict[int, int | str]):
    """translate() table for characters beyond the BMP, filled in as they are met (rarely)."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        folded = _fold_except_case(char)
        value: int | str = code if folded == char else folded
        self[code] = value
        return value


class _Folder:
    """Per-character folds precomputed so that normalise() skips most of the work on most text.

    Whole-string NFKC costs ~50 µs for a 200-character summary and str.translate ~10 µs, because
    both handle every character as a Python object. Most ledger text changes only at a few
    full-width punctuation marks and spaces, which str.replace handles at C speed; one regex then
    shows whether anything rarer is left, and only then does the text take the translate path.
    Folding character by character and then composing (NFKC) gives the same result as NFKC
    first, because NFKC(a + b) == NFKC(NFKC(a) + NFKC(b)); tests compare the two paths.
    """

    def __init__(self) -> None:
        base = _strip_and_simplify_table()
        changes: dict[str, str] = {}
        for code in range(0x10000):
            char = chr(code)
            if code in base or unicodedata.normalize("NFKC", char) != char:
                changes[char] = _fold_except_case(char)
        # Indexed by code point (a list is faster than a dict for translate, which turns every
        # miss into a KeyError). Astral characters fall off the end and are left for _AstralFolds.
        self.bmp_table: list[int | str | None] = list(range(0x10000))
        for char, folded in changes.items():
            self.bmp_table[ord(char)] = folded or None
        self.astral_table = _AstralFolds()
        self.common: tuple[tuple[str, str], ...] = tuple(
            (char, changes[char]) for char in _COMMON_CHANGES
        )
        # Text free of these can skip the translate path. str.lower() only matches "ASCII lower
        # case" on text without other cased letters, and lowering next to a combining mark can
        # un-normalise it ("W" + ring above is NFC, "ẘ" composes), so those are rare too.
        rare = set(changes) - set(_COMMON_CHANGES) - set(_ASCII_UPPER)
        for code in range(0x80, 0x10000):
            char = chr(code)
            if char.lower() != char or unicodedata.combining(char):
                rare.add(char)
        astral = "\U00010000-\U0010ffff"
        self.rare_re = re.compile(f"[{_char_class(rare)}{astral}]")
        self.rare_or_upper_re = re.compile(f"[{_char_class(rare | set(_ASCII_UPPER))}{astral}]")

    def fold(self, text: str) -> str:
        folded = text
        for char, replacement in self.common:
            if char in folded:  # cheaper than replace() on text without the character
                folded = folded.replace(char, replacement)
        if self.rare_or_upper_re.search(folded) is None:
            if unicodedata.is_normalized("NFKC", folded):
                return folded
        elif self.rare_re.search(folded) is None:
            lowered = folded.lower()
            if unicodedata.is_normalized("NFKC", lowered):
                return lowered
        for _ in range(_MAX_ROUNDS):
            folded = folded.translate(self.bmp_table)
            if _ASTRAL_RE.search(folded) is not None:
                folded = folded.translate(self.astral_table)
            if unicodedata.is_normalized("NFKC", folded):
                break
            folded = unicodedata.normalize("NFKC", folded)
        return _lower_ascii(folded)


@cache
def _folder() -> _Folder:
    return _Folder()


def normalise(text: str | None) -> str:
    """Fold `text` for matching: NFKC, no whitespace at all, simplified, ASCII lower case.

    Two spellings a person would call the same ("電 話" and "电话", "Ｅ－ｍａｉｌ" and "e-mail")
    fold to the same string. The result is for comparing and indexing, never for display.
    """
    if not text:
        return ""
    if text.isascii():
        # NFKC and 繁→简 leave ASCII alone; str.split() drops exactly the str.isspace() characters.
        return "".join(text.lower().split())
    return _folder().fold(text)


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones, character by character (no phrases)."""
    return text.translate(_t2s_table())


def to_traditional(text: str) -> str:
    """Convert simplified characters to OpenCC's first traditional candidate, one by one.

    Without phrase context this is approximate (发 → 發 even in 头发, 后 → 後 even in 皇后);
    use it to widen a search, not to produce text for people to read.
    """
    return text.translate(_s2t_table())


def clean_text(text: str | None) -> str | None:
    """Tidy user text for storage: drop invisibles, trim, collapse whitespace runs; blank → None.

    Unlike normalise() this keeps the text as typed otherwise: full-width punctuation, traditional
    characters and case are left alone.
    """
    if text is None:
        return None
    cleaned = _ZERO_WIDTH_RE.sub("", text)
    cleaned = _WHITESPACE_RUN_RE.sub(" ", cleaned).strip()
    return cleaned or None

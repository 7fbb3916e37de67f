"""Controlled vocabularies (DESIGN §3): stored keys, Chinese labels and the synonyms ledgers use."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.paths import resources_dir
from workstation.vocab.folding import normalise

VOCABULARIES_FILE = "vocabularies.json"


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: the stored key, the label shown and other spellings accepted."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()


def _loose(folded: str) -> str:
    """A second, looser fold that also drops punctuation (、“”（）-_), for cells like 减刑假释."""
    return "".join(char for char in folded if not unicodedata.category(char).startswith("P"))


class Vocabulary:
    """An ordered set of terms, with lookup from any spelling a ledger might use to the key."""

    def __init__(self, name: str, title: str, terms: Iterable[Term]) -> None:
        self.name = name
        self.title = title
        self.terms: tuple[Term, ...] = tuple(terms)
        self._by_key: dict[str, Term] = {}
        for term in self.terms:
            if term.key in self._by_key:
                raise ValueError(f"vocabulary {name!r}: duplicate key {term.key!r}")
            self._by_key[term.key] = term
        # Built on first lookup: folding needs tables that take a moment to build, and
        # importing the vocabularies should not pay for that.
        self._indexes: tuple[dict[str, str], dict[str, str]] | None = None

    def _lookup_indexes(self) -> tuple[dict[str, str], dict[str, str]]:
        """(exact, loose) maps from folded spellings to keys; ValueError on an ambiguous one."""
        if self._indexes is None:
            exact: dict[str, str] = {}
            loose: dict[str, str] = {}
            for term in self.terms:
                for spelling in (term.key, term.label, *term.synonyms):
                    folded = normalise(spelling)
                    if not folded:
                        raise ValueError(f"{self.name!r}: blank spelling in {term.key!r}")
                    self._add(exact, folded, term.key, spelling)
                    if loosened := _loose(folded):
                        self._add(loose, loosened, term.key, spelling)
            self._indexes = exact, loose
        return self._indexes

    def _add(self, index: dict[str, str], folded: str, key: str, spelling: str) -> None:
        other = index.setdefault(folded, key)
        if other != key:
            raise ValueError(
                f"vocabulary {self.name!r}: {spelling!r} would mean both {other!r} and {key!r}"
            )

    def keys(self) -> tuple[str, ...]:
        return tuple(term.key for term in self.terms)

    def label(self, key: str) -> str:
        """The Chinese label of `key`; KeyError for a key this vocabulary does not have."""
        try:
            return self._by_key[key].label
        except KeyError:
            raise KeyError(f"{key!r} is not a key of vocabulary {self.name!r}") from None

    def to_key(self, text: str | None) -> str | None:
        """The key meant by `text` (a key, label or synonym, in any spelling); None if unknown."""
        folded = normalise(text)
        if not folded:
            return None
        exact, loose = self._lookup_indexes()
        key = exact.get(folded)
        if key is None:
            key = loose.get(_loose(folded))
        return key

    def choices(self) -> list[tuple[str, str]]:
        """(key, label) pairs in display order, for combo boxes and filters."""
        return [(term.key, term.label) for term in self.terms]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __repr__(self) -> str:
        return f"Vocabulary({self.name!r}, {len(self.terms)} terms)"


def _term_from_json(entry: Mapping[str, Any]) -> Term:
    return Term(
        key=str(entry["key"]),
        label=str(entry["label"]),
        synonyms=tuple(str(synonym) for synonym in entry.get("synonyms", ())),
    )


def load_document(path: Path | None = None) -> dict[str, Any]:
    """The raw vocabularies document (the classifier also reads the category keywords from it)."""
    source = path or resources_dir() / "vocab" / VOCABULARIES_FILE
    with source.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def build_vocabularies(document: Mapping[str, Any]) -> dict[str, Vocabulary]:
    vocabularies: dict[str, Vocabulary] = {}
    for spec in document["vocabularies"]:
        name = str(spec["name"])
        if name in vocabularies:
            raise ValueError(f"duplicate vocabulary {name!r}")
        terms = (_term_from_json(entry) for entry in spec["entries"])
        vocabularies[name] = Vocabulary(name, str(spec["title"]), terms)
    return vocabularies

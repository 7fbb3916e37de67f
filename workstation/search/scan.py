"""Lead search where no index of ours exists (a server store until its own index is built):
LIKE over the stored text, with the query in the spellings the text may be stored in."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from workstation.models import Lead, Person, Unit
from workstation.search.text import like_pattern
from workstation.vocab import to_traditional


def _spellings(typed: str, folded: str) -> list[str]:
    """The query as typed (trimmed), folded (simplified, half-width, lower case) and in
    traditional characters: stored text is not folded here."""
    found: list[str] = []
    for variant in (typed.strip(), folded, to_traditional(folded)):
        if variant and variant not in found:
            found.append(variant)
    return found


def match_condition(typed: str, folded: str) -> ColumnElement[bool]:
    conditions = []
    for variant in _spellings(typed, folded):
        pattern = like_pattern(variant)

        def like(column: object, pattern: str = pattern) -> ColumnElement[bool]:
            return column.ilike(pattern, escape="\\")  # type: ignore[attr-defined, no-any-return]

        conditions += [
            like(Lead.summary),
            like(Lead.ref),
            like(Lead.case_no),
            like(Lead.reporter_name),
            Lead.subject_person_id.in_(select(Person.id).where(like(Person.name))),
            Lead.subject_unit_id.in_(select(Unit.id).where(like(Unit.name))),
        ]
    return or_(*conditions)

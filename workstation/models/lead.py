"""Leads (问题线索): complaints and reports about officers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workstation.models.base import Base, RecordMixin
from workstation.models.org import Person, Unit

LEAD_STATUSES = ("new", "assigned", "verifying", "concluded", "transferred", "shelved")


class Lead(RecordMixin, Base):
    # SQLite triggers on this table (and on persons and units) queue changed leads for the
    # search index (migration 0005, workstation.search). A migration that recreates the table
    # (batch mode "recreate") drops them and must create them again.
    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new','assigned','verifying','concluded','transferred','shelved')",
            name="status_known",
        ),
        Index(None, "received_on"),
        Index(None, "status", "due_on"),
        Index(None, "subject_unit_id"),
        Index(None, "subject_person_id"),
        Index(None, "case_no"),
        Index(None, "batch_id"),
        Index(None, "fingerprint"),
        Index(None, "repeat_key"),
        Index(None, "repeat_of_id"),
        Index(None, "handler_unit_id"),
        # Filters of the leads view: counted from these alone at a million leads (category
        # with channel: the two are often chosen together).
        Index(None, "channel"),
        Index(None, "category", "channel"),
    )

    ref: Mapped[str] = mapped_column(String(64), unique=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(32), default="other")
    reporter_name: Mapped[str | None] = mapped_column(String(100))
    reporter_phone: Mapped[str | None] = mapped_column(String(50))
    anonymous: Mapped[bool] = mapped_column(default=False)
    subject_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    subject_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(32), default="other")
    summary: Mapped[str] = mapped_column(Text)
    case_no: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="new")
    disposition: Mapped[str | None] = mapped_column(String(32))
    result: Mapped[str | None] = mapped_column(String(32))
    handler_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    # Columns of an imported row that map to no field, kept rather than dropped.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Import identity (received_on, channel, subject, unit, summary, normalised) and the
    # repeat key (subject, unit, summary): see workstation.services.fingerprints.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    repeat_key: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    subject_person: Mapped[Person | None] = relationship(foreign_keys=[subject_person_id])
    subject_unit: Mapped[Unit | None] = relationship(foreign_keys=[subject_unit_id])
    handler_unit: Mapped[Unit | None] = relationship(foreign_keys=[handler_unit_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class LeadSearchPending(Base):
    """Leads whose search text is not (or no longer) in the index: filled by SQL triggers on
    leads, persons and units (migration 0005), emptied by workstation.search.sync. Searches
    read these few rows directly, so they are right before the index catches up."""

    __tablename__ = "lead_search_pending"

    lead_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class LeadSearchText(Base):
    """The folded search text of each indexed lead: the content the FTS index (the virtual
    table lead_search, not a model) was built from, kept so that an entry can be removed from
    the index again, and scanned by queries too short for the index. No foreign key: the text
    of a deleted lead stays until the next sync takes it out of the index."""

    __tablename__ = "lead_search_text"

    lead_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(Text)

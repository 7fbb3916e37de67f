"""Law-enforcement cases (案件) and the anomalies (案件异常) found in them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workstation.models.base import Base, RecordMixin, UTCDateTime
from workstation.models.org import Person, Unit


class Case(RecordMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("agency_id", "case_no"),
        CheckConstraint("kind IN ('criminal','administrative')", name="kind_known"),
        Index(None, "case_no"),
        Index(None, "accepted_on"),
    )

    case_no: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16), default="criminal")
    cause: Mapped[str | None] = mapped_column(String(200))
    complainant: Mapped[str | None] = mapped_column(String(200))
    accepted_on: Mapped[dt.date] = mapped_column(Date)
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    not_filed_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    prosecuted_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    suspect_identified: Mapped[bool] = mapped_column(default=False)
    procuratorate_decision: Mapped[str | None] = mapped_column(String(32))
    last_activity_on: Mapped[dt.date | None] = mapped_column(Date)
    complex: Mapped[bool] = mapped_column(default=False)
    # Money in fen (1/100 yuan): exact, and sortable in SQL.
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    agency: Mapped[Unit] = relationship()
    officer: Mapped[Person | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class Anomaly(RecordMixin, Base):
    """One flag on a case: found by a rule (rule_id) or marked by a reviewer ("manual").

    suspected → confirmed / dismissed by a reviewer; a suspected flag whose rule no longer fires
    is closed by the scan (closed_at, with the note in `reason`). A rule flag is one row per
    (case, rule) for its whole life; its history is in the audit trail.
    """

    __tablename__ = "anomalies"
    __table_args__ = (
        CheckConstraint("kind IN ('not_filed','suppressed','not_prosecuted')", name="kind_known"),
        CheckConstraint(
            "state IN ('suspected','confirmed','dismissed','closed')", name="state_known"
        ),
        CheckConstraint(
            "state != 'dismissed' OR (reason IS NOT NULL AND reason != '')",
            name="dismissed_has_reason",
        ),
        # One flag per case and rule; a reviewer's own marks ("manual") one per case and kind.
        UniqueConstraint("case_id", "rule_id", "kind"),
        Index(None, "state", "kind"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="suspected")
    rule_id: Mapped[str] = mapped_column(String(32))  # e.g. "NF-1", or "manual"
    explanation: Mapped[str] = mapped_column(Text)
    # The as-of date the explanation's figures were computed for (None for manual marks).
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    # The case facts the rule read, as canonical JSON text, and its SHA-256: a dismissed flag
    # reopens only when they change, and a closed flag's note says what changed.
    facts: Mapped[str | None] = mapped_column(Text)
    facts_hash: Mapped[str | None] = mapped_column(String(64))
    reviewer: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()

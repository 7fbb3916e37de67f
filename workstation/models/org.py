"""Units (单位) and persons (被反映人 / 承办人)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workstation.models.base import Base, RecordMixin


class Unit(RecordMixin, Base):
    """A body of the political-legal system; `name_key` is the normalised name, unique."""

    __tablename__ = "units"

    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(32), default="other")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")


class Person(RecordMixin, Base):
    """An officer named in leads (被反映人) or handling cases (承办人)."""

    __tablename__ = "persons"
    __table_args__ = (Index(None, "name_key", "unit_id"),)

    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    position: Mapped[str | None] = mapped_column(String(100))
    badge_no: Mapped[str | None] = mapped_column(String(50))

    unit: Mapped[Unit | None] = relationship()

"""Named mapping profiles: a clerk's column choices for one header layout, applied again
automatically when a file with the same headers comes back.

A profile is keyed by a fingerprint of the kind and the normalised header row (spaces, full-width
forms, traditional characters and bracketed notes folded away), and kept in the settings table
under ``import_profile.<fingerprint>``: no table of its own. Saving and deleting are audited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.errors import NotFound, ValidationError
from workstation.importing.headers import SEQ, SKIP, header_key
from workstation.importing.source import kind_module
from workstation.models import Setting, utcnow
from workstation.models.base import new_uuid
from workstation.services import audit
from workstation.services.auth import Actor, require
from workstation.store import Store

KEY_PREFIX = "import_profile."
NAME_MAX = 60
_SPECIAL = (SEQ, SKIP)


@dataclasses.dataclass(frozen=True)
class Profile:
    """One saved mapping: for each header of the layout, the field it feeds (None: extra data)."""

    uuid: str
    name: str
    kind: str
    fingerprint: str
    headers: tuple[str, ...]
    fields: tuple[str | None, ...]
    saved_by: str
    saved_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "name": self.name,
            "kind": self.kind,
            "headers": list(self.headers),
            "fields": list(self.fields),
            "saved_by": self.saved_by,
            "saved_at": self.saved_at.isoformat(),
        }

    @classmethod
    def from_json(cls, fingerprint: str, value: dict[str, Any]) -> Profile:
        return cls(
            uuid=str(value["uuid"]),
            name=str(value["name"]),
            kind=str(value["kind"]),
            fingerprint=fingerprint,
            headers=tuple(value["headers"]),
            fields=tuple(value["fields"]),
            saved_by=str(value.get("saved_by") or ""),
            saved_at=dt.datetime.fromisoformat(value["saved_at"]),
        )

    def overrides(self, columns: Sequence[tuple[str, str | None]]) -> list[tuple[str, str]]:
        """Mapping overrides (column letter, field; "" for extra data) that turn the detected
        mapping of `columns` — (letter, detected field) pairs of a file with this layout, in
        header order — into this profile's mapping. Row numbers (序号) stay as detected."""
        out: list[tuple[str, str]] = []
        for (letter, detected), wanted in zip(columns, self.fields, strict=False):
            if wanted in _SPECIAL or detected in _SPECIAL or wanted == detected:
                continue
            out.append((letter, wanted or ""))
        return out


def fingerprint(kind: str, headers: Sequence[str]) -> str:
    """The layout's identity: kind and headers folded as header lookup folds them, in order."""
    folded = [header_key(h) for h in headers if h and h.strip()]
    text = kind + "\n" + "\x1f".join(folded)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key(print_: str) -> str:
    return KEY_PREFIX + print_


def _rows(session: Session) -> list[Setting]:
    return list(
        session.scalars(select(Setting).where(Setting.key.startswith(KEY_PREFIX, autoescape=True)))
    )


def _check(
    name: str, kind: str, headers: Sequence[str], fields: Sequence[str | None]
) -> tuple[str, list[str], list[str | None]]:
    module = kind_module(kind)
    problems: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        problems["name"] = "映射方案的名称不能为空"
    elif len(name) > NAME_MAX:
        problems["name"] = f"映射方案的名称不能超过 {NAME_MAX} 个字"
    pairs = [(h.strip(), f) for h, f in zip(headers, fields, strict=True) if h and h.strip()]
    if not pairs:
        problems["headers"] = "没有表头，无法保存映射方案"
    unknown = [
        f for _, f in pairs if f is not None and f not in module.LABELS and f not in _SPECIAL
    ]
    if unknown:
        problems["fields"] = "映射方案中有不存在的字段：" + "、".join(map(str, unknown))
    if problems:
        raise ValidationError(problems)
    return name, [h for h, _ in pairs], [f for _, f in pairs]


def save_profile(
    store: Store,
    actor: Actor,
    name: str,
    kind: str,
    headers: Sequence[str],
    fields: Sequence[str | None],
) -> Profile:
    """Save (or replace) the profile of this header layout; `fields[i]` is the field of
    `headers[i]` (None: kept as extra data). A name another layout's profile uses is refused."""
    require(actor, "import.run")
    name, kept_headers, kept_fields = _check(name, kind, headers, fields)
    print_ = fingerprint(kind, kept_headers)
    with store.write() as session:
        existing: Profile | None = None
        for row in _rows(session):
            other = Profile.from_json(row.key[len(KEY_PREFIX) :], row.value)
            if row.key == _key(print_):
                existing = other
            elif other.name == name:
                raise ValidationError(
                    {"name": f"已有名为“{name}”的映射方案（用于另一种表头），请换一个名称"}
                )
        profile = Profile(
            uuid=existing.uuid if existing else new_uuid(),
            name=name,
            kind=kind,
            fingerprint=print_,
            headers=tuple(kept_headers),
            fields=tuple(kept_fields),
            saved_by=actor.login,
            saved_at=utcnow(),
        )
        session.merge(Setting(key=_key(print_), value=profile.to_json()))
        audit.record(
            session,
            actor,
            "import.profile.save",
            "import_profile",
            profile.uuid,
            before=existing.to_json() if existing else None,
            after=profile.to_json(),
        )
    return profile


def find_profile(store: Store, actor: Actor, kind: str, headers: Sequence[str]) -> Profile | None:
    """The profile saved for this header layout, if any."""
    require(actor, "import.run")
    print_ = fingerprint(kind, headers)
    with store.read() as session:
        row = session.get(Setting, _key(print_))
        return Profile.from_json(print_, row.value) if row is not None else None


def list_profiles(store: Store, actor: Actor) -> list[Profile]:
    """Every saved profile, by kind and name."""
    require(actor, "import.run")
    with store.read() as session:
        profiles = [Profile.from_json(r.key[len(KEY_PREFIX) :], r.value) for r in _rows(session)]
    return sorted(profiles, key=lambda p: (p.kind, p.name))


def delete_profile(store: Store, actor: Actor, print_: str) -> Profile:
    """Remove a profile (named by its fingerprint); audited."""
    require(actor, "import.run")
    with store.write() as session:
        row = session.get(Setting, _key(print_))
        if row is None:
            raise NotFound("找不到该映射方案（可能已被删除）")
        profile = Profile.from_json(print_, row.value)
        session.delete(row)
        audit.record(
            session,
            actor,
            "import.profile.delete",
            "import_profile",
            profile.uuid,
            before=profile.to_json(),
        )
    return profile

"""Masking of reporters' identities in lists, briefs and exports (张** · 138****1234)."""

from __future__ import annotations

import re


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    name = name.strip()
    if name in {"匿名", "无", "不详"}:
        return name
    return name[0] + "**"


_DIGITS = re.compile(r"\d")


def mask_phone(phone: str | None) -> str | None:
    """Keep the first 3 and last 4 digits of a mobile number; fewer for short numbers."""
    if not phone:
        return phone
    only = "".join(_DIGITS.findall(phone))
    if not only:
        return "****"
    if len(only) >= 11:
        return only[:3] + "*" * (len(only) - 7) + only[-4:]
    if len(only) > 4:
        return "*" * (len(only) - 4) + only[-4:]
    return "*" * len(only)

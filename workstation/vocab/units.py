"""Infer a unit's type (政法委, 法院, 检察院, 公安, 司法行政, 镇街) from its name."""

from __future__ import annotations

import re

from workstation.vocab.folding import normalise

# Checked in order, first match wins; each rule is safe only because the ones above it ran first:
# "检察院司法警察支队" is a procuratorate, "人民法院执行局" and "XX派出法庭" are courts,
# "公安局强制隔离戒毒所" is police, "XX镇派出所" is police and "XX街道司法所" is justice.
_UNIT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("committee", re.compile(r"政法委")),
    ("procuratorate", re.compile(r"检察")),
    ("court", re.compile(r"法院|法庭")),
    (
        "police",
        re.compile(r"公安|派出所|分局|交警|刑警|巡警|特警|看守所|拘留所|警务|刑侦|经侦"),
    ),
    ("justice", re.compile(r"司法局|司法所|司法厅|司法行政|戒毒|监狱|社区矫正|公证处|法律援助")),
    # Prison and court police were caught above, so any other 警 is a police unit.
    ("police", re.compile(r"警")),
    # A bare 镇/乡 is too loose (镇江市, 乡村振兴局, 城乡建设局): require it to end the name or to
    # be followed by a word that only a township body uses.
    (
        "township",
        re.compile(
            r"街道|街办|乡镇|[镇乡](?:$|人民政府|政府|党委|党政|综治|综合治理|政法|平安|人大|纪委"
            r"|办事处|社会治理)"
        ),
    ),
)


def infer_unit_type(unit_name: str | None) -> str:
    """The unit_type key for a unit called `unit_name`; "other" when the name says nothing."""
    folded = normalise(unit_name)
    for unit_type, pattern in _UNIT_RULES:
        if pattern.search(folded):
            return unit_type
    return "other"

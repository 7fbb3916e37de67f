"""The bundled vocabularies, loaded once from resources/vocab/vocabularies.json."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from workstation.vocab.terms import Vocabulary, build_vocabularies, load_document

_DOCUMENT: dict[str, Any] = load_document()

VOCABULARIES: dict[str, Vocabulary] = build_vocabularies(_DOCUMENT)

CHANNEL = VOCABULARIES["channel"]
CATEGORY = VOCABULARIES["category"]
UNIT_TYPE = VOCABULARIES["unit_type"]
LEAD_STATUS = VOCABULARIES["lead_status"]
DISPOSITION = VOCABULARIES["disposition"]
RESULT = VOCABULARIES["result"]
ANOMALY_KIND = VOCABULARIES["anomaly_kind"]
ANOMALY_STATE = VOCABULARIES["anomaly_state"]
CASE_KIND = VOCABULARIES["case_kind"]
PROCURATORATE_DECISION = VOCABULARIES["procuratorate_decision"]
ROLE = VOCABULARIES["role"]


def _category_keywords(document: dict[str, Any]) -> MappingProxyType[str, tuple[str, ...]]:
    spec = next(v for v in document["vocabularies"] if v["name"] == CATEGORY.name)
    keywords = {
        str(entry["key"]): tuple(str(word) for word in entry.get("keywords", ()))
        for entry in spec["entries"]
    }
    return MappingProxyType(keywords)


# Words that point to a category when they appear anywhere in a free-text cell or summary.
CATEGORY_KEYWORDS = _category_keywords(_DOCUMENT)

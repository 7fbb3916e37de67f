"""Controlled vocabularies, text folding for matching, and name/text classifiers (Qt-free)."""

from __future__ import annotations

from workstation.vocab.catalogue import (
    ANOMALY_KIND,
    ANOMALY_STATE,
    CASE_KIND,
    CATEGORY,
    CHANNEL,
    DISPOSITION,
    LEAD_STATUS,
    PROCURATORATE_DECISION,
    RESULT,
    ROLE,
    UNIT_TYPE,
    VOCABULARIES,
)
from workstation.vocab.classify import classify_category
from workstation.vocab.folding import clean_text, normalise, to_simplified, to_traditional
from workstation.vocab.terms import Term, Vocabulary
from workstation.vocab.units import infer_unit_type

__all__ = [
    "ANOMALY_KIND",
    "ANOMALY_STATE",
    "CASE_KIND",
    "CATEGORY",
    "CHANNEL",
    "DISPOSITION",
    "LEAD_STATUS",
    "PROCURATORATE_DECISION",
    "RESULT",
    "ROLE",
    "UNIT_TYPE",
    "VOCABULARIES",
    "Term",
    "Vocabulary",
    "classify_category",
    "clean_text",
    "infer_unit_type",
    "normalise",
    "to_simplified",
    "to_traditional",
]

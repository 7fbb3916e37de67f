"""Anomaly rules (DESIGN §5): pure functions of a case's facts and an as-of date, registered."""

from __future__ import annotations

# Importing the rule modules registers their rules, in this order.
from workstation.rules import not_filed, not_prosecuted, suppressed
from workstation.rules.base import (
    FACT_NAMES,
    KINDS,
    CaseFacts,
    Finding,
    LeadMention,
    Rule,
    all_rules,
    canonical_json,
    compile_facts_from,
    evaluate,
    facts_from,
    facts_hash,
    facts_subset,
    get_rule,
    rule,
    text_hash,
)

__all__ = [
    "FACT_NAMES",
    "KINDS",
    "CaseFacts",
    "Finding",
    "LeadMention",
    "Rule",
    "all_rules",
    "canonical_json",
    "compile_facts_from",
    "evaluate",
    "facts_from",
    "facts_hash",
    "facts_subset",
    "get_rule",
    "not_filed",
    "not_prosecuted",
    "rule",
    "suppressed",
    "text_hash",
]

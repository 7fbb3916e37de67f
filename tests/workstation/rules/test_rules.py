"""The anomaly rules of DESIGN §5, each pinned at its boundary, with the explanations' figures."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.rules import (
    CaseFacts,
    Finding,
    LeadMention,
    Rule,
    all_rules,
    canonical_json,
    evaluate,
    facts_from,
    facts_hash,
    get_rule,
    rule,
)
from workstation.rules.not_filed import nf1, nf2
from workstation.rules.not_prosecuted import np1, np2
from workstation.rules.suppressed import sp1, sp2
from workstation.settings import Settings

DEFAULTS = Settings()
ACCEPTED = dt.date(2021, 3, 1)


def day(n: int) -> dt.date:
    """The date n days after ACCEPTED."""
    return ACCEPTED + dt.timedelta(days=n)


def facts(**overrides: object) -> CaseFacts:
    return dataclasses.replace(CaseFacts(accepted_on=ACCEPTED), **overrides)


def explain(found: Finding | None) -> str | None:
    return None if found is None else found.explanation


def test_registry_holds_the_six_rules_of_the_design_in_order() -> None:
    assert [(r.rule_id, r.kind) for r in all_rules()] == [
        ("NF-1", "not_filed"),
        ("NF-2", "not_filed"),
        ("SP-1", "suppressed"),
        ("SP-2", "suppressed"),
        ("NP-1", "not_prosecuted"),
        ("NP-2", "not_prosecuted"),
    ]
    assert get_rule("NF-1") is nf1
    assert get_rule("XX-9") is None


# --- NF-1: accepted, no decision on filing, more than 7 days (30 if complex) ----------------


@pytest.mark.parametrize(
    ("complex_", "days", "expected"),
    [
        (False, 0, None),
        (False, 7, None),
        (False, 8, "受案后 8 天未作出立案决定（期限 7 天）"),
        (False, 12, "受案后 12 天未作出立案决定（期限 7 天）"),
        (True, 8, None),
        (True, 30, None),
        (True, 31, "重大复杂案件受案后 31 天未作出立案决定（期限 30 天）"),
        (True, 45, "重大复杂案件受案后 45 天未作出立案决定（期限 30 天）"),
    ],
)
def test_nf1_boundary(complex_: bool, days: int, expected: str | None) -> None:
    assert explain(nf1(facts(complex=complex_), day(days), DEFAULTS)) == expected


@pytest.mark.parametrize(
    "decided",
    [{"filed_on": day(3)}, {"not_filed_on": day(5)}, {"filed_on": day(20)}],
)
def test_nf1_not_when_a_decision_was_made(decided: dict[str, dt.date]) -> None:
    assert nf1(facts(**decided), day(40), DEFAULTS) is None


def test_nf1_a_decision_dated_after_the_as_of_date_has_not_happened_yet() -> None:
    late = facts(filed_on=day(20))
    assert explain(nf1(late, day(12), DEFAULTS)) == "受案后 12 天未作出立案决定（期限 7 天）"


def test_nf1_follows_the_settings() -> None:
    strict = Settings(nf1_days=3, nf1_complex_days=10)
    assert explain(nf1(facts(), day(4), strict)) == "受案后 4 天未作出立案决定（期限 3 天）"
    assert nf1(facts(complex=True), day(10), strict) is None


def test_no_rule_fires_for_a_case_not_yet_accepted_on_the_as_of_date() -> None:
    future = facts(accepted_on=day(10), suspect_identified=True, withdrawn_on=day(20))
    assert evaluate(future, day(5), DEFAULTS) == []
    assert np1(future, day(5), DEFAULTS) is None


# --- NF-2: refused filing, yet a lead names the case --------------------------------------


def test_nf2_names_the_decision_and_the_leads() -> None:
    leads = (LeadMention("XS2021-00031", day(30)), LeadMention("XS2021-00012", day(20)))
    found = nf2(facts(not_filed_on=dt.date(2021, 3, 2), leads=leads), day(40), DEFAULTS)
    assert explain(found) == (
        "已于 2021-03-02 决定不予立案，但有 2 条线索反映此案（XS2021-00012、XS2021-00031）"
    )


def test_nf2_not_without_leads_or_without_a_refusal() -> None:
    lead = (LeadMention("XS2021-00012", day(20)),)
    assert nf2(facts(not_filed_on=day(1)), day(40), DEFAULTS) is None
    assert nf2(facts(filed_on=day(1), leads=lead), day(40), DEFAULTS) is None


def test_nf2_ignores_leads_received_after_the_as_of_date() -> None:
    leads = (LeadMention("XS2021-00012", day(20)), LeadMention("XS2021-00099", day(50)))
    refused = facts(not_filed_on=day(1), leads=leads)
    assert "1 条线索反映此案（XS2021-00012）" in (explain(nf2(refused, day(40), DEFAULTS)) or "")
    assert nf2(refused, day(10), DEFAULTS) is None


def test_nf2_shortens_a_long_list_of_leads() -> None:
    leads = tuple(LeadMention(f"XS2021-{i:05d}", day(i)) for i in range(1, 8))
    text = explain(nf2(facts(not_filed_on=day(1), leads=leads), day(40), DEFAULTS)) or ""
    assert "有 7 条线索反映此案（XS2021-00001、" in text
    assert text.endswith("XS2021-00005等）")


# --- SP-1: filed and pending, more than 90 days without activity ---------------------------


@pytest.mark.parametrize(
    ("activity", "days", "expected"),
    [
        (None, 90, None),
        (None, 91, "立案后 91 天无办案活动（期限 90 天）"),
        (None, 120, "立案后 120 天无办案活动（期限 90 天）"),
        (10, 100, None),
        (10, 101, "最近一次办案活动（2021-03-11）后 91 天无办案活动（期限 90 天）"),
        # Activity recorded before filing: the filing itself is the latest act.
        (-2, 91, "立案后 91 天无办案活动（期限 90 天）"),
        # Activity after the as-of date has not happened yet.
        (200, 95, "立案后 95 天无办案活动（期限 90 天）"),
    ],
)
def test_sp1_boundary(activity: int | None, days: int, expected: str | None) -> None:
    case = facts(filed_on=day(0), last_activity_on=None if activity is None else day(activity))
    assert explain(sp1(case, day(days), DEFAULTS)) == expected


@pytest.mark.parametrize("ended", ["withdrawn_on", "prosecuted_on", "closed_on"])
def test_sp_rules_not_for_cases_that_ended(ended: str) -> None:
    case = facts(filed_on=day(0), **{ended: day(10)})
    assert sp1(case, day(500), DEFAULTS) is None
    assert sp2(case, day(500), DEFAULTS) is None


def test_sp_rules_not_before_filing() -> None:
    assert sp1(facts(), day(500), DEFAULTS) is None
    assert sp2(facts(), day(500), DEFAULTS) is None


# --- SP-2: filed and pending for more than 365 days ---------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (365, None),
        (366, "立案已 366 天仍未侦结（期限 365 天）"),
        (400, "立案已 400 天仍未侦结（期限 365 天）"),
    ],
)
def test_sp2_boundary(days: int, expected: str | None) -> None:
    busy = facts(filed_on=day(0), last_activity_on=day(days))
    assert explain(sp2(busy, day(days), DEFAULTS)) == expected


# --- NP-1 and NP-2: an identified offender goes unpunished --------------------------------


def test_np1_withdrawn_with_a_known_suspect() -> None:
    case = facts(filed_on=day(1), withdrawn_on=dt.date(2021, 4, 1), suspect_identified=True)
    assert explain(np1(case, day(60), DEFAULTS)) == "嫌疑人已明确，案件却于 2021-04-01 撤案"
    assert np1(dataclasses.replace(case, suspect_identified=False), day(60), DEFAULTS) is None
    assert np1(case, dt.date(2021, 3, 31), DEFAULTS) is None  # not yet withdrawn then


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("no_prosecution", "检察机关作出“不起诉”决定"),
        ("withdrawn_prosecution", "检察机关作出“撤回起诉”决定"),
        ("no_arrest", None),
        (None, None),
    ],
)
def test_np2_decisions(decision: str | None, expected: str | None) -> None:
    case = facts(filed_on=day(1), procuratorate_decision=decision)
    assert explain(np2(case, day(60), DEFAULTS)) == expected


# --- Findings: what a rule read, and its digest -------------------------------------------


def test_a_finding_carries_exactly_the_facts_its_rule_read() -> None:
    found = nf1(facts(complex=True), day(31), DEFAULTS)
    assert found is not None
    assert (found.rule_id, found.kind) == ("NF-1", "not_filed")
    assert found.facts == {
        "accepted_on": "2021-03-01",
        "filed_on": None,
        "not_filed_on": None,
        "complex": True,
    }


def test_the_digest_changes_only_with_the_facts_the_rule_read() -> None:
    base = facts(filed_on=day(0))
    found = sp2(base, day(400), DEFAULTS)
    unrelated = sp2(dataclasses.replace(base, suspect_identified=True), day(500), DEFAULTS)
    related = sp2(dataclasses.replace(base, filed_on=day(1)), day(400), DEFAULTS)
    assert found is not None
    assert unrelated is not None
    assert related is not None
    assert found.facts_hash == unrelated.facts_hash
    assert found.facts_hash != related.facts_hash


def test_lead_order_does_not_change_the_digest() -> None:
    a, b = LeadMention("XS2021-00001", day(3)), LeadMention("XS2021-00002", day(4))
    one = nf2(facts(not_filed_on=day(1), leads=(a, b)), day(9), DEFAULTS)
    two = nf2(facts(not_filed_on=day(1), leads=(b, a)), day(9), DEFAULTS)
    assert one is not None
    assert two is not None
    assert one.facts_hash == two.facts_hash == facts_hash(one.facts)


def test_evaluate_runs_every_rule_on_a_case() -> None:
    case = facts(
        filed_on=day(0),
        withdrawn_on=day(30),
        suspect_identified=True,
        procuratorate_decision="no_prosecution",
    )
    assert [f.rule_id for f in evaluate(case, day(400), DEFAULTS)] == ["NP-1", "NP-2"]


# --- A new rule is one function and one decorator -----------------------------------------


def test_a_new_rule_is_one_decorated_function() -> None:
    registry: dict[str, Rule] = {}

    @rule("NP-9", "not_prosecuted", title="涉案金额巨大却撤案", reads=("withdrawn_on",),
          registry=registry)  # fmt: skip
    def np9(f: CaseFacts, as_of: dt.date, settings: Settings) -> str | None:
        return f"于 {f.withdrawn_on} 撤案" if f.withdrawn_on else None

    assert registry == {"NP-9": np9}
    found = np9(facts(filed_on=day(0), withdrawn_on=day(5)), day(9), DEFAULTS)
    assert found == Finding(
        "NP-9", "not_prosecuted", "于 2021-03-06 撤案", {"withdrawn_on": "2021-03-06"}
    )
    assert [f.rule_id for f in evaluate(facts(withdrawn_on=day(5)), day(9), DEFAULTS, [np9])] == [
        "NP-9"
    ]


@pytest.mark.parametrize(
    ("rule_id", "kind", "reads", "message"),
    [
        ("NF-1", "not_filed", ("accepted_on",), "taken"),
        ("manual", "not_filed", ("accepted_on",), "taken"),
        ("XX-1", "speeding", ("accepted_on",), "unknown kind"),
        ("XX-1", "not_filed", ("accepted",), "unknown facts"),
    ],
)
def test_a_bad_rule_is_refused_when_declared(
    rule_id: str, kind: str, reads: tuple[str, ...], message: str
) -> None:
    registry = {"NF-1": nf1}
    with pytest.raises(ValueError, match=message):
        rule(rule_id, kind, title="x", reads=reads, registry=registry)


def test_the_fast_constructor_makes_the_same_frozen_facts() -> None:
    values = (ACCEPTED, day(1), None, day(30), None, None, day(20), True, True, "no_prosecution")
    leads = (LeadMention("XS2021-00001", day(3)),)
    made = facts_from(values, leads)
    assert made == CaseFacts(*values, leads)
    assert type(made) is CaseFacts
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.filed_on = None  # type: ignore[misc]


_dates = st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
_text = st.text(max_size=12)  # any characters: quotes, backslashes, controls, CJK, surrogates
_facts = st.builds(
    CaseFacts,
    accepted_on=st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
    filed_on=_dates,
    not_filed_on=_dates,
    withdrawn_on=_dates,
    prosecuted_on=_dates,
    closed_on=_dates,
    last_activity_on=_dates,
    complex=st.booleans(),
    suspect_identified=st.booleans(),
    procuratorate_decision=st.none() | _text,
    leads=st.lists(st.builds(LeadMention, _text, _dates.filter(bool)), max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(facts=_facts)
def test_the_fast_facts_text_is_the_canonical_json_of_what_each_rule_read(
    facts: CaseFacts,
) -> None:
    # The scan compares digests of this text with those stored by earlier versions: one
    # character of difference would reopen every dismissed flag.
    for each in all_rules():
        assert each.facts_text(facts) == canonical_json(each.facts_of(facts))

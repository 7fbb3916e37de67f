"""Vocabulary lookups: every spelling a ledger uses maps to the stored key, nothing else does."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.paths import resources_dir
from workstation.vocab import (
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
    Term,
    Vocabulary,
)

# (vocabulary name, text as a ledger writes it, expected key): DESIGN §3 and the brief.
DESIGN_SPELLINGS: list[tuple[str, str, str]] = [
    # channel
    ("channel", "来电", "phone"),
    ("channel", "电话", "phone"),
    ("channel", "热线", "phone"),
    ("channel", "值班电话", "phone"),
    ("channel", "12389", "phone"),
    ("channel", "来信", "letter"),
    ("channel", "信件", "letter"),
    ("channel", "邮政信箱", "letter"),
    ("channel", "信访件", "letter"),
    ("channel", "电子邮件", "email"),
    ("channel", "邮件", "email"),
    ("channel", "电子邮箱", "email"),
    ("channel", "e-mail", "email"),
    ("channel", "来访", "visit"),
    ("channel", "当面反映", "visit"),
    ("channel", "走访", "visit"),
    ("channel", "网络举报", "online"),
    ("channel", "网上举报", "online"),
    ("channel", "网站", "online"),
    ("channel", "微信", "online"),
    ("channel", "上级交办", "referral"),
    ("channel", "交办", "referral"),
    ("channel", "转办", "referral"),
    ("channel", "督办", "referral"),
    ("channel", "指导组交办", "referral"),
    ("channel", "个人自查", "self_report"),
    ("channel", "自查", "self_report"),
    ("channel", "主动说明", "self_report"),
    ("channel", "检查发现", "inspection"),
    ("channel", "专项检查", "inspection"),
    ("channel", "交叉互查", "inspection"),
    ("channel", "案件评查", "inspection"),
    ("channel", "其他", "other"),
    # category: DESIGN labels and the short forms ledgers use
    ("category", '违反防止干预司法"三个规定"', "interference"),
    ("category", "违反防止干预司法“三个规定”", "interference"),
    ("category", "干预司法", "interference"),
    ("category", "三个规定", "interference"),
    ("category", "违规经商办企业（含配偶、子女及其配偶违规从事经营活动）", "business"),
    ("category", "违规经商办企业", "business"),
    ("category", "经商办企业", "business"),
    ("category", "违规参股借贷", "shareholding_lending"),
    ("category", "参股借贷", "shareholding_lending"),
    ("category", "违规违法减刑、假释、暂予监外执行", "sentence_reduction"),
    ("category", "减刑假释暂予监外执行", "sentence_reduction"),
    ("category", "减假暂", "sentence_reduction"),
    ("category", "有案不立、压案不查、有罪不究", "case_handling"),
    ("category", "有案不立", "case_handling"),
    ("category", "压案不查", "case_handling"),
    ("category", "有罪不究", "case_handling"),
    ("category", "法官检察官离任后违规从事律师职业、充当司法掮客", "revolving_door"),
    ("category", "离任后违规从事律师职业", "revolving_door"),
    ("category", "司法掮客", "revolving_door"),
    ("category", "其他（作风、不作为、慢作为、乱作为等）", "other"),
    ("category", "作风", "other"),
    ("category", "不作为", "other"),
    ("category", "慢作为", "other"),
    ("category", "乱作为", "other"),
    # unit type
    ("unit_type", "政法委", "committee"),
    ("unit_type", "法院", "court"),
    ("unit_type", "法庭", "court"),
    ("unit_type", "检察院", "procuratorate"),
    ("unit_type", "公安", "police"),
    ("unit_type", "司法行政", "justice"),
    ("unit_type", "镇街", "township"),
    ("unit_type", "其他", "other"),
    # lead status
    ("lead_status", "待处理", "new"),
    ("lead_status", "未处理", "new"),
    ("lead_status", "待办", "new"),
    ("lead_status", "已分办", "assigned"),
    ("lead_status", "已交办", "assigned"),
    ("lead_status", "已分派", "assigned"),
    ("lead_status", "核查中", "verifying"),
    ("lead_status", "正在核查", "verifying"),
    ("lead_status", "已办结", "concluded"),
    ("lead_status", "办结", "concluded"),
    ("lead_status", "已结", "concluded"),
    ("lead_status", "已移交", "transferred"),
    ("lead_status", "已移送", "transferred"),
    ("lead_status", "移交", "transferred"),
    ("lead_status", "暂存待查", "shelved"),
    ("lead_status", "暂存", "shelved"),
    # disposition
    ("disposition", "谈话函询", "talk_inquiry"),
    ("disposition", "初步核实", "preliminary_check"),
    ("disposition", "暂存待查", "shelve"),
    ("disposition", "予以了结", "close"),
    ("disposition", "移交", "transfer"),
    # result
    ("result", "属实", "substantiated"),
    ("result", "查实", "substantiated"),
    ("result", "部分属实", "partly"),
    ("result", "不属实", "unsubstantiated"),
    ("result", "失实", "unsubstantiated"),
    ("result", "查否", "unsubstantiated"),
    ("result", "无法查实", "unverifiable"),
    ("result", "无法核实", "unverifiable"),
    # anomalies
    ("anomaly_kind", "有案不立", "not_filed"),
    ("anomaly_kind", "压案不查", "suppressed"),
    ("anomaly_kind", "有罪不究", "not_prosecuted"),
    ("anomaly_state", "疑似", "suspected"),
    ("anomaly_state", "已认定", "confirmed"),
    ("anomaly_state", "已排除", "dismissed"),
    # case kind
    ("case_kind", "刑事", "criminal"),
    ("case_kind", "刑事案件", "criminal"),
    ("case_kind", "行政", "administrative"),
    ("case_kind", "行政案件", "administrative"),
    # procuratorate decision
    ("procuratorate_decision", "不批捕", "no_arrest"),
    ("procuratorate_decision", "不予批捕", "no_arrest"),
    ("procuratorate_decision", "不批准逮捕", "no_arrest"),
    ("procuratorate_decision", "不起诉", "no_prosecution"),
    ("procuratorate_decision", "决定不起诉", "no_prosecution"),
    ("procuratorate_decision", "存疑不起诉", "no_prosecution"),
    ("procuratorate_decision", "相对不起诉", "no_prosecution"),
    ("procuratorate_decision", "绝对不起诉", "no_prosecution"),
    ("procuratorate_decision", "撤回起诉", "withdrawn_prosecution"),
    # role
    ("role", "录入员", "clerk"),
    ("role", "内勤", "clerk"),
    ("role", "核查人员", "inspector"),
    ("role", "评查人员", "inspector"),
    ("role", "核查、评查人员", "inspector"),
    ("role", "领导", "leader"),
    ("role", "管理员", "admin"),
]


@pytest.mark.parametrize(("vocabulary", "text", "key"), DESIGN_SPELLINGS)
def test_design_spelling_maps_to_key(vocabulary: str, text: str, key: str) -> None:
    assert VOCABULARIES[vocabulary].to_key(text) == key


# Spellings that differ only in ways normalise() folds: spaces, full width, 繁體, case.
@pytest.mark.parametrize(
    ("vocabulary", "text", "key"),
    [
        ("channel", "電話", "phone"),
        ("channel", "１２３８９", "phone"),
        ("channel", " 來 信 ", "letter"),
        ("channel", "E-Mail", "email"),
        ("channel", "EMAIL", "email"),
        ("channel", "ｅ－ｍａｉｌ", "email"),
        ("channel", "Email", "email"),
        ("channel", "网\u3000上\u3000举\u3000报", "online"),
        ("channel", "網絡舉報", "online"),
        ("channel", "上級交辦", "referral"),
        ("channel", "指導組\n交辦", "referral"),
        ("channel", "\u200b来访\ufeff", "visit"),
        ("channel", "Phone", "phone"),
        ("channel", " SELF_REPORT ", "self_report"),
        ("channel", "self-report", "self_report"),
        ("channel", "\t其它", "other"),
        ("category", "三個規定", "interference"),
        ("category", "違反防止幹預司法「三個規定」", "interference"),
        ("category", "違規經商辦企業", "business"),
        ("category", "減假暫", "sentence_reduction"),
        ("category", "减刑 假释 暂予监外执行", "sentence_reduction"),
        ("category", "有案不立，压案不查，有罪不究", "case_handling"),
        ("category", "司法掮客 ", "revolving_door"),
        ("lead_status", "已辦結", "concluded"),
        ("lead_status", "核 查 中", "verifying"),
        ("lead_status", "NEW", "new"),
        ("result", "部分屬實", "partly"),
        ("result", "無法查實", "unverifiable"),
        ("procuratorate_decision", "撤回起訴", "withdrawn_prosecution"),
        ("procuratorate_decision", "不批準逮捕", "no_arrest"),
        ("role", "內勤", "clerk"),
        ("role", "核查评查人员", "inspector"),
        ("unit_type", "鎮街", "township"),
        ("unit_type", "檢察院", "procuratorate"),
        ("anomaly_state", "已認定", "confirmed"),
    ],
)
def test_folded_variant_maps_to_key(vocabulary: str, text: str, key: str) -> None:
    assert VOCABULARIES[vocabulary].to_key(text) == key


@pytest.mark.parametrize(
    ("vocabulary", "text"),
    [
        ("channel", None),
        ("channel", ""),
        ("channel", "   "),
        ("channel", "\u3000\u200b"),
        ("channel", "火星来电"),
        ("channel", "电话电话"),
        ("channel", "phone2"),
        ("channel", "、"),
        ("category", "欠薪"),
        ("lead_status", "已撤销"),
        ("result", "属"),
        ("role", "superuser"),
        ("procuratorate_decision", "起诉"),
        # A key of one vocabulary is not a key of another.
        ("result", "phone"),
        ("lead_status", "talk_inquiry"),
    ],
)
def test_unknown_text_maps_to_none(vocabulary: str, text: str | None) -> None:
    assert VOCABULARIES[vocabulary].to_key(text) is None


ALL_TERMS = [(vocabulary, term) for vocabulary in VOCABULARIES.values() for term in vocabulary]


@pytest.mark.parametrize(
    ("vocabulary", "term"), ALL_TERMS, ids=[f"{v.name}.{t.key}" for v, t in ALL_TERMS]
)
def test_key_label_and_synonyms_round_trip(vocabulary: Vocabulary, term: Term) -> None:
    assert vocabulary.label(term.key) == term.label
    assert vocabulary.to_key(term.key) == term.key
    assert vocabulary.to_key(term.label) == term.key
    for synonym in term.synonyms:
        assert vocabulary.to_key(synonym) == term.key, synonym


def test_vocabularies_by_name_and_title() -> None:
    titles = {name: vocabulary.title for name, vocabulary in VOCABULARIES.items()}
    assert titles == {
        "channel": "来源渠道",
        "category": "问题类别",
        "unit_type": "单位类型",
        "lead_status": "线索状态",
        "disposition": "处置方式",
        "result": "核查结论",
        "anomaly_kind": "异常类型",
        "anomaly_state": "异常状态",
        "case_kind": "案件类型",
        "procuratorate_decision": "检察机关决定",
        "role": "角色",
    }
    assert all(vocabulary.name == name for name, vocabulary in VOCABULARIES.items())


@pytest.mark.parametrize(
    ("vocabulary", "keys"),
    [
        (
            CHANNEL,
            (
                "phone",
                "letter",
                "email",
                "visit",
                "online",
                "referral",
                "self_report",
                "inspection",
                "other",
            ),
        ),
        (
            CATEGORY,
            (
                "interference",
                "business",
                "shareholding_lending",
                "sentence_reduction",
                "case_handling",
                "revolving_door",
                "other",
            ),
        ),
        (
            UNIT_TYPE,
            ("committee", "court", "procuratorate", "police", "justice", "township", "other"),
        ),
        (
            LEAD_STATUS,
            ("new", "assigned", "verifying", "concluded", "transferred", "shelved"),
        ),
        (DISPOSITION, ("talk_inquiry", "preliminary_check", "shelve", "close", "transfer")),
        (RESULT, ("substantiated", "partly", "unsubstantiated", "unverifiable")),
        (ANOMALY_KIND, ("not_filed", "suppressed", "not_prosecuted")),
        # closed: a rule flag the scan closed because the case's facts no longer fire it.
        (ANOMALY_STATE, ("suspected", "confirmed", "dismissed", "closed")),
        (CASE_KIND, ("criminal", "administrative")),
        (PROCURATORATE_DECISION, ("no_arrest", "no_prosecution", "withdrawn_prosecution")),
        (ROLE, ("clerk", "inspector", "leader", "admin")),
    ],
    ids=lambda value: value.name if isinstance(value, Vocabulary) else "",
)
def test_keys_in_design_order(vocabulary: Vocabulary, keys: tuple[str, ...]) -> None:
    assert vocabulary.keys() == keys
    assert VOCABULARIES[vocabulary.name] is vocabulary


def test_choices_pair_keys_with_labels() -> None:
    assert LEAD_STATUS.choices() == [
        ("new", "待处理"),
        ("assigned", "已分办"),
        ("verifying", "核查中"),
        ("concluded", "已办结"),
        ("transferred", "已移交"),
        ("shelved", "暂存待查"),
    ]
    assert [key for key, _ in CHANNEL.choices()] == list(CHANNEL.keys())


def test_label_of_unknown_key_raises() -> None:
    with pytest.raises(KeyError):
        RESULT.label("maybe")
    # Labels are not keys.
    with pytest.raises(KeyError):
        RESULT.label("属实")


def test_contains_checks_keys_only() -> None:
    assert "phone" in CHANNEL
    assert "来电" not in CHANNEL
    assert "Phone" not in CHANNEL
    assert "phone" not in RESULT


def test_term_is_frozen() -> None:
    term = CHANNEL.terms[0]
    assert term == Term("phone", "来电", term.synonyms)
    with pytest.raises(dataclasses.FrozenInstanceError):
        term.key = "fax"  # type: ignore[misc]


def test_ambiguous_spelling_is_rejected() -> None:
    vocabulary = Vocabulary(
        "demo", "演示", [Term("a", "甲", ("同名",)), Term("b", "乙", ("同 名",))]
    )
    with pytest.raises(ValueError, match="同 名"):
        vocabulary.to_key("甲")


def test_duplicate_key_is_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate key"):
        Vocabulary("demo", "演示", [Term("a", "甲"), Term("a", "乙")])


def test_resource_file_lists_every_vocabulary_once() -> None:
    document = json.loads((resources_dir() / "vocab" / "vocabularies.json").read_text("utf-8"))
    names = [spec["name"] for spec in document["vocabularies"]]
    assert sorted(names) == sorted(VOCABULARIES)
    assert len(names) == len(set(names))
    for spec in document["vocabularies"]:
        for entry in spec["entries"]:
            assert set(entry) <= {"key", "label", "synonyms", "keywords"}, entry["key"]
            has_keywords = spec["name"] == "category"
            assert ("keywords" in entry) == has_keywords, entry["key"]


def test_vocab_imports_without_qt() -> None:
    code = (
        "import sys, workstation.vocab as v; v.CHANNEL.to_key('电话');"
        "sys.exit(any(m.split('.')[0] in {'PySide6', 'shiboken6'} for m in sys.modules))"
    )
    repo_root = Path(__file__).resolve().parents[3]
    completed = subprocess.run([sys.executable, "-c", code], cwd=repo_root, check=False, timeout=60)
    assert completed.returncode == 0


@pytest.mark.parametrize("written", ["12337", "１２３３７平台", "12337智能化举报平台"])
def test_the_campaigns_12337_reporting_platform_is_an_online_channel(written: str) -> None:
    # The campaign's own reporting platform (12337 智能化举报平台) fills many ledgers' 来源.
    assert CHANNEL.to_key(written) == "online"

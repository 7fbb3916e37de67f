"""classify_category on category cells and lead summaries as ledgers write them."""

from __future__ import annotations

import pytest

from workstation.vocab import CATEGORY, classify_category


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Category cells: labels, short labels and variants map directly.
        ("违反防止干预司法“三个规定”", "interference"),
        ("三個規定", "interference"),
        ("经商办企业", "business"),
        ("违规参股、借贷", "shareholding_lending"),
        ("減假暫", "sentence_reduction"),
        ("有案不立", "case_handling"),
        ("司法掮客", "revolving_door"),
        ("其他", "other"),
        ("慢作为", "other"),
        # Cells in words of their own.
        ("干预过问案件", "interference"),
        ("违规经商", "business"),
        ("违规减刑", "sentence_reduction"),
        ("离任从业", "revolving_door"),
        # Summaries.
        ("反映某区法院法官王某为其亲属的民事案件向承办法官打招呼、说情", "interference"),
        ("举报某派出所民警李某插手经济纠纷，为当事人通风报信", "interference"),
        ("反映某检察官配偶长期开办公司并承揽工程，本人实际控制", "business"),
        ("反映某民警在辖区企业兼职取酬", "business"),
        ("反映某法官向案件当事人借款50万元未还", "shareholding_lending"),
        ("举报某干警在某小额贷款公司入股并参与放贷", "shareholding_lending"),
        ("反映某监狱违规为罪犯办理保外就医", "sentence_reduction"),
        ("举报罪犯张某通过虚假立功材料获得减刑", "sentence_reduction"),
        ("反映某派出所对一起故意伤害案应当立案而不立案", "case_handling"),
        ("举报某公安分局对诈骗案件久侦不结、以罚代刑", "case_handling"),
        ("反映某退休法官到律师事务所担任律师，代理原单位案件", "revolving_door"),
        ("反映某前检察官充当司法掮客，为当事人介绍案源", "revolving_door"),
        ("反映某窗口工作人员态度恶劣，推诿扯皮", "other"),
        ("反映某干警工作日中午违规吃喝、酒驾", "other"),
        # A specific ailment outweighs a passing mention of 作风.
        ("反映某法官作风粗暴，并多次向律师打听案情后说情", "interference"),
        ("反映某法官作风不正、不作为，还插手案件替当事人说情", "interference"),
        # Traditional and full-width text folds first.
        ("舉報某法官違規經商辦企業", "business"),
    ],
)
def test_classify_category(text: str, expected: str) -> None:
    assert classify_category(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "反映某小区物业费收取不合理",
        "来电咨询办事流程",
        # 其他 is a fine category cell but says nothing in a summary.
        "张某与其他人员一同来访",
    ],
)
def test_nothing_to_go_on_gives_none(text: str | None) -> None:
    assert classify_category(text) is None


def test_every_category_has_keywords_that_classify_to_it() -> None:
    from workstation.vocab.catalogue import CATEGORY_KEYWORDS

    assert set(CATEGORY_KEYWORDS) == set(CATEGORY.keys())
    for key, keywords in CATEGORY_KEYWORDS.items():
        assert keywords, key
        # The category's longest keyword, alone, must land on that category.
        longest = max(keywords, key=len)
        assert classify_category("反映" + longest) == key, longest

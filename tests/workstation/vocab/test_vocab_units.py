"""infer_unit_type on unit names as they appear in real ledgers."""

from __future__ import annotations

import pytest

from workstation.vocab import UNIT_TYPE, infer_unit_type


@pytest.mark.parametrize(
    ("unit_name", "expected"),
    [
        # 政法委
        ("中共XX市委政法委员会", "committee"),
        ("XX区委政法委", "committee"),
        ("XX县委政法委执法监督科", "committee"),
        # 检察院, including its judicial police and a 检察室 in a township
        ("XX市人民检察院", "procuratorate"),
        ("XX区人民检察院第二检察部", "procuratorate"),
        ("XX铁路运输检察分院", "procuratorate"),
        ("XX市人民检察院司法警察支队", "procuratorate"),
        ("XX县人民检察院驻XX镇检察室", "procuratorate"),
        # 法院, including 执行局, 派出法庭 and court police
        ("XX市中级人民法院", "court"),
        ("XX区人民法院执行局", "court"),
        ("XX县人民法院XX派出法庭", "court"),
        ("XX镇人民法庭", "court"),
        ("XX市中级人民法院司法警察支队", "court"),
        ("XX知识产权法庭", "court"),
        # 公安, including 看守所 (police-run) and units named only by their police branch
        ("XX市公安局", "police"),
        ("XX市公安局XX分局", "police"),
        ("XX县公安局法制大队", "police"),
        ("XX镇派出所", "police"),
        ("XX街道派出所", "police"),
        ("XX市看守所", "police"),
        ("XX市交警支队", "police"),
        ("XX市刑警支队", "police"),
        ("XX市巡特警支队", "police"),
        ("XX市公安局强制隔离戒毒所", "police"),
        ("XX市交通警察支队三大队", "police"),
        # 司法行政
        ("XX市司法局", "justice"),
        ("XX镇司法所", "justice"),
        ("XX街道司法所", "justice"),
        ("XX省司法厅", "justice"),
        ("XX监狱", "justice"),
        ("XX省强制隔离戒毒所", "justice"),
        ("XX县社区矫正管理局", "justice"),
        # 镇街
        ("XX街道办事处", "township"),
        ("XX街道", "township"),
        ("XX镇人民政府", "township"),
        ("XX镇", "township"),
        ("XX乡政府", "township"),
        ("XX镇综治中心", "township"),
        ("XX街办", "township"),
        # other: 镇/乡 inside a longer word is not a township
        ("镇江市市场监督管理局", "other"),
        ("XX县乡村振兴局", "other"),
        ("XX市城乡建设局", "other"),
        ("XX市纪委监委", "other"),
        ("XX市国家安全局", "other"),
        ("XX律师事务所", "other"),
        ("", "other"),
        (None, "other"),
        # spelling variants normalise() folds
        ("XX市人民檢察院", "procuratorate"),
        ("XX 区 人民 法院", "court"),
        ("XX鎮司法所", "justice"),
        ("ＸＸ市公安局", "police"),
    ],
)
def test_infer_unit_type(unit_name: str | None, expected: str) -> None:
    assert infer_unit_type(unit_name) == expected


def test_inferred_types_are_vocabulary_keys() -> None:
    names = ["某市委政法委", "某法院", "某检察院", "某派出所", "某司法所", "某镇", "某单位"]
    assert [infer_unit_type(name) for name in names] == list(UNIT_TYPE.keys())

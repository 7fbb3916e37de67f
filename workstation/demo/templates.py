"""Templates of lead summaries (主要问题), per category, written the way complaints read."""

from __future__ import annotations

from typing import NamedTuple


class Template(NamedTuple):
    text: str
    # Unit types the template fits (None: any); first-person complaints need a public reporter.
    unit_types: frozenset[str] | None = None
    first_person: bool = False
    # Templates about what one officer did make no sense about a unit's staff in general.
    person: bool = False

    @property
    def needs_person(self) -> bool:
        return self.person or "{who}" in self.text or "{relative}" in self.text


_COURT = frozenset({"court"})
_JUDICIAL = frozenset({"court", "procuratorate"})
_POLICE = frozenset({"police"})
_ENFORCEMENT = frozenset({"police", "procuratorate", "court"})
_CUSTODY = frozenset({"court", "procuratorate", "justice"})
_OFFICES = frozenset({"committee", "court", "procuratorate", "police", "justice"})

# Placeholders: {subj} the officer with unit and position (or the unit's staff), {who} the
# officer for a second mention, {unit} the unit, {other}/{other2} other masked names, and the
# fillers made by workstation.demo.leads (cause, story, amount, company, shop, relative...).
BODIES: dict[str, tuple[Template, ...]] = {
    "interference": (
        Template(
            "反映{subj}多次过问其亲属涉及的一起{cause}案件办理情况，并向承办人打招呼要求"
            "“从轻处理”，未按规定如实记录报告。"
        ),
        Template(
            "反映{subj}与{company}负责人{other}长期交往密切，多次接受其吃请，并在该公司涉诉"
            "案件中为其通风报信、打探案情。"
        ),
        Template(
            "反映{subj}于{date}通过电话向承办人过问{other}涉嫌{cause}一案，要求对其变更强制"
            "措施，致使该案久拖不决。"
        ),
        Template(
            "反映{subj}在案件审理期间私下会见一方当事人{other}的代理律师，接受宴请，并透露"
            "合议庭评议情况。",
            _COURT,
        ),
        Template(
            "反映{subj}利用职务影响，为其同学{other}涉及的民间借贷纠纷案件说情、打招呼，"
            "干预案件正常办理。"
        ),
        Template(
            "反映其与{other}的{dispute}纠纷案件中，{subj}私下与对方当事人接触，收受对方"
            "所送购物卡，办案明显偏袒对方。",
            _ENFORCEMENT,
            True,
        ),
    ),
    "business": (
        Template(
            "反映{subj}的{relative}在{place}经营一家{shop}，{who}利用职务便利为其招揽生意、"
            "打压同行，周边经营户敢怒不敢言。"
        ),
        Template(
            "反映{subj}以他人名义入股{company}，长期参与经营并领取分红，未按规定报告个人有关事项。"
        ),
        Template(
            "反映{subj}的{relative}开办的{company}承接辖区内多个工程项目，{who}在项目审批、"
            "纠纷处理中为其提供帮助。"
        ),
        Template(
            "反映{subj}在工作日经常前往其{relative}经营的{shop}帮忙，本职工作无人负责，群众"
            "办事找不到人。"
        ),
        Template(
            "反映{subj}的{relative}经营的{shop}长期无证经营，{who}多次出面阻挠有关部门检查。",
            _POLICE,
        ),
    ),
    "shareholding_lending": (
        Template(
            "反映{subj}向辖区企业主{other}借款{amount}用于购房，至今未归还，且在{other}涉及"
            "的案件中为其提供帮助。"
        ),
        Template(
            "反映{subj}以高额利息向他人放贷，借款人中有多名案件当事人，合计金额约{amount}，"
            "并指使他人上门催收。"
        ),
        Template("反映{subj}在{company}违规参股，占股约{pct}%，每年获取分红{amount}。"),
        Template(
            "反映{subj}向其管理服务对象{other}借款{amount}，约定月息两分，借款期间{other}"
            "涉及的纠纷由{who}出面“协调”。"
        ),
    ),
    "sentence_reduction": (
        Template(
            "反映{subj}在办理罪犯{other}减刑案件中收受其家属财物{amount}，违规出具有关材料，"
            "致使其获得减刑。",
            _CUSTODY,
        ),
        Template(
            "反映因{crime}罪服刑的罪犯{other}以患病为由暂予监外执行后长期在外经营生意，"
            "身体状况并无异常，怀疑{subj}在病情鉴定环节弄虚作假。",
            _CUSTODY,
        ),
        Template(
            "反映{subj}在审理罪犯{other}假释案件时未依法公示，对其“确有悔改表现”的材料"
            "未认真审查，存在违规假释问题。",
            _COURT,
        ),
        Template(
            "反映{subj}对暂予监外执行罪犯{other}疏于监管，其长期脱管漏管，仍在{place}一带"
            "出入娱乐场所。",
            frozenset({"justice"}),
        ),
        Template(
            "反映{subj}对罪犯{other}的减刑建议未按规定审查，其服刑期间多次违反监规仍被"
            "提请减刑，检察监督流于形式。",
            frozenset({"procuratorate"}),
        ),
    ),
    "case_handling": (
        Template(
            "反映其于{date}向{unit}报案称{story}，损失约{amount}，至今未予立案，也未出具"
            "任何书面答复，多次询问均被推诿。",
            _POLICE,
            True,
        ),
        Template(
            "反映{subj}在办理一起{cause}案件中，收受当事人家属财物，对已到案的嫌疑人违规"
            "取保候审，案件至今未移送审查起诉。",
            _POLICE,
        ),
        Template(
            "反映{unit}对{other}涉嫌{cause}一案立案后长期未开展侦查，嫌疑人至今仍在外活动，"
            "报案人多次催办无果。",
            _POLICE,
        ),
        Template(
            "反映{subj}对{place}一带的{cause}问题长期不查，群众多次举报均石沉大海，怀疑其"
            "充当“保护伞”。",
            _POLICE,
        ),
        Template(
            "反映{subj}在办理{other}涉嫌{cause}一案中，对证据确实充分的事实不予认定，作出"
            "不起诉决定，有罪不究。",
            frozenset({"procuratorate"}),
        ),
        Template(
            "反映{subj}对其申请强制执行的案件拖延执行，立案已{months}个月仍未采取任何执行"
            "措施，被执行人却在转移财产。",
            _COURT,
            True,
        ),
        Template(
            "反映{subj}对符合条件的起诉不予登记立案，既不出具裁定也不说明理由，群众"
            "“立案难”问题突出。",
            _COURT,
        ),
    ),
    "revolving_door": (
        Template(
            "反映{subj}离任后不满两年即到{law_firm}担任律师，代理原单位承办的案件，并以"
            "与原同事熟悉为由招揽业务。",
            _JUDICIAL,
            person=True,
        ),
        Template(
            "反映{subj}的{relative}在{law_firm}执业，{who}多次将案件当事人介绍给其代理，从中牟利。",
            _JUDICIAL,
        ),
        Template(
            "反映{subj}退休后以“熟悉法官检察官”为名，收取当事人“活动经费”{amount}，充当司法掮客。",
            _JUDICIAL,
            person=True,
        ),
        Template(
            "反映{subj}与{law_firm}律师{other}关系密切，向当事人推荐该律师代理，并在案件"
            "办理中给予关照。",
            _OFFICES,
        ),
    ),
    "other": (
        Template("反映{subj}工作作风粗暴，在群众办事时态度恶劣，辱骂当事人，造成不良影响。"),
        Template("反映{subj}上班时间经常不在岗，值班期间饮酒，群众报警后长时间无人出警。", _POLICE),
        Template(
            "反映{subj}在执法过程中选择性使用执法记录仪，对当事人进行不当处罚，罚款后未出具票据。",
            _POLICE,
        ),
        Template("反映{subj}在办理户籍迁移业务中故意刁难群众，暗示索要“好处费”。", _POLICE),
        Template("反映{subj}接受管理服务对象宴请，多次出入高档娱乐场所，生活作风不检点。"),
        Template("反映{subj}违规驾驶公务用车接送家属，节假日公车私用。"),
        Template(
            "反映{subj}对群众反映的{place}噪音扰民问题推诿扯皮，一年多来始终未予解决。",
            frozenset({"township", "police"}),
        ),
        Template(
            "反映{subj}在{dispute}纠纷调解中偏袒一方，调解协议未经其本人签字即送法院确认。",
            frozenset({"justice", "township"}),
        ),
        Template("反映{subj}在工作群中发表不当言论，对上级安排的教育整顿工作敷衍应付。"),
        Template(
            "反映其于{date}前往{unit}办理事务，{who}以材料不全为由多次让其往返，慢作为问题突出。",
            None,
            True,
        ),
    ),
}

# Summaries of leads that name a case, by what went wrong in it (see workstation.demo.cases);
# {who} is the case's officer (承办人).
CASE_BODIES: dict[str, tuple[str, ...]] = {
    "not_filed": (
        (
            "反映{unit}对其报案的{cause}案件（案号：{case_no}）作出不予立案决定，理由不能成立，"
            "请求监督立案。"
        ),
        (
            "反映其报案称{story}，{unit}受案后于{decided}作出不予立案决定（{case_no}），"
            "{who}未调取关键证据即认定不构成犯罪。"
        ),
    ),
    "pending": (
        (
            "反映其报案的{cause}案件（案号：{case_no}）{unit}受案后一直未作出是否立案的决定，"
            "已过去很久仍无消息。"
        ),
    ),
    "stalled": (
        (
            "反映{unit}办理的{cause}案件（案号：{case_no}）立案后长期无进展，{who}以"
            "“正在侦查”为由一再推托。"
        ),
        (
            "反映案号为{case_no}的{cause}案件立案已久，嫌疑人身份明确却一直未被抓获，{unit}"
            "办案民警对报案人的催问置之不理。"
        ),
    ),
    "withdrawn": (
        (
            "反映{unit}办理的{cause}案件（案号：{case_no}）嫌疑人已到案，却以“证据不足”为由"
            "撤销案件，怀疑{who}收受了嫌疑人家属好处。"
        ),
    ),
    "not_prosecuted": (
        (
            "反映{unit}办理的{cause}案件（案号：{case_no}）移送审查起诉后，{prosecutor}"
            "{decision}，被害人不服，认为办案过程中存在说情打招呼问题。"
        ),
    ),
}

SELF_REPORTS: dict[str, tuple[str, ...]] = {
    "business": (
        (
            "{subj}在个人自查中主动说明：本人{relative}自{year}年起在{place}经营一家{shop}，"
            "本人未按规定报告。"
        ),
    ),
    "shareholding_lending": (
        (
            "{subj}在个人自查中主动说明：{year}年曾向{other}借款{amount}用于购房，目前尚未"
            "还清，{other}系本人工作中接触的管理服务对象。"
        ),
    ),
    "interference": (
        (
            "{subj}在个人自查中主动说明：{year}年曾受亲属之托，向承办人打听一起{cause}案件"
            "的办理进展，未按规定记录报告。"
        ),
    ),
    "other": (
        "{subj}在个人自查中主动说明：{year}年曾接受管理服务对象宴请一次，现已主动退还有关费用。",
    ),
}

# Said before the body of leads handed down or found by the inspectors themselves. Reporters'
# leads start with the body (反映……): the channel has its own column, and a repeat of the same
# complaint by another channel then carries the very same summary.
OPENINGS = {
    "referral": ("省指导组交办：", "上级转办：", "市委政法委转办："),
    "inspection": ("专项检查发现：", "交叉互查发现：", "案件评查发现："),
}

# Added after the body, one or more, until the summary reaches its intended length.
DETAILS = (
    "反映人称有相关聊天记录和转账凭证可以提供。",
    "此前已向有关部门反映，未得到答复。",
    "请求组织认真调查核实，依法依纪严肃处理。",
    "反映人情绪较为激动，要求尽快给予答复。",
    "据称当地群众对此议论较多，影响恶劣。",
    "反映人表示愿意配合调查。",
    "该问题曾在{year}年被反映过，当时未查实。",
    "反映人提供了相关照片，称还有其他知情人可以作证。",
    "反映人要求对其身份信息予以保密。",
    "另反映{who}存在其他违规违纪问题，但未提供具体线索。",
    "反映人称如得不到处理，将继续向上级反映。",
    "{who}的同事{other2}对此知情。",
)

# The same, for leads that come from an inspection or a higher body rather than a reporter.
ORGAN_DETAILS = (
    "要求认真核查，于30日内报送办理结果。",
    "相关案卷材料已调取。",
    "经初步了解，该问题在单位内部有一定反映。",
    "建议纳入重点线索督办。",
    "要求逐项核实，形成书面报告。",
    "同时发现{unit}存在案件台账登记不规范问题。",
)
SELF_DETAILS = (
    "已按要求填写个人自查事项报告表。",
    "本人对此深刻反省，愿意接受组织处理。",
    "相关情况已向所在单位党组织作出说明。",
)

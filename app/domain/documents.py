"""The documents (文书) of the listing procedure and the register's life: what each
is called, its number infix, and the fields it carries, in printed order."""

from __future__ import annotations

from dataclasses import dataclass

REMEDIES = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "或者自收到本决定书之日起六个月内依法提起行政诉讼。"
)
REMOVAL_TERMS = (
    "管理期满，由本机关自动移出名单，停止公开，解除管理措施。"
    "列入名单满十二个月，已履行行政处罚、纠正违法行为并消除不良影响、未再发生应列入情形，"
    "并作出信用承诺的，可以向本机关申请提前移出（信用修复）。"
)


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    infix: str  # between the bureau prefix and 〔year〕: keeps each kind's series apart
    fields: tuple[tuple[str, str], ...]
    closing: str = ""


_SUBJECT = (("subject_name", "当事人"), ("subject_code", "统一社会信用代码/身份证号码"))
_PENALTY = (("penalty_number", "行政处罚决定书文号"), ("penalty_date", "处罚决定日期"))

KINDS: dict[str, DocumentKind] = {
    k.code: k
    for k in [
        DocumentKind(
            "notice",
            "拟列入安全生产严重失信主体名单告知书",
            "拟列告",
            _SUBJECT
            + _PENALTY
            + (
                ("facts", "违法失信事实"),
                ("situation", "拟列入情形"),
                ("legal_ground", "依据"),
                ("measures", "拟采取的管理措施"),
                ("rights", "陈述、申辩权利"),
                ("deadline", "陈述、申辩期限"),
            ),
        ),
        DocumentKind(
            "statement_review",
            "陈述申辩记录及复核意见",
            "复核",
            _SUBJECT
            + (
                ("statement", "陈述、申辩内容"),
                ("points", "陈述、申辩要点"),
                ("findings", "逐点复核意见"),
                ("adopted", "是否采纳"),
                ("review_opinion", "复核意见"),
                ("measures", "复核后的管理措施"),
            ),
        ),
        DocumentKind(
            "decision",
            "列入安全生产严重失信主体名单决定书",
            "失信决",
            _SUBJECT
            + _PENALTY
            + (
                ("facts", "违法失信事实"),
                ("situation", "列入情形"),
                ("legal_ground", "依据"),
                ("measures", "管理措施"),
                ("period", "管理期限"),
                ("reasons", "决定理由"),
                ("removal", "移出条件和程序"),
                ("remedies", "救济途径"),
            ),
        ),
        DocumentKind(
            "repair_notice",
            "信用修复告知书",
            "修复告",
            _SUBJECT
            + (
                ("decision_number", "列入决定书文号"),
                ("eligible_from", "可申请提前移出之日"),
                ("conditions", "提前移出条件"),
                ("materials", "申请材料"),
                ("where", "受理机关及渠道"),
            ),
        ),
        DocumentKind(
            "service_receipt",
            "送达回证",
            "送达",
            _SUBJECT
            + (
                ("served_documents", "送达文书"),
                ("served_on", "送达日期"),
                ("method", "送达方式"),
                ("recipient", "受送达人（签收人）"),
            ),
        ),
        DocumentKind(
            "expiry",
            "期满移出记录",
            "期满",
            _SUBJECT
            + (
                ("decision_number", "列入决定书文号"),
                ("period", "管理期限"),
                ("removed_on", "移出日期"),
                ("result", "处理结果"),
            ),
        ),
        DocumentKind(
            "withdrawal",
            "撤销列入严重失信主体名单决定书",
            "撤列",
            _SUBJECT
            + _PENALTY
            + (
                ("decision_number", "原列入决定书文号"),
                ("revocation", "行政处罚被撤销或变更的情况"),
                ("reasons", "撤销理由"),
                ("result", "处理结果"),
                ("remedies", "救济途径"),
            ),
        ),
        DocumentKind(
            "revocation",
            "撤销提前移出决定书",
            "撤移",
            _SUBJECT
            + (
                ("decision_number", "原列入决定书文号"),
                ("grounds", "撤销事由"),
                ("findings", "查明的事实"),
                ("reasons", "撤销理由"),
                ("period", "恢复列入后的管理期限"),
                ("remedies", "救济途径"),
            ),
        ),
        DocumentKind(
            "suspension",
            "中止信用修复结果及责令整改通知书",
            "中止",
            _SUBJECT
            + (
                ("decision_number", "原列入决定书文号"),
                ("findings", "回访发现的问题"),
                ("order", "整改要求"),
                ("rectify_days", "整改期限"),
                ("result", "处理结果"),
            ),
        ),
    ]
}


def document_number(prefix: str, kind: DocumentKind, year: int, sequence: int) -> str:
    return f"{prefix}{kind.infix}〔{year}〕{sequence}号"

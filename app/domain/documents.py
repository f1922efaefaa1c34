"""The documents (文书) of both procedures: what each is called, its number infix,
the fields it carries, and whether it states remedies or is served on the party.

Numbers follow GB/T 9704 (发文字号 = 机关代字 + 〔年份〕 + 顺序号), one series per
bureau, year and kind: the bureau's prefix, the kind's infix, e.g. 示市应急修受〔2026〕3号.
The body text of each kind is in app.domain.document_texts."""

from __future__ import annotations

import datetime as dt
import re
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
    remedies: bool = False  # states 行政复议 / 行政诉讼 with the bodies and periods
    served: bool = True  # served on the party: printed with a receipt (签收) box


_SUBJECT = (("subject_name", "当事人"), ("subject_code", "统一社会信用代码/身份证号码"))
_PENALTY = (("penalty_number", "行政处罚决定书文号"), ("penalty_date", "处罚决定日期"))
_APPLICATION = (("applicant", "申请人"), ("received_on", "申请日期"), ("decision_number", "列入决定书文号"))


def _kind(code, title, infix, fields, **options) -> DocumentKind:
    return DocumentKind(code, title, infix, fields, **options)


KINDS: dict[str, DocumentKind] = {
    k.code: k
    for k in [
        # --- listing (列入) ---
        _kind(
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
        _kind(
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
            served=False,
        ),
        _kind(
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
            remedies=True,
        ),
        _kind(
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
        _kind(
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
            served=False,
        ),
        _kind(
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
            served=False,
        ),
        _kind(
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
            remedies=True,
        ),
        # --- credit repair (信用修复 / 提前移出) ---
        _kind(
            "supplement_notice",
            "补正材料通知书",
            "修补",
            _SUBJECT + _APPLICATION + (("missing_items", "需补正的材料"), ("supplement_days", "补正期限")),
        ),
        _kind(
            "acceptance_notice",
            "受理通知书",
            "修受",
            _SUBJECT + _APPLICATION + (("materials", "受理的材料"), ("verify_days", "核查期限")),
        ),
        _kind(
            "rejection_notice",
            "不予受理通知书",
            "修不受",
            _SUBJECT + _APPLICATION + (("reasons", "不予受理理由"), ("remedies", "救济途径")),
            remedies=True,
        ),
        _kind(
            "verification_record",
            "核查记录",
            "修核",
            _SUBJECT
            + _APPLICATION
            + (
                ("verified_on", "核查日期"),
                ("verifier", "核查人员"),
                ("method", "核查方式"),
                ("findings", "核查情况及结论"),
                ("extension", "延长核查期限情况"),
            ),
            served=False,
        ),
        _kind(
            "removal_decision",
            "提前移出安全生产严重失信主体名单决定书",
            "修决",
            _SUBJECT
            + _APPLICATION
            + (
                ("situation", "列入情形"),
                ("listed_on", "列入日期"),
                ("findings", "核查情况"),
                ("remedies", "救济途径"),
            ),
            remedies=True,
        ),
        _kind(
            "removal_refusal",
            "不予提前移出安全生产严重失信主体名单决定书",
            "修不决",
            _SUBJECT
            + _APPLICATION
            + (
                ("situation", "列入情形"),
                ("listed_on", "列入日期"),
                ("findings", "核查情况"),
                ("reasons", "不予提前移出的理由"),
                ("remedies", "救济途径"),
            ),
            remedies=True,
        ),
        _kind(
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
            remedies=True,
        ),
        _kind(
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


def number_pattern(prefix: str, kind: DocumentKind) -> re.Pattern:
    """The one form of a kind's numbers, generated or imported: groups year and sequence."""
    return re.compile(rf"{re.escape(prefix)}{re.escape(kind.infix)}〔(\d{{4}})〕([1-9]\d{{0,6}})号")


def parse_number(prefix: str, kind: DocumentKind, number: str) -> tuple[int, int] | None:
    match = number_pattern(prefix, kind).fullmatch((number or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def cn_date(day: dt.date | str | None) -> str:
    """2026年12月2日, as documents print dates (no leading zeros)."""
    if not day:
        return ""
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day[:10])
        except ValueError:
            return day
    return f"{day.year}年{day.month}月{day.day}日"


def remedies_text(reconsideration_body: str, court: str, noun: str = "本决定") -> str:
    """Both remedies with their bodies and statutory periods (行政复议法 Art. 20:
    60 days; 行政诉讼法 Art. 46: 6 months)."""
    body = reconsideration_body.strip() or "本机关的本级人民政府"
    where = court.strip() or "有管辖权的人民法院"
    return (
        f"如不服{noun}，可以自收到{noun}之日起六十日内向{body}申请行政复议，"
        f"也可以自收到{noun}之日起六个月内向{where}提起行政诉讼。"
    )

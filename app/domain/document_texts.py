"""The wording of each document (文书正文), written as the bureau writes it.

Each kind has an addressee line (主送) and paragraphs with {field} placeholders
filled from the document's snapshot of fields.  A paragraph that names a field the
document does not carry is left out, so one template serves every case (a person or
a unit, with or without an on-site check).  Dates in fields are already written
2026年12月2日 (app.domain.documents.cn_date)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from app.domain.documents import cn_date

ORDER_11 = "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Text:
    addressee: str  # "" for records, which have none
    paragraphs: tuple[str, ...]


TEXTS: dict[str, Text] = {
    "notice": Text(
        "{subject_name}：",
        (
            "经查，{facts}本机关于{penalty_date}对你（单位）作出行政处罚决定（{penalty_number}）。",
            "你（单位）的上述行为属于“{situation}”情形。依据{legal_ground}，本机关拟将你（单位）"
            "列入安全生产严重失信主体名单，并拟采取以下管理措施：{measures}。",
            "{rights}{deadline}",
        ),
    ),
    "statement_review": Text(
        "",
        (
            "当事人：{subject_name}（{subject_code}）。",
            "一、陈述、申辩内容：{statement}",
            "二、陈述、申辩要点：{points}",
            "三、逐点复核意见：{findings}",
            "四、复核结论：{adopted}。{review_opinion}",
            "五、复核后的管理措施：{measures}。",
        ),
    ),
    "decision": Text(
        "{subject_name}（{subject_code}）：",
        (
            "经查，{facts}本机关于{penalty_date}对你（单位）作出行政处罚决定（{penalty_number}）。",
            "你（单位）的上述行为属于“{situation}”情形。{reasons}依据{legal_ground}，本机关决定将你（单位）"
            "列入安全生产严重失信主体名单，管理期限{period}。",
            "管理期内，本机关对你（单位）采取以下管理措施：{measures}。",
            "{removal}",
            "{remedies}",
        ),
    ),
    "repair_notice": Text(
        "{subject_name}（{subject_code}）：",
        (
            "本机关已以{decision_number}决定将你（单位）列入安全生产严重失信主体名单。现将信用修复有关事项告知如下：",
            "一、{conditions}",
            "二、你（单位）自{eligible_from}起可以申请提前移出。",
            "三、申请时应当提交以下材料：{materials}。",
            "四、受理机关及渠道：{where}。",
        ),
    ),
    "service_receipt": Text(
        "",
        (
            "受送达人：{subject_name}（{subject_code}）。",
            "送达文书：{served_documents}。",
            "送达方式：{method}；送达日期：{served_on}；签收人：{recipient}。",
        ),
    ),
    "expiry": Text(
        "",
        (
            "{subject_name}（{subject_code}）经本机关{decision_number}决定列入安全生产严重失信主体名单，管理期限{period}。",
            "管理期限已经届满。依据{order}有关规定，本机关于{removed_on}{result}。",
        ),
    ),
    "withdrawal": Text(
        "{subject_name}（{subject_code}）：",
        (
            "本机关曾以{decision_number}决定将你（单位）列入安全生产严重失信主体名单，"
            "该决定所依据的行政处罚决定为{penalty_number}。",
            "{revocation}。{reasons}",
            "本机关决定：{result}。",
            "{remedies}",
        ),
    ),
    "supplement_notice": Text(
        "{applicant}：",
        (
            "你（单位）于{received_on}提交的{subject_name}提前移出安全生产严重失信主体名单（信用修复）申请收悉。"
            "经审查，申请材料不齐全。依据{order}有关规定，现一次性告知需要补正的全部材料如下：",
            "{missing_items}",
            "请于收到本通知书之日起{supplement_days}内补正。逾期未补正的，视为放弃申请，本机关将终止办理。",
        ),
    ),
    "acceptance_notice": Text(
        "{applicant}：",
        (
            "你（单位）于{received_on}提交的{subject_name}（{subject_code}）提前移出安全生产严重失信主体名单"
            "（信用修复）申请，经审查，申请材料齐全，符合规定形式。依据{order}有关规定，本机关决定予以受理。",
            "受理的材料：{materials}。",
            "本机关将自受理之日起{verify_days}内对申请材料进行核查，必要时进行现场核查，并依法作出决定。",
        ),
    ),
    "rejection_notice": Text(
        "{applicant}：",
        (
            "你（单位）于{received_on}提交的{subject_name}（{subject_code}）提前移出安全生产严重失信主体名单"
            "（信用修复）申请，经审查，{reasons}依据{order}有关规定，本机关决定不予受理。",
            "{remedies}",
        ),
    ),
    "verification_record": Text(
        "",
        (
            "核查对象：{subject_name}（{subject_code}），列入决定书文号{decision_number}。",
            "申请人：{applicant}；申请日期：{received_on}。",
            "核查日期：{verified_on}；核查人员：{verifier}；核查方式：{method}。",
            "核查情况及结论：{findings}",
            "{extension}",
        ),
    ),
    "removal_decision": Text(
        "{subject_name}（{subject_code}）：",
        (
            "你（单位）因“{situation}”，经本机关{decision_number}决定，于{listed_on}列入安全生产严重失信主体名单。"
            "{applicant}于{received_on}申请提前移出。",
            "经核查，{findings}",
            "本机关认为，你（单位）列入名单已满十二个月，已履行行政处罚决定，纠正违法行为并消除不良影响，"
            "未再发生应当列入名单的情形，并已作出信用承诺，符合提前移出条件。依据{order}有关规定，"
            "本机关决定将你（单位）提前移出安全生产严重失信主体名单，停止公开，解除管理措施。",
            "移出后本机关将进行回访。发现你（单位）在申请中隐瞒有关情况或者提供虚假材料的，本机关将撤销本决定，恢复列入。",
            "{remedies}",
        ),
    ),
    "removal_refusal": Text(
        "{subject_name}（{subject_code}）：",
        (
            "你（单位）因“{situation}”，经本机关{decision_number}决定，于{listed_on}列入安全生产严重失信主体名单。"
            "{applicant}于{received_on}申请提前移出。",
            "经核查，{findings}",
            "本机关认为：{reasons}依据{order}有关规定，本机关决定不予提前移出。",
            "你（单位）仍在管理期内，相关管理措施继续执行；符合条件后可以再次申请。",
            "{remedies}",
        ),
    ),
    "revocation": Text(
        "{subject_name}（{subject_code}）：",
        (
            "本机关曾准予你（单位）提前移出安全生产严重失信主体名单（原列入决定书文号{decision_number}）。",
            "经查，你（单位）在申请中存在{grounds}的情形：{findings}",
            "{reasons}依据{order}有关规定，本机关决定撤销准予提前移出的决定，恢复列入安全生产严重失信主体名单，"
            "恢复公开和管理措施，管理期限{period}。",
            "{remedies}",
        ),
    ),
    "suspension": Text(
        "{subject_name}（{subject_code}）：",
        (
            "本机关对你（单位）提前移出后的情况进行回访（原列入决定书文号{decision_number}），发现以下问题：{findings}",
            "本机关决定：{result}。",
            "请你（单位）按以下要求整改：{order}整改期限为{rectify_days}。",
        ),
    ),
}


def _complete(text: str) -> str:
    """Sentences from officers' input end with a full stop, so templates can follow on."""
    text = text.strip()
    return text if not text or text[-1] in "。！？；：”）" else text + "。"


def _value(key: str, value: str) -> str:
    value = _ISO_DATE.sub(lambda m: cn_date(m.group(0)), str(value))
    if key in ("facts", "reasons", "findings", "statement", "review_opinion", "order"):
        return _complete(value)
    return value


def _fill(template: str, fields: dict) -> str | None:
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    if any(not fields.get(name) for name in names):
        return None
    return template.format_map({name: _value(name, fields[name]) for name in names})


def render(kind: str, fields: dict) -> tuple[str, list[str]]:
    """(addressee, paragraphs) of a document; kinds without wording print their fields."""
    text = TEXTS.get(kind)
    values = {"order": ORDER_11, **{k: v for k, v in fields.items() if v not in (None, "")}}
    if text is None:
        return "", [f"{key}：{_value(key, value)}" for key, value in fields.items() if value]
    filled = (_fill(t, values) for t in text.paragraphs)
    paragraphs = [line.strip() for p in filled if p for line in p.splitlines() if line.strip()]
    return _fill(text.addressee, values) or "", paragraphs

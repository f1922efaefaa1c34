"""Legal preconditions of the moves of the register, whatever a diagram says.

A diagram decides the order of the steps; these rules decide whether the register may
move at all.  Each rule reads what the case has recorded — the steps people completed
(their kind, what they submitted, the roles of whoever completed them) — and returns
the reason in Chinese when the move is not allowed, or None.

The contract with the diagrams (the shipped ones follow it): a decision is a step of
kind `decision` whose form field `outcome` holds the decision (grant, list, withdraw,
revoke), taken by the bureau's 负责人; a legal review is a step of kind `legal_review`
with `outcome` approve, taken by 法制审核 (Order 11; PROCEDURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DECISION_ROLE = "leader"  # 负责人: the approving leader decides (列入、提前移出、撤销)
LEGAL_ROLE = "legal"  # 法制审核


@dataclass(frozen=True)
class RecordedStep:
    """A step completed in the case, as the platform recorded it."""

    kind: str | None
    data: dict = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    bureau_id: int | None = None


@dataclass(frozen=True)
class CaseRecord:
    bureau_id: int
    steps: tuple[RecordedStep, ...] = ()

    def taken(self, kind: str, outcome: str, role: str) -> bool:
        """A step of this kind with this outcome, completed by someone holding the role
        in the case's own bureau (upper bureaus watch, they do not decide)."""
        return any(
            s.kind == kind
            and str(s.data.get("outcome")) == outcome
            and role in s.roles
            and s.bureau_id == self.bureau_id
            for s in self.steps
        )

    def done(self, kind: str) -> RecordedStep | None:
        return next((s for s in reversed(self.steps) if s.kind == kind), None)


def _decided(record: CaseRecord, outcome: str, what: str) -> str | None:
    if record.taken("decision", outcome, DECISION_ROLE):
        return None
    return f"本案没有负责人作出的“{what}”决定（作出决定环节，决定为 {outcome}）"


def _legal_approved(record: CaseRecord) -> str | None:
    if record.taken("legal_review", "approve", LEGAL_ROLE):
        return None
    return "本案没有法制审核人员“同意”的法制审核意见"


def _refusal(action: str, reasons: list[str | None]) -> str | None:
    found = [r for r in reasons if r]
    return f"不能{action}：" + "；".join(found) if found else None


def early_removal_refusal(record: CaseRecord, *, own_entry: bool) -> str | None:
    """提前移出: a granted decision of the bureau's 负责人 in this repair case, about the
    case's own register entry."""
    return _refusal(
        "提前移出",
        [
            None if own_entry else "名单记录不是本修复案件申请的记录",
            _decided(record, "grant", "准予提前移出"),
        ],
    )


def listing_refusal(
    record: CaseRecord, *, penalties_missing: list[str], notices: int, statement_over: bool
) -> str | None:
    """列入: every subject rests on a penalty decision; the legal review approved; the
    prior notice was issued and served and the statement period is over (the party
    stated its case or waived it, or the period the notice gave has ended); then the
    负责人 decided to list."""
    return _refusal(
        "作出列入决定",
        [
            f"{'、'.join(penalties_missing)} 没有行政处罚决定" if penalties_missing else None,
            _legal_approved(record),
            None if notices else "尚未制作拟列入告知书",
            None if record.done("notice") else "拟列入告知书尚未送达",
            None if statement_over else "陈述申辩期尚未届满，当事人也未提出陈述申辩或书面放弃",
            _decided(record, "list", "列入名单"),
        ],
    )


def withdrawal_refusal(record: CaseRecord, *, revocation_number: str) -> str | None:
    """撤销列入: the penalty was revoked or changed (its number recorded) and the
    负责人 decided to withdraw the listing."""
    return _refusal(
        "撤销列入",
        [
            None if revocation_number.strip() else "没有撤销或变更行政处罚的文书编号",
            _decided(record, "withdraw", "撤销列入"),
        ],
    )


def restoration_refusal(record: CaseRecord) -> str | None:
    """恢复列入 (an early removal revoked): legal review approved, then the 负责人
    decided to revoke the early removal."""
    return _refusal(
        "恢复列入",
        [_legal_approved(record), _decided(record, "revoke", "撤销提前移出，恢复列入")],
    )

"""What a step of a procedure is, whatever its id in a diagram: the `step_kind`
property a designer gives a task (camunda:properties).  Figures, the supervisor's
filter and form rules (`done_kind('supplement')`) ask for kinds, never for ids.

The labels here are how the kinds read in Chinese; a diagram may use a kind not
listed (it is then shown by its code)."""

from __future__ import annotations

import re

STEP_KINDS: dict[str, str] = {
    "acceptance": "受理审核",
    "supplement": "补正材料",
    "verification": "检查核实",
    "legal_review": "法制审核",
    "revision": "修改",
    "notice": "告知",
    "statement": "陈述申辩",
    "statement_review": "复核陈述申辩",
    "decision": "作出决定",
    "service": "送达",
    "publication": "公示",
    "follow_up": "回访",
    "rebound_measures": "处理隐患反弹",
    "rectification_check": "整改复查",
    "inspection": "定期检查",
}

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def kind_label(kind: str | None) -> str:
    return STEP_KINDS.get(kind or "", kind or "")


def is_valid_kind(kind: str) -> bool:
    return bool(KIND_PATTERN.match(kind))

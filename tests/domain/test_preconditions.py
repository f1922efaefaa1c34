"""The register's legal preconditions, as pure rules over what a case recorded."""

from __future__ import annotations

import pytest

from app.domain.preconditions import (
    CaseRecord,
    RecordedStep,
    early_removal_refusal,
    listing_refusal,
    restoration_refusal,
    withdrawal_refusal,
)

CITY, COUNTY = 2, 3


def step(kind, outcome=None, roles=("leader",), bureau=CITY, **data):
    if outcome is not None:
        data["outcome"] = outcome
    return RecordedStep(kind=kind, data=data, roles=frozenset(roles), bureau_id=bureau)


def record(*steps) -> CaseRecord:
    return CaseRecord(bureau_id=CITY, steps=tuple(steps))


def test_early_removal_needs_the_leaders_granted_decision():
    assert early_removal_refusal(record(step("decision", "grant")), own_entry=True) is None


@pytest.mark.parametrize(
    "steps, own, missing",
    [
        ((), True, "准予提前移出"),
        ((step("decision", "refuse"),), True, "准予提前移出"),
        ((step("decision", "grant", roles=("clerk",)),), True, "负责人"),
        ((step("decision", "grant", bureau=COUNTY),), True, "负责人"),  # another bureau's leader
        ((step("acceptance", "grant"),), True, "准予提前移出"),  # not a decision step
        ((step("decision", "grant"),), False, "不是本修复案件"),
    ],
)
def test_early_removal_refused(steps, own, missing):
    refusal = early_removal_refusal(record(*steps), own_entry=own)
    assert refusal and refusal.startswith("不能提前移出") and missing in refusal


LISTING = (
    step("legal_review", "approve", roles=("legal",)),
    step("notice", roles=("officer",), served_on="2026-11-02"),
    step("decision", "list"),
)


def test_listing_after_review_notice_statement_and_decision():
    assert listing_refusal(record(*LISTING), penalties_missing=[], notices=1, statement_over=True) is None


@pytest.mark.parametrize(
    "steps, kwargs, missing",
    [
        (LISTING, {"penalties_missing": ["甲公司"]}, "甲公司 没有行政处罚决定"),
        (LISTING[1:], {}, "法制审核"),
        (LISTING, {"notices": 0}, "尚未制作拟列入告知书"),
        ((LISTING[0], LISTING[2]), {}, "尚未送达"),
        (LISTING, {"statement_over": False}, "陈述申辩期尚未届满"),
        (LISTING[:2], {}, "列入名单"),
    ],
)
def test_listing_refused(steps, kwargs, missing):
    args = {"penalties_missing": [], "notices": 1, "statement_over": True, **kwargs}
    refusal = listing_refusal(record(*steps), **args)
    assert refusal and refusal.startswith("不能作出列入决定") and missing in refusal


def test_withdrawal_needs_the_revocation_and_the_decision():
    assert (
        withdrawal_refusal(record(step("decision", "withdraw")), revocation_number="示市复〔2026〕1号")
        is None
    )
    assert "文书编号" in withdrawal_refusal(record(step("decision", "withdraw")), revocation_number=" ")
    assert "撤销列入" in withdrawal_refusal(record(step("decision", "keep")), revocation_number="x")


def test_restoration_needs_legal_review_and_decision():
    approved = step("legal_review", "approve", roles=("legal",))
    assert restoration_refusal(record(approved, step("decision", "revoke"))) is None
    assert "法制审核" in restoration_refusal(record(step("decision", "revoke")))
    assert "撤销提前移出" in restoration_refusal(record(approved))

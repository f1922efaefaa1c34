"""Early-removal eligibility: checked and shown, never decided by the system."""

import datetime as dt

from app.domain.eligibility import check_eligibility


def by_key(checks):
    return {c["key"]: c for c in checks}


def test_all_conditions_met():
    checks = by_key(
        check_eligibility(
            listed_on=dt.date(2025, 1, 10),
            today=dt.date(2026, 1, 10),
            penalty_carried_out=True,
            newer_listings=0,
            commitment_given=True,
        )
    )
    assert all(c["passed"] for c in checks.values())
    assert "2026-01-10" in checks["listed_12_months"]["detail"]


def test_each_failure_is_reported_with_its_reason():
    checks = by_key(
        check_eligibility(
            listed_on=dt.date(2025, 6, 1),
            today=dt.date(2026, 5, 31),
            penalty_carried_out=False,
            newer_listings=2,
            commitment_given=False,
        )
    )
    assert not checks["listed_12_months"]["passed"]
    assert not checks["penalty_carried_out"]["passed"]
    assert "2 条" in checks["no_newer_listing"]["detail"]
    assert not checks["commitment_given"]["passed"]


def test_end_of_month_listing():
    checks = by_key(
        check_eligibility(
            listed_on=dt.date(2024, 2, 29),
            today=dt.date(2025, 2, 28),
            penalty_carried_out=True,
            newer_listings=0,
            commitment_given=True,
        )
    )
    assert checks["listed_12_months"]["passed"]

"""Chinese working days: published schedules, adjusted weekends, unannounced years."""

import datetime as dt

import pytest

from app.calendar import workdays as cal

D = dt.date


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # Sat 14 Feb is a working day; 15-23 Feb Spring Festival
        (D(2026, 2, 24), 4, D(2026, 2, 28)),  # Sat 28 Feb is an adjusted working day
        (D(2026, 9, 29), 3, D(2026, 10, 9)),  # National Day 1-7 Oct
        (D(2026, 11, 27), 0, D(2026, 11, 27)),
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # the start day is not counted; weekend skipped
    ],
)
def test_working_days_published_years(start, n, expected):
    deadline = cal.add_working_days(start, n)
    assert deadline.date == expected
    assert not deadline.assumed and deadline.warning() is None


def test_unannounced_year_uses_statutory_holidays_and_warns():
    deadline = cal.add_working_days(D(2026, 12, 30), 3)
    assert deadline.date == D(2027, 1, 5)  # 31 Dec, (1 Jan holiday, weekend), 4 Jan, 5 Jan
    assert deadline.assumed_years == (2027,)
    assert "2027" in deadline.warning()
    # Spring Festival 2027 (eve 5 Feb, 6-8 Feb) is known from the law even before announcement
    assert not cal.is_workday(D(2027, 2, 5))
    assert cal.add_working_days(D(2027, 2, 4), 1).date == D(2027, 2, 9)


def test_admin_overrides_win_and_confirm_the_year():
    overrides = cal.Overrides(
        days={D(2027, 1, 4): False, D(2027, 1, 9): True}, confirmed_years=frozenset({2027})
    )
    deadline = cal.add_working_days(D(2026, 12, 30), 3, overrides)
    assert deadline.date == D(2027, 1, 6)
    assert not deadline.assumed
    assert cal.is_workday(D(2027, 1, 9), overrides)  # an adjusted Saturday entered by hand


def test_deadline_is_end_of_day_in_shanghai_stored_as_utc():
    deadline = cal.add_working_days(D(2026, 2, 12), 3)
    assert deadline.end_utc == dt.datetime(2026, 2, 24, 15, 59, 59, tzinfo=dt.timezone.utc)


def test_working_days_between_and_months():
    assert cal.working_days_between(D(2026, 9, 29), D(2026, 10, 9)) == 3
    assert cal.working_days_between(D(2026, 10, 9), D(2026, 9, 29)) == -3
    assert cal.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert cal.add_months(D(2026, 11, 27), -30) == D(2024, 5, 27)


def test_cli_prints_iso_date_and_warning(runner):
    result = runner.invoke(args=["calendar", "due", "2026-02-12", "3"])
    assert result.output.strip() == "2026-02-24"
    result = runner.invoke(args=["calendar", "due", "2026-12-30", "3"])
    lines = result.output.strip().splitlines()
    assert lines[0] == "2027-01-05" and lines[1].startswith("WARNING:")


def test_holiday_table_edited_in_admin_page(login, client, session):
    login("admin")
    response = client.post(
        "/admin/holidays", data={"day": "2027-01-04", "kind": "holiday", "name": "元旦调休"}
    )
    assert response.status_code == 302
    result = client.get("/admin/holidays?start=2026-12-30&n=3").get_data(as_text=True)
    assert "2027-01-06" in result
    assert client.post("/admin/holidays", data={"day": "nonsense", "kind": "holiday"}).status_code == 302
    from app.models import HolidayOverride

    assert session.get(HolidayOverride, D(2027, 1, 4)) is not None
    assert session.query(HolidayOverride).count() == 1


def test_holiday_page_is_for_admins_only(login, client):
    login("clerk")
    assert client.get("/admin/holidays").status_code == 403
    assert client.post("/admin/holidays", data={"day": "2027-01-04", "kind": "holiday"}).status_code == 403

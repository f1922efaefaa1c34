"""No diagram can make one engine step huge or slow: limits refused at save where the
source shows them, and at run time on what is computed; run-time failures are 422."""

from __future__ import annotations

import datetime as dt

import pytest

from app import engine
from app.engine import expressions, forms
from app.engine.functions import allowed_in_expressions, working_days_from
from tests.engine.diagrams import deploy, messages, save, script_diagram, timer_diagram

FUNCTIONS = allowed_in_expressions()


@pytest.mark.parametrize(
    "source, fragment",
    [
        ("'a' * 100000000", "重复次数过多"),
        ("[0] * 100000000", "重复次数过多"),
        ("'%0999999999d' % 0", "格式化宽度过大"),
        ("'%*d' % (5, 1)", "不支持 * 宽度"),
        ("x * 100000000", "重复次数过多"),
        ("1 / 0", "除数为零"),
        ("n / 0", "除数为零"),
        ("count(1)", "count()"),
        ("x + 1", "文字与数字不能做 + 运算"),
        (" * ".join(["9999999999"] * 12), "数值过大"),
        ("+".join(["1"] * 60), "嵌套过深"),
        ("working_days(99999)", "超出上限"),
        ("months(100000)", "超出上限"),
        ("years_from('2026-01-01', 500)", "超出上限"),
    ],
)
def test_evaluation_refuses_with_a_message(source, fragment):
    with pytest.raises(expressions.ExpressionError) as caught:
        expressions.evaluate(source, {"x": "text", "n": 3}, FUNCTIONS)
    assert fragment in str(caught.value)


def test_counts_over_the_bound_are_refused_at_run_time_too():
    with pytest.raises(ValueError, match="超出上限"):
        working_days_from("2026-12-01", 10**12)
    with pytest.raises(ValueError):
        working_days_from("2026-12-01", float("inf"))


@pytest.mark.parametrize(
    "timer, kind, fragment",
    [
        ('"R/PT1S"', "timeCycle", "间隔不能短于 1 小时"),
        ('"P99999999Y"', "timeDuration", "超过 20 年"),
        ('"9999-12-31T00:00:00+00:00"', "timeDate", "超过 20 年"),
        ("working_days(99999)", "timeDate", "超出上限"),
        ("years(21)", "timeDate", "超出上限"),
        ("'a' * 100000000", "timeDate", "重复次数过多"),
        ("(" * 30 + "1 + " * 50 + "1" + ")" * 30, "timeDate", "嵌套过深"),
    ],
)
def test_timer_values_beyond_the_limits_are_refused_at_save(app, session, timer, kind, fragment):
    version = save(session, timer_diagram("lim_timer", timer, kind=kind))
    assert fragment in messages(version), version.errors


def test_deep_nesting_in_a_script_is_a_message_not_a_500(app, session):
    version = save(session, script_diagram("lim_deep", "x = " + "(" * 500 + "1" + ")" * 500))
    assert "嵌套" in messages(version) or "语法" in messages(version), version.errors
    version = save(session, script_diagram("lim_deep2", "x = " + " + ".join(["1"] * 900)))
    assert "嵌套过深" in messages(version), version.errors


def test_a_very_long_condition_is_a_problem_not_a_crash(app):
    from app.engine.model import parse_process
    from tests.designer.conftest import probe_xml

    parsed = parse_process(probe_xml(condition=" + ".join(["outcome"] * 3000)))
    assert any("过长" in e["message"] for e in parsed.errors), parsed.errors
    parsed = parse_process(probe_xml(condition=" + ".join(["outcome"] * 100) + " == 1"))
    assert any("嵌套过深" in e["message"] for e in parsed.errors), parsed.errors


def test_a_form_rule_that_raises_gives_a_field_message():
    field = forms.FormField(
        id="amount", label="金额", type="long", constraints={"valid_if": "amount / 0 > 1"}
    )
    clean, errors = forms.validate([field], {"amount": 5}, {})
    assert "除数为零" in errors["amount"]
    field = forms.FormField(
        id="amount", label="金额", type="long", constraints={"valid_if": "count(amount) > 1"}
    )
    _, errors = forms.validate([field], {"amount": 5}, {})
    assert "count()" in errors["amount"]


def test_a_timer_that_cannot_be_computed_is_a_422_and_changes_nothing(app, session, api):
    version = deploy(session, timer_diagram("lim_far", "working_days_from(far, 1)", start_fields=("far",)))
    session.commit()
    response = api("officer")("POST", "/api/cases", {"process": version.key, "data": {"far": "不是日期"}})
    # `far` is no date: the timer cannot be computed -> a clear 422, not a 500
    assert response.status_code == 422, response.get_json()
    from app.models import Case

    assert session.query(Case).filter_by(process_key=version.key).count() == 0


def test_a_script_computing_beyond_the_horizon_is_refused_at_run(app, session, user):
    version = deploy(session, timer_diagram("lim_far2", "end_of_day(far)", start_fields=("far",)))
    officer = user("officer")
    with pytest.raises(engine.ProcessFailure, match="20 年"):
        engine.start_case(session, version, {"far": "2090-01-01"}, officer, bureau_id=officer.bureau_id)
    session.rollback()


def test_a_computed_iso_duration_is_bounded_before_the_engine_parses_it(app, session, user):
    version = deploy(
        session,
        timer_diagram("lim_dur", "'P' + str_years + 'Y'", kind="timeDuration", start_fields=("str_years",)),
    )
    officer = user("officer")
    with pytest.raises(engine.ProcessFailure, match="20 年"):
        engine.start_case(session, version, {"str_years": "99999999"}, officer, bureau_id=officer.bureau_id)
    session.rollback()


def test_case_state_size_is_capped(app, session, user):
    script = "\n".join(f"v{i} = 'x' * 90000" for i in range(30))
    version = deploy(session, script_diagram("lim_state", script))
    officer = user("officer")
    with pytest.raises(engine.ProcessFailure, match="案件数据过大"):
        engine.start_case(session, version, {}, officer, bureau_id=officer.bureau_id)
    session.rollback()


def test_nine_nine_nine_nine_deadline_displays_at_once():
    from app.calendar import workdays as cal

    assert cal.working_days_between(dt.date(2026, 12, 1), dt.date(9999, 12, 31)) > 2_000_000

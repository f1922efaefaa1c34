"""Generic form rules the diagrams declare (issue 12): hidden fields are not kept,
dates follow the case's earlier dates, used-up choices are not offered, and every
problem of a form is reported at once."""

from __future__ import annotations

from app.engine.forms import FormField, check_field_definition, offered_fields, validate


def _extend_form() -> list[FormField]:
    return [
        FormField(
            "extend",
            "申请延长核查期限",
            "boolean",
            properties={"offered_if": "not done_kind('verification')"},
        ),
        FormField("extension_reason", "延期理由", "text", constraints={"required_if": "extend"}),
    ]


def test_a_field_hidden_by_its_condition_is_not_kept():
    clean, errors = validate(_extend_form(), {"extend": False, "extension_reason": "需现场核查"}, {})
    assert errors == {} and clean["extension_reason"] is None


def test_a_field_shown_by_its_condition_is_kept():
    clean, errors = validate(_extend_form(), {"extend": True, "extension_reason": "需现场核查"}, {})
    assert errors == {} and clean["extension_reason"] == "需现场核查"


def test_a_choice_used_up_is_not_offered_and_refused_when_sent():
    used = frozenset({"verification"})
    assert [f.id for f in offered_fields(_extend_form(), {}, used)] == ["extension_reason"]
    clean, errors = validate(_extend_form(), {"extend": True, "extension_reason": "再延"}, {}, used)
    assert "extend" in errors
    clean, errors = validate(_extend_form(), {}, {}, used)
    assert errors == {} and clean["extend"] is False


def test_an_option_used_up_is_not_offered():
    outcome = FormField(
        "outcome",
        "审核结论",
        "enum",
        options=[("accept", "受理"), ("supplement", "一次性告知补正"), ("refuse", "不予受理")],
        properties={"offered_if.supplement": "not done_kind('supplement')"},
    )
    assert len(offered_fields([outcome], {}, frozenset())[0].options) == 3
    shown = offered_fields([outcome], {}, frozenset({"supplement"}))[0]
    assert [o[0] for o in shown.options] == ["accept", "refuse"]
    _, errors = validate([outcome], {"outcome": "supplement"}, {}, frozenset({"supplement"}))
    assert "outcome" in errors


def _served() -> FormField:
    return FormField(
        "served_on",
        "送达日期",
        "date",
        properties={"not_before": "penalty_date:处罚决定日期, decided_on:列入决定日期"},
    )


def test_a_date_before_an_earlier_case_date_names_the_nearest_one():
    case = {"penalty_date": "2026-01-05", "decided_on": "2026-11-30"}
    _, errors = validate([_served()], {"served_on": "2025-12-01"}, case)
    assert errors["served_on"] == "“送达日期”不能早于列入决定日期（2026年11月30日）"
    _, errors = validate([_served()], {"served_on": "2026-11-30"}, case)
    assert errors == {}


def test_a_date_bound_the_case_does_not_have_yet_is_skipped_and_moments_read_in_shanghai():
    _, errors = validate([_served()], {"served_on": "2026-01-05"}, {"penalty_date": "2026-01-05"})
    assert errors == {}
    # 2026-01-05T16:30Z is 2026-01-06 in Shanghai
    _, errors = validate(
        [_served()], {"served_on": "2026-01-05"}, {"decided_on": "2026-01-05T16:30:00+00:00"}
    )
    assert "2026年1月6日" in errors["served_on"]


def test_not_after_a_case_date():
    field = FormField("inspected_on", "检查日期", "date", properties={"not_after": "period_end:管理期届满日"})
    _, errors = validate([field], {"inspected_on": "2030-01-01"}, {"period_end": "2029-12-01"})
    assert errors["inspected_on"] == "“检查日期”不能晚于管理期届满日（2029年12月1日）"


def test_every_problem_of_a_form_is_reported_at_once():
    fields = [
        FormField("outcome", "决定", "enum", required=True, options=[("a", "甲")]),
        FormField("reasons", "理由", "text", required=True),
        FormField("served_on", "送达日期", "date", required=True),
    ]
    _, errors = validate(fields, {}, {})
    assert errors == {"outcome": "请选择“决定”", "reasons": "请填写“理由”", "served_on": "请选择“送达日期”"}


def test_bad_rules_are_reported_when_the_diagram_is_saved():
    bad = FormField(
        "x", "X", "string", properties={"not_before": "a", "offered_if": "((", "offered_if.z": "True"}
    )
    problems = " ".join(check_field_definition(bad))
    assert "不是日期类型" in problems and "显示条件" in problems and "不存在的选项" in problems

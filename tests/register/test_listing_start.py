"""Starting a listing: what is refused (422 with the field named) and by whom."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Case, RegisterEntry
from tests.register.conftest import UNIT_CODE, proposal


def subjects_with(**unit):
    return [{"kind": "unit", "name": "北辰化工有限公司", "credit_code": UNIT_CODE, "role": "unit", **unit}]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"subjects": subjects_with(credit_code=UNIT_CODE[:17] + ("0" if UNIT_CODE[17] != "0" else "1"))},
            "subjects[0].credit_code",
            "校验位不正确",
        ),
        ({"subjects": subjects_with(credit_code="9133010")}, "subjects[0].credit_code", "18位"),
        (
            {
                "subjects": [
                    {"kind": "person", "name": "王某", "id_number": "110105194912310021", "role": "principal"}
                ]
            },
            "subjects[0].id_number",
            "校验位",
        ),
        ({"situation": "NO_SUCH_SITUATION"}, "situation", "请从以下选项中选择"),
        ({"penalty_number": "示县应急罚〔2026〕9号"}, "penalty_number", "本局"),
        ({"penalty_date": "2099-01-01"}, "penalty_date", "不能晚于今天"),
        ({"measures": ["no_such_measure"]}, "measures", "请从以下选项中选择"),
        ({"subjects": []}, "subjects", "至少"),
        ({"situation": "ACC_PRINCIPAL_FLED"}, "subjects[0].kind", "不列入"),
        ({"facts": ""}, "facts", "请填写"),
    ],
)
def test_invalid_start_is_refused_with_the_field_named(flow, session, overrides, field, message):
    before = session.scalar(select(func.count(Case.id)))
    body = flow.start(proposal(**overrides), expect=422)
    assert field in body["errors"], body
    assert message in body["errors"][field]
    assert session.scalar(select(func.count(Case.id))) == before


def test_only_officers_start_listings(flow):
    body = flow.start(user="clerk", expect=403)
    assert "承办人" in body["message"]


def test_same_penalty_and_subject_cannot_be_proposed_twice(flow):
    flow.start()
    body = flow.start(expect=422)
    assert "已因该处罚决定列入" in body["errors"]["subjects"]


def test_person_id_number_is_never_stored_in_full(flow, session):
    cid = flow.start()["id"]
    case = session.get(Case, cid)
    assert "11010519491231002X" not in case.state and "11010519491231002X" not in str(case.facts)
    person = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "王某"))
    assert person.id_number_masked == "110105********002X"

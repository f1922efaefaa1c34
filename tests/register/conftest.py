"""Helpers for the listing tests: a valid proposal, and driving tasks through the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from app.clock import today
from app.domain.identifiers import make_credit_code
from app.models import Case, RegisterEntry, Timer
from app.scheduler import fire_due_timers

UNIT_CODE = make_credit_code("91330100MA2C0001X"[:17])
PERSON_ID = "11010519491231002X"


def proposal(**overrides) -> dict:
    data = {
        "penalty_number": "示市应急罚〔2026〕101号",
        "penalty_date": "2026-01-05",
        "penalty_amount": 500000,
        "penalty_carried_out": True,
        "situation": "ACC_CONCEAL",
        "sector": "化工",
        "subjects": [
            {"kind": "unit", "name": "北辰化工有限公司", "credit_code": UNIT_CODE, "role": "unit"},
            {"kind": "person", "name": "王某", "id_number": PERSON_ID, "role": "principal"},
        ],
        "measures": ["key_inspection", "no_honours", "joint_punishment"],
        "facts": "2025年12月发生一起较大事故后迟报并谎报死亡人数。",
    }
    data.update(overrides)
    return data


class Flow:
    """Drives one case through the JSON API as the demo users."""

    def __init__(self, api, session):
        self.api, self.session = api, session

    def start(self, data=None, user="officer", expect=201):
        response = self.api(user)("POST", "/api/cases", {"process": "listing", "data": data or proposal()})
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def task(self, user, case_id, step):
        tasks = self.api(user)("GET", "/api/tasks").get_json()["tasks"]
        found = [t for t in tasks if t["case_id"] == case_id and t["step"] == step]
        assert found, (
            f"{user} has no {step} task for case {case_id}: {[(t['case_id'], t['step']) for t in tasks]}"
        )
        return found[0]

    def complete(self, user, case_id, step, data, expect=200):
        task = self.task(user, case_id, step)
        response = self.api(user)("POST", f"/api/tasks/{task['id']}/complete", {"data": data})
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def detail(self, case_id, user="officer"):
        return self.api(user)("GET", f"/api/cases/{case_id}").get_json()

    def entries(self, case_id) -> list[RegisterEntry]:
        case = self.session.get(Case, case_id)
        ids = case.facts.get("entry_ids", [])
        rows = list(
            self.session.scalars(
                select(RegisterEntry).where(RegisterEntry.id.in_(ids)).order_by(RegisterEntry.id)
            )
        )
        for row in rows:
            self.session.refresh(row)
        return rows

    def pending_timer(self, case_id, element_id) -> Timer:
        return self.session.scalar(
            select(Timer)
            .where(
                Timer.case_id == case_id,
                Timer.element_id == element_id,
                Timer.is_pending,
            )
            .order_by(Timer.due_at)
        )

    def fire(self, at: dt.datetime) -> int:
        with time_machine.travel(at, tick=False):
            return fire_due_timers(self.session, at)

    def until_published(self, data=None, statement=False):
        case = self.start(data)
        cid = case["id"]
        self.complete("legal", cid, "legal_review", {"outcome": "approve"})
        self.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
        if statement:
            self.complete(
                "officer",
                cid,
                "statement_window",
                {
                    "statement_received": True,
                    "statement": "事故后已第一时间报告，不存在谎报。",
                    "statement_points": ["不存在谎报", "已积极整改"],
                },
            )
            self.complete(
                "officer",
                cid,
                "statement_review",
                {
                    "point_findings": ["不采纳：调查报告认定谎报", "采纳：整改属实"],
                    "adopted": False,
                    "review_opinion": "部分采纳，减少一项措施",
                    "measures_after_review": ["key_inspection", "joint_punishment"],
                },
            )
        else:
            self.complete("officer", cid, "statement_window", {"waived": True})
        self.complete("leader", cid, "decision", {"outcome": "list", "reasons": "事实清楚，证据确凿"})
        self.complete(
            "officer",
            cid,
            "service",
            {
                "served_on": today().isoformat(),
                "method": "direct",
                "recipient": "北辰化工有限公司 李某",
            },
        )
        self.complete("publisher", cid, "publication", {})
        return cid


@pytest.fixture()
def flow(api, session):
    return Flow(api, session)

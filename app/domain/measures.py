"""Management measures (管理措施) a listing decision may impose: an open list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    code: str
    label: str


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in [
        Measure("key_inspection", "列为重点监管对象，提高执法检查频次"),
        Measure("no_honours", "不得参加评先评优，不授予荣誉"),
        Measure("funding_restricted", "限制申请政府资金、补贴，限制参与政府采购及土地出让"),
        Measure("permit_review", "从严审查行政许可"),
        Measure("project_suspended", "暂停审批新建项目"),
        Measure("insurance_rate", "提高安全生产责任保险费率"),
        Measure("occupational_ban", "依法实施职业（行业）禁入"),
        Measure("joint_punishment", "通报有关部门和金融机构，实施联合惩戒"),
    ]
}


def measure_label(code: str) -> str:
    measure = MEASURES.get(code)
    return measure.label if measure else code


def unknown_measures(codes) -> list[str]:
    return [c for c in (codes or []) if c not in MEASURES]

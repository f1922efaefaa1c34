"""The nine situations of 应急管理部令第11号 that ground a listing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Situation:
    code: str
    label: str
    article: str
    who: str


SITUATIONS: dict[str, Situation] = {
    s.code: s
    for s in [
        Situation(
            "ACC_EXTRA_OR_MAJOR",
            "发生特别重大、重大生产安全事故",
            "第五条第（一）项",
            "生产经营单位及其主要负责人，以及经调查认定负有责任的其他人员",
        ),
        Situation(
            "ACC_2PLUS_LARGER_12M",
            "12个月内累计发生2起以上较大生产安全事故",
            "第五条第（二）项",
            "生产经营单位及其主要负责人",
        ),
        Situation(
            "ACC_FINE_2X5X",
            "发生生产安全事故，情节特别严重、影响特别恶劣，依照《安全生产法》第一百一十四条第二款处以罚款",
            "第五条第（三）项",
            "生产经营单位及其主要负责人",
        ),
        Situation("ACC_CONCEAL", "瞒报、谎报生产安全事故", "第五条第（四）项", "生产经营单位及有关责任人员"),
        Situation(
            "ACC_PRINCIPAL_FLED",
            "主要负责人不立即组织抢救或者擅离职守、逃匿",
            "第五条第（五）项",
            "主要负责人",
        ),
        Situation(
            "VIO_NO_LICENCE",
            "未依法取得安全生产许可或许可被暂扣、吊销期间擅自从事生产经营活动",
            "第六条第（一）项",
            "生产经营单位及其主要负责人",
        ),
        Situation(
            "VIO_INTERMEDIARY_FRAUD",
            "承担安全评价、认证、检测、检验职责的机构租借资质、挂靠、出具虚假报告或证书",
            "第六条第（二）项",
            "机构及其直接责任人员",
        ),
        Situation(
            "VIO_REFUSE_PENALTY",
            "有能力履行而拒不履行、逃避履行行政处罚决定",
            "第六条第（三）项",
            "生产经营单位及其主要负责人",
        ),
        Situation(
            "VIO_OTHER_SERIOUS",
            "其他违反安全生产法律法规受到行政处罚，且性质恶劣、情节严重",
            "第六条第（四）项",
            "依决定确定",
        ),
    ]
}


def situation_label(code: str) -> str:
    situation = SITUATIONS.get(code)
    return situation.label if situation else code

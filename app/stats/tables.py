"""The figures as tables: one definition per table, used by the page and the CSV export.

CSV is written with a byte-order mark so that spreadsheet programs read the Chinese
headers as UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.security.spreadsheet import csv_text


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, header)
    rows: Callable[[dict], list[dict]]


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


TABLES: dict[str, Table] = {
    "on_time_by_step": Table(
        "各环节按期办结率与办理用时",
        (
            ("process_name", "流程"),
            ("name", "环节"),
            ("finished", "期内办结"),
            ("with_due", "其中有期限"),
            ("on_time", "按期办结"),
            ("late_open", "逾期未办结"),
            ("rate", "按期率"),
            ("median_working_days", "办理用时中位数（工作日）"),
        ),
        lambda f: f["on_time_by_step"],
    ),
    "on_time_by_bureau": Table(
        "各机关按期办结率",
        (
            ("bureau", "机关"),
            ("finished", "期内办结"),
            ("with_due", "其中有期限"),
            ("on_time", "按期办结"),
            ("late_open", "逾期未办结"),
            ("rate", "按期率"),
        ),
        lambda f: f["on_time_by_bureau"],
    ),
    "repair_by_month": Table(
        "信用修复申请（按月）",
        (
            ("month", "月份"),
            ("received", "收到申请"),
            ("supplement", "告知补正"),
            ("rejected", "不予受理"),
            ("refused", "不予提前移出"),
            ("granted", "准予提前移出"),
            ("lapsed", "申请失效"),
        ),
        lambda f: f["repair_by_month"],
    ),
    "listing_status": Table(
        "名单状态", (("label", "状态"), ("count", "数量")), lambda f: f["listings"]["status"]
    ),
    "listings_by_situation": Table(
        "列入情形", (("label", "情形"), ("count", "数量")), lambda f: f["listings"]["by_situation"]
    ),
    "listings_by_sector": Table(
        "所属行业", (("sector", "行业"), ("count", "数量")), lambda f: f["listings"]["by_sector"]
    ),
    "listings_by_month": Table(
        "名单变动（按月）",
        (("month", "月份"), ("listed", "列入"), ("expired", "期满移出"), ("removed_early", "提前移出")),
        lambda f: f["listings"]["by_month"],
    ),
    "follow_ups": Table(
        "回访",
        (("done", "期内完成回访"), ("rebounds", "发现反弹"), ("open", "待回访"), ("overdue", "逾期未回访")),
        lambda f: [f["follow_ups"]],
    ),
    "inspections": Table(
        "对列入名单主体的检查",
        (
            ("due", "期内应检查"),
            ("done", "已检查"),
            ("done_on_time", "按期检查"),
            ("overdue_open", "逾期未检查"),
        ),
        lambda f: [f["inspections"]],
    ),
}


def cell(key: str, value) -> str:
    if key == "rate":
        return _percent(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table_rows(figures: dict, name: str) -> tuple[Table, list[list[str]]]:
    table = TABLES[name]
    return table, [[cell(key, row.get(key)) for key, _ in table.columns] for row in table.rows(figures)]


def to_csv(figures: dict, name: str) -> str:
    table, rows = table_rows(figures, name)
    return csv_text([header for _, header in table.columns], rows)

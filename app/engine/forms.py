"""Forms drawn in the diagram (camunda:formData on user tasks and start events),
and the server-side validation of what a user submits against them.

Field types: string, text, long, boolean, date, enum, list (of strings), file (the
case's attachments: the web layer stores the uploads first, the field's value is their
ids, kept in the case data as [{"id", "name"}]).
Constraints: required, maxlength, minlength, min, max, and two that take an
expression (checked by the restricted evaluator against the case data plus the
submitted values): required_if, valid_if (message in the property
`invalid_message`).

A field with required_if belongs to the form only while its condition holds (the
page hides it otherwise): a value typed into it and then hidden is never stored.

Properties the validator reads (camunda:property on the field):
- not_before / not_after: case variables a date may not precede / follow, comma
  separated, each `name` or `name:标签` (the label names it in the error), e.g.
  `penalty_date:处罚决定日期, decided_on:列入决定日期`.  A variable the case does
  not have yet is skipped.
- offered_if: an expression; while false the field is not offered (not shown; a
  value sent for it is refused).  offered_if.<value>: the same for one option of
  an enum, e.g. `offered_if.supplement` = `not done_kind('supplement')`.
"""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from dataclasses import dataclass, field
from typing import Any, Mapping

from app.calendar.workdays import local_date
from app.engine import expressions
from app.engine.functions import allowed_in_expressions

TYPES = {"string", "text", "long", "boolean", "date", "enum", "list", "file"}
MAX_LONG = 2**31 - 1  # a database INTEGER (amounts in yuan, counts)
CONSTRAINTS = {"required", "maxlength", "minlength", "min", "max", "required_if", "valid_if", "readonly"}
MAX_TEXT = 5000
MAX_LIST = 100
MAX_FILES = 20


@dataclass
class FormField:
    id: str
    label: str
    type: str = "string"
    default: Any = None
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    constraints: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "default": self.default,
            "required": self.required,
            "options": [list(o) for o in self.options],
            "constraints": self.constraints,
            "properties": self.properties,
        }

    @classmethod
    def from_dict(cls, dct: dict) -> "FormField":
        return cls(
            id=dct["id"],
            label=dct["label"],
            type=dct["type"],
            default=dct.get("default"),
            required=dct.get("required", False),
            options=[tuple(o) for o in dct.get("options", [])],
            constraints=dict(dct.get("constraints", {})),
            properties=dict(dct.get("properties", {})),
        )


def check_field_definition(f: FormField) -> list[str]:
    """Problems with a field as drawn (reported at deploy time)."""
    problems = []
    if not f.id or not f.id.isidentifier() or f.id.startswith("_"):
        problems.append(f"表单字段标识“{f.id}”不合法：须为字母、数字、下划线组成且不以下划线开头")
    if f.type not in TYPES:
        problems.append(f"表单字段“{f.id}”的类型“{f.type}”不受支持（可用：{'、'.join(sorted(TYPES))}）")
    if f.type == "enum" and not f.options:
        problems.append(f"表单字段“{f.id}”是枚举类型，但没有可选值")
    for name, config in f.properties.items():
        if name == "offered_if" or name.startswith("offered_if."):
            try:
                expressions.parse_expression(config, allowed_in_expressions())
            except expressions.ExpressionError as exc:
                problems.append(f"表单字段“{f.id}”的显示条件“{config}”有误：{exc}")
            option = name.partition(".")[2]
            if option and option not in {o[0] for o in f.options}:
                problems.append(f"表单字段“{f.id}”的显示条件 {name} 指向不存在的选项“{option}”")
        elif name in ("not_before", "not_after") and f.type != "date":
            problems.append(f"表单字段“{f.id}”不是日期类型，不能使用 {name}")
        elif name in ("not_before", "not_after"):
            bad = [v for v, _ in _bounds(f, name) if not v.isidentifier()]
            if bad:
                problems.append(f"表单字段“{f.id}”的 {name} 中“{bad[0]}”不是变量名")
    for name, config in f.constraints.items():
        if name not in CONSTRAINTS:
            problems.append(f"表单字段“{f.id}”的校验规则“{name}”不受支持")
        elif name in ("required_if", "valid_if"):
            try:
                expressions.parse_expression(config, allowed_in_expressions())
            except expressions.ExpressionError as exc:
                problems.append(f"表单字段“{f.id}”的校验表达式“{config}”有误：{exc}")
        elif name in ("maxlength", "minlength", "min", "max"):
            try:
                float(config)
            except (TypeError, ValueError):
                problems.append(f"表单字段“{f.id}”的校验规则 {name} 需要数字")
    return problems


class _Lenient(dict):
    """Names a form constraint mentions but the case does not have read as None."""

    def __missing__(self, key):
        return None


def _coerce(f: FormField, raw: Any) -> tuple[Any, str | None]:
    """Convert one submitted value to the field's type; (value, error)."""
    empty = raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []
    if f.type == "boolean":
        if raw is None or raw == "":
            return False, None
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.lower() in ("true", "on", "1", "yes", "y"):
            return True, None
        if isinstance(raw, str) and raw.lower() in ("false", "off", "0", "no", "n"):
            return False, None
        return None, "应为是或否"
    if empty:
        return None, None
    if f.type in ("string", "text"):
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            return None, "应为文字"
        value = str(raw).strip()
        if len(value) > MAX_TEXT:
            return None, f"不能超过 {MAX_TEXT} 个字"
        return value, None
    if f.type == "long":
        if isinstance(raw, bool):
            return None, "应为整数"
        text = str(raw).strip()
        if len(text) > 12:  # int() of a huge digit string is slow, and no column holds it
            return None, "数值超出范围"
        try:
            number = int(text)
        except ValueError:
            return None, "应为整数"
        if not -MAX_LONG <= number <= MAX_LONG:
            return None, "数值超出范围"
        return number, None
    if f.type == "date":
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat(), None
        except ValueError:
            return None, "应为日期（如 2026-01-31）"
    if f.type == "enum":
        allowed = [o[0] for o in f.options]
        if str(raw) not in allowed:
            labels = "、".join(o[1] for o in f.options)
            return None, f"请从以下选项中选择：{labels}"
        return str(raw), None
    if f.type == "list":
        if isinstance(raw, str):
            items = [line.strip() for line in raw.replace("\r", "").split("\n")]
        elif isinstance(raw, list) and all(isinstance(i, (str, int, float)) for i in raw):
            items = [str(i).strip() for i in raw]
        else:
            return None, "应为文字列表"
        items = [i for i in items if i]
        if f.options:  # a list drawn with values: each item must be one of them
            allowed = {o[0] for o in f.options}
            if any(i not in allowed for i in items):
                return None, f"请从以下选项中选择：{'、'.join(o[1] for o in f.options)}"
        if len(items) > MAX_LIST:
            return None, f"不能超过 {MAX_LIST} 项"
        if any(len(i) > 500 for i in items):
            return None, "每项不能超过 500 个字"
        return items or None, None
    if f.type == "file":
        return _file_ids(raw)
    return None, "类型不受支持"


def _date_of(value: Any) -> dt.date | None:
    """A case variable as a date: an ISO date, or an ISO moment read in Shanghai."""
    if isinstance(value, dt.datetime):
        return local_date(value)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return (
            local_date(dt.datetime.fromisoformat(text)) if "T" in text else dt.date.fromisoformat(text[:10])
        )
    except ValueError:
        return None


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _bounds(f: FormField, name: str) -> list[tuple[str, str]]:
    """(variable, label) pairs of a not_before / not_after property."""
    pairs = []
    for item in (f.properties.get(name) or "").split(","):
        variable, _, label = item.strip().partition(":")
        if variable.strip():
            pairs.append((variable.strip(), label.strip() or variable.strip()))
    return pairs


def date_bound_names(f: FormField) -> list[str]:
    """The case variables a date field's not_before / not_after name."""
    return [variable for prop in ("not_before", "not_after") for variable, _ in _bounds(f, prop)]


def _date_order_error(f: FormField, value: str, names: Mapping[str, Any]) -> str | None:
    """A date before a case date it may not precede (or after one it may not follow);
    the message names the nearest such date."""
    day = dt.date.fromisoformat(value)
    for prop, word in (("not_before", "早于"), ("not_after", "晚于")):
        broken = []
        for variable, label in _bounds(f, prop):
            bound = _date_of(names.get(variable))
            if bound is not None and ((day < bound) if prop == "not_before" else (day > bound)):
                broken.append((bound, label))
        if broken:
            bound, label = max(broken) if prop == "not_before" else min(broken)
            return f"“{f.label}”不能{word}{label}（{cn_date(bound)}）"
    return None


def _offered(expression: str | None, names, functions) -> bool:
    return not expression or bool(expressions.evaluate(expression, names, functions))


def offered_fields(
    fields: list[FormField], case_data: Mapping[str, Any], done_kinds: frozenset[str] = frozenset()
) -> list[FormField]:
    """The fields and options the form offers now (offered_if, offered_if.<value>):
    what the page shows, and all a submission may choose."""
    names = _Lenient(dict(case_data))
    functions = _functions(done_kinds)
    shown = []
    for f in fields:
        try:
            if not _offered(f.properties.get("offered_if"), names, functions):
                continue
            options = [
                o for o in f.options if _offered(f.properties.get(f"offered_if.{o[0]}"), names, functions)
            ]
        except expressions.ExpressionError:
            shown.append(f)  # a rule that cannot be computed hides nothing; deploy checks report it
            continue
        shown.append(FormField(**{**f.__dict__, "options": options}))
    return shown


def _functions(done_kinds: frozenset[str]) -> dict:
    return {**allowed_in_expressions(), "done_kind": lambda kind: str(kind) in done_kinds}


def _file_ids(raw: Any) -> tuple[list[int] | None, str | None]:
    """Attachment ids: a list of ids (or of {"id": …} as the case data keeps them)."""
    items = raw if isinstance(raw, list) else [raw]
    ids = []
    for item in items:
        value = item.get("id") if isinstance(item, dict) else item
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            return None, "应为附件编号"
        text = str(value).strip()
        if not text.isdigit() or len(text) > 12:
            return None, "应为附件编号"
        if int(text) not in ids:
            ids.append(int(text))
    if len(ids) > MAX_FILES:
        return None, f"不能超过 {MAX_FILES} 个文件"
    return ids or None, None


def _missing_message(f: FormField) -> str:
    """请选择 for a choice (options, dates), 请填写 for what is typed."""
    if f.type == "file":
        return f"请上传“{f.label}”"
    chosen = f.type in ("enum", "boolean", "date") or (f.type == "list" and f.options)
    return f"请选择“{f.label}”" if chosen else f"请填写“{f.label}”"


def validate(
    fields: list[FormField],
    submitted: Mapping[str, Any],
    case_data: Mapping[str, Any],
    done_kinds: frozenset[str] = frozenset(),
    files: Mapping[int, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check submitted values; returns (clean values, {field: Chinese message}).
    done_kinds: the step kinds the case has completed (for `done_kind(...)` rules);
    files: the case's attachments {id: name}, the only ones a file field may name."""
    if not isinstance(submitted, Mapping):
        return {}, {"data": "提交的数据应为对象"}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = {f.id for f in fields}
    for key in submitted:
        if key not in known:
            errors[str(key)] = "表单中没有这个字段"
    offered = {f.id: f for f in offered_fields(fields, case_data, done_kinds)}
    for f in fields:
        raw = submitted.get(f.id)
        if f.id not in offered:
            if raw not in (None, "", [], False, "false", "off"):
                errors[f.id] = f.properties.get("invalid_message") or f"“{f.label}”本环节已不能选择"
            clean[f.id] = False if f.type == "boolean" else None
            continue
        withdrawn = {o[0] for o in f.options} - {o[0] for o in offered[f.id].options}
        if f.type == "enum" and str(raw) in withdrawn:
            errors[f.id] = f.properties.get("invalid_message") or f"“{f.label}”本环节已不能选择该项"
            clean[f.id] = None
            continue
        value, error = _coerce(offered[f.id], raw)
        if error:
            errors[f.id] = f"{f.label}：{error}"
        elif f.type == "file" and value:
            known_files = files or {}
            if any(i not in known_files for i in value):
                errors[f.id] = f"{f.label}：附件不属于本案"
            value = [{"id": i, "name": known_files.get(i, "")} for i in value]
        clean[f.id] = value
    names = _Lenient(ChainMap(clean, dict(case_data)))
    functions = _functions(done_kinds)
    for f in fields:
        if f.id in errors or f.id not in offered:
            continue
        value = clean[f.id]
        missing = value is None
        try:
            if f.required and missing:
                errors[f.id] = _missing_message(f)
                continue
            condition = f.constraints.get("required_if")
            if condition and not expressions.evaluate(condition, names, functions):
                # hidden on the page: what was typed into it before is not kept
                clean[f.id] = False if f.type == "boolean" else None
                continue
            if condition and missing:
                errors[f.id] = _missing_message(f)
                continue
            if not missing and f.type == "date":
                order = _date_order_error(f, value, names)
                if order:
                    errors[f.id] = order
                    continue
            if not missing and isinstance(value, (str, list)):
                if "maxlength" in f.constraints and len(value) > float(f.constraints["maxlength"]):
                    errors[f.id] = f"“{f.label}”不能超过 {f.constraints['maxlength']} 个字"
                    continue
                if "minlength" in f.constraints and len(value) < float(f.constraints["minlength"]):
                    errors[f.id] = f"“{f.label}”至少 {f.constraints['minlength']} 个字"
                    continue
            if not missing and isinstance(value, int) and not isinstance(value, bool):
                if "min" in f.constraints and value < float(f.constraints["min"]):
                    errors[f.id] = f"“{f.label}”不能小于 {f.constraints['min']}"
                    continue
                if "max" in f.constraints and value > float(f.constraints["max"]):
                    errors[f.id] = f"“{f.label}”不能大于 {f.constraints['max']}"
                    continue
            rule = f.constraints.get("valid_if")
            if rule and not expressions.evaluate(rule, names, functions):
                errors[f.id] = f.properties.get("invalid_message") or f"“{f.label}”的取值不符合要求"
        except expressions.ExpressionError as exc:
            errors[f.id] = f"“{f.label}”的校验规则无法计算：{exc}"
    return clean, errors

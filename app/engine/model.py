"""Reading a BPMN document: SpiffWorkflow's parser for the executable spec, plus our
own reading of what the engine does not keep (forms, timer kinds, lanes as roles),
and the checks a designer needs before anything runs.

Every problem is reported as {"element_id", "message"} so the editor can point
at the shape.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser, VALIDATOR
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from app.domain.roles import role_code
from app.engine import expressions
from app.engine.forms import FormField, check_field_definition
from app.engine.functions import allowed_in_expressions, allowed_in_scripts

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
MAX_XML_BYTES = 2 * 1024 * 1024
TIMER_KINDS = {"deadline", "warning", "cutoff", "wait"}


@dataclass
class ParsedProcess:
    process_id: str | None = None
    name: str = ""
    spec: Any = None
    subprocess_specs: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def error(self, element_id: str | None, message: str) -> None:
        self.errors.append({"element_id": element_id, "message": message})


def _translate_spiff_error(exc: Exception) -> tuple[str | None, str]:
    element_id = getattr(exc, "id", None) or None
    message = str(exc).split("\n")[0]
    if "two items" in message or "Expected exactly one" in message or "more than one" in message.lower():
        message = ("连接关系有误：某个元素引用了不存在或重复的顺序流"
                   "（常见原因：顺序流缺少起点或终点、或指向已删除的元素）")
    elif "No start event" in message or "start event" in message.lower() and "no" in message.lower():
        message = "流程缺少开始事件"
    else:
        message = f"流程解析失败：{message}"
    return element_id, message


def _text(node) -> str:
    return (node.text or "").strip() if node is not None else ""


def _read_form(node) -> list[FormField]:
    fields = []
    for f in node.iterfind("bpmn:extensionElements/camunda:formData/camunda:formField", NS):
        constraints = {}
        for c in f.iterfind("camunda:validation/camunda:constraint", NS):
            constraints[c.get("name", "")] = c.get("config") or ""
        properties = {}
        for p in f.iterfind("camunda:properties/camunda:property", NS):
            properties[p.get("name") or p.get("id") or ""] = p.get("value") or ""
        options = [(v.get("id", ""), v.get("name") or v.get("id", "")) for v in f.iterfind("camunda:value", NS)]
        fields.append(FormField(
            id=f.get("id", ""), label=f.get("label") or f.get("id", ""), type=f.get("type") or "string",
            default=f.get("defaultValue"), required="required" in constraints,
            options=options, constraints={k: v for k, v in constraints.items() if k != "required"},
            properties=properties))
    return fields


def _properties(node) -> dict[str, str]:
    props = {}
    for p in node.iterfind("bpmn:extensionElements/camunda:properties/camunda:property", NS):
        props[p.get("name") or p.get("id") or ""] = p.get("value") or ""
    return props


def _read_xml_meta(root, result: ParsedProcess) -> None:
    """Forms, lanes and timer kinds, straight from the XML."""
    processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "true") != "false"]
    if not processes:
        result.error(None, "文件中没有可执行的流程（bpmn:process）")
        return
    process = processes[0]
    result.process_id = process.get("id")
    result.name = process.get("name") or result.process_id or ""
    lanes: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[_text(ref)] = lane.get("name") or ""
    steps: dict[str, dict] = {}
    start_form: list[dict] = []
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        tag = etree.QName(node).localname
        element_id = node.get("id")
        if tag == "userTask":
            lane_name = lanes.get(element_id)
            role = role_code(lane_name)
            if not lane_name:
                result.error(element_id, f"用户任务“{node.get('name') or element_id}”不在任何泳道中，无法确定由哪个角色办理")
            elif role is None:
                result.error(element_id, f"泳道“{lane_name}”不是系统中的角色")
            form = _read_form(node)
            for f in form:
                for problem in check_field_definition(f):
                    result.error(element_id, problem)
            steps[element_id] = {"name": node.get("name") or element_id, "role": role,
                                 "lane": lane_name, "form": [f.to_dict() for f in form]}
        elif tag == "startEvent" and node.getparent() is process:
            form = _read_form(node)
            for f in form:
                for problem in check_field_definition(f):
                    result.error(element_id, problem)
            if form:
                start_form = [f.to_dict() for f in form]
    timers: dict[str, dict] = {}
    for node in process.iter(f"{{{BPMN_NS}}}boundaryEvent", f"{{{BPMN_NS}}}intermediateCatchEvent",
                             f"{{{BPMN_NS}}}startEvent"):
        definition = node.find("bpmn:timerEventDefinition", NS)
        if definition is None:
            continue
        element_id = node.get("id")
        attached = node.get("attachedToRef")
        interrupting = node.get("cancelActivity", "true") != "false"
        kind = _properties(node).get("timer_kind")
        if kind is None:
            kind = "wait" if not attached else ("cutoff" if interrupting else "deadline")
        if kind not in TIMER_KINDS:
            result.error(element_id, f"计时器类型“{kind}”不受支持（可用：deadline、warning、cutoff、wait）")
        values = [c for c in definition if isinstance(c.tag, str)
                  and etree.QName(c).localname in ("timeDate", "timeDuration", "timeCycle")]
        if not values or not _text(values[0]):
            result.error(element_id, f"计时器“{node.get('name') or element_id}”没有设置时间表达式")
        timers[element_id] = {"name": node.get("name") or "", "kind": kind, "step": attached,
                              "interrupting": interrupting}
    result.meta = {"process_id": result.process_id, "name": result.name, "steps": steps,
                   "start_form": start_form, "timers": timers}


_DURATION = re.compile(r"^R?\d*/?P")


def _check_timer_expression(element_id: str, expression: str, result: ParsedProcess) -> None:
    try:
        tree = expressions.parse_expression(expression, allowed_in_expressions())
    except expressions.ExpressionError as exc:
        result.error(element_id, f"计时器表达式“{expression}”有误：{exc}")
        return
    if isinstance(tree.body, ast.Constant):
        value = tree.body.value
        if not isinstance(value, str):
            result.error(element_id, "计时器表达式应得到日期时间或时长，例如 working_days(3) 或 \"P5D\"")
            return
        try:
            if _DURATION.match(value.upper()) and value.upper().startswith("R"):
                TimerEventDefinition.parse_iso_recurring_interval(value)
            else:
                TimerEventDefinition.parse_time_or_duration(value)
        except Exception:
            result.error(element_id, f"计时器值“{value}”不是合法的 ISO 8601 日期或时长")
    elif isinstance(tree.body, ast.Name):
        result.error(element_id, f"计时器表达式“{expression}”只是一个变量名；时长请加引号，如 \"P5D\"，或使用 working_days(n)")


def _check_specs(result: ParsedProcess, known_processes: set[str]) -> None:
    all_specs = [result.spec, *result.subprocess_specs.values()]
    for process_spec in all_specs:
        for task_spec in process_spec.task_specs.values():
            element_id = getattr(task_spec, "bpmn_id", None)
            if isinstance(task_spec, ScriptTask):
                try:
                    expressions.parse_script(task_spec.script, allowed_in_scripts())
                except expressions.ExpressionError as exc:
                    result.error(element_id, f"脚本有误：{exc}")
            for hook in ("prescript", "postscript"):
                script = getattr(task_spec, hook, None)
                if script:
                    try:
                        expressions.parse_script(script, allowed_in_scripts())
                    except expressions.ExpressionError as exc:
                        result.error(element_id, f"{hook} 脚本有误：{exc}")
            if isinstance(task_spec, MultiChoice):
                for condition, target in task_spec.cond_task_specs:
                    if condition is None:
                        continue
                    condition = condition.args[0] if hasattr(condition, "args") else condition
                    try:
                        expressions.parse_expression(condition, allowed_in_expressions())
                    except expressions.ExpressionError as exc:
                        result.error(element_id, f"网关条件“{condition}”（通往 {target}）有误：{exc}")
            if isinstance(task_spec, CatchingEvent):
                definition = task_spec.event_definition
                if isinstance(definition, TimerEventDefinition):
                    _check_timer_expression(element_id, definition.expression, result)
                elif hasattr(definition, "expression") and definition.expression:
                    try:
                        expressions.parse_expression(definition.expression, allowed_in_expressions())
                    except expressions.ExpressionError as exc:
                        result.error(element_id, f"条件表达式有误：{exc}")
            if isinstance(task_spec, CallActivity) and task_spec.spec not in result.subprocess_specs \
                    and task_spec.spec not in known_processes:
                result.error(element_id, f"调用活动引用的流程“{task_spec.spec}”不存在")


def parse_process(xml: bytes | str, known_processes: set[str] | None = None) -> ParsedProcess:
    """Parse and check a BPMN document; never raises for bad input."""
    result = ParsedProcess()
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if len(data) > MAX_XML_BYTES:
        result.error(None, f"文件过大（超过 {MAX_XML_BYTES // 1024 // 1024} MB）")
        return result
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        result.error(None, f"XML 格式错误（第 {exc.lineno} 行）：{exc.msg}")
        return result
    if etree.QName(root).namespace != BPMN_NS or etree.QName(root).localname != "definitions":
        result.error(None, "这不是 BPMN 2.0 文件（根元素应为 bpmn:definitions）")
        return result
    _read_xml_meta(root, result)
    if result.process_id is None:
        return result
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename=f"{result.process_id}.bpmn")
        result.spec = parser.get_spec(result.process_id)
        result.subprocess_specs = parser.get_subprocess_specs(
            result.process_id, require_call_activity_specs=False)
    except ValidationException as exc:
        element_id, message = _translate_spiff_error(exc)
        result.error(element_id, message)
        result.spec = None
        return result
    except Exception as exc:  # the parser raises many kinds; none may become a 500
        element_id, message = _translate_spiff_error(exc)
        result.error(element_id, message)
        result.spec = None
        return result
    _check_specs(result, known_processes or set())
    return result


def user_task_ids(spec) -> set[str]:
    return {ts.bpmn_id for ts in spec.task_specs.values() if isinstance(ts, UserTask)}

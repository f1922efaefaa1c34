"""Reading a BPMN document: SpiffWorkflow's parser for the executable spec, plus our
own reading of what the engine does not keep (forms, timer kinds, lanes as roles),
and the checks a designer needs before anything runs (app.engine.checks).

Every problem is reported as {"element_id", "message"} so the editor can point
at the shape.  parse_process never raises for bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from app.domain.roles import role_code
from app.engine import checks
from app.engine.bpmn_xml import (
    BPMN_NS,
    CAMUNDA_NS,
    MESSAGE_THROWERS,
    NS,
    Document,
    bpmn,
    candidate_role,
    label,
    lanes_by_node,
    local,
    message_elements,
    message_names,
    properties,
    read_form,
    safe_parser,
    select_processes,
    step_documents,
    step_kind,
    step_serves,
    timer_kind,
)

MAX_XML_BYTES = 2 * 1024 * 1024


@dataclass
class ParsedProcess:
    process_id: str | None = None
    name: str = ""
    spec: Any = None
    subprocess_specs: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # saved and publishable, but read them

    def error(self, element_id: str | None, message: str) -> None:
        problem = {"element_id": element_id, "message": message}
        if problem not in self.errors:
            self.errors.append(problem)

    def warn(self, element_id: str | None, message: str) -> None:
        problem = {"element_id": element_id, "message": message}
        if problem not in self.warnings:
            self.warnings.append(problem)


# SpiffWorkflow's messages, in the words a designer reads.  (pattern, message)
_SPIFF_MESSAGES = [
    (
        r"two items|Expected exactly one|more than one",
        "连接关系有误：某个元素引用了不存在或重复的顺序流（常见原因：顺序流缺少起点或终点、或指向已删除的元素）",
    ),
    (
        r"Exactly one start event is required in a SubWorkflow Task; found (\d+)",
        "子流程必须恰好有一个开始事件（现有 {0} 个）",
    ),
    (
        r"multiinstance task must specify a cardinality",
        "多实例活动必须设置实例数（loopCardinality）或输入集合（loopDataInputRef）",
    ),
    (
        r"Cannot resolve (dataInputAssociation|dataOutputAssociation)",
        "数据关联无法解析：引用的数据对象不存在或不受支持",
    ),
    (r"Data Store with name (.*) has no implementation", "数据存储“{0}”不受支持"),
    (r"Duplicate process ID: (\S+)", "流程标识“{0}”重复"),
    (r"The process '([^']*)' was not found", "找不到流程“{0}”"),
    (r"Service Task must have an operator", "服务任务不受支持：请改用脚本任务或用户任务"),
    (r"No start event|has no start event", "流程缺少开始事件"),
]


def _translate_spiff_error(exc: Exception, root) -> tuple[str | None, str]:
    element_id = getattr(exc, "id", None) or None
    message = str(exc).split("\n")[0].strip().rstrip(".").strip()
    line = getattr(exc, "line_number", None)
    for pattern, chinese in _SPIFF_MESSAGES:
        match = re.search(pattern, message, re.IGNORECASE)
        if match:
            return element_id, chinese.format(*match.groups())
    if isinstance(line, int) and line > 0:  # schema (XSD) errors carry only a line
        node = next((n for n in root.iter() if isinstance(n.tag, str) and n.sourceline == line), None)
        if node is not None and element_id is None:
            element_id = node.get("id") or (
                node.getparent().get("id") if node.getparent() is not None else None
            )
        where = f"第 {line} 行" + (f"，元素 {local(node)}" if node is not None else "")
        return element_id, f"不符合 BPMN 2.0 规范（{where}）：{message}"
    return element_id, f"流程解析失败：{message}"


MAX_GUIDANCE = 2000


def guidance(task) -> str:
    """The step's bpmn:documentation: what the officer is told on the task page."""
    node = task.find(bpmn("documentation"))
    text = " ".join((node.text or "").split()) if node is not None else ""
    return text[:MAX_GUIDANCE]


def _read_meta(doc: Document) -> dict:
    """Forms, roles and timer kinds, straight from the XML (all processes that run)."""
    steps: dict[str, dict] = {}
    timers: dict[str, dict] = {}
    scopes: dict[str, str] = {}  # engine spec name -> the process whose namespace it is
    for process in doc.processes:
        pid = process.get("id")
        prefix = "" if process is doc.main else f"{pid}:"  # a called process: its own namespace
        scopes[pid] = pid
        for sub in process.iter(bpmn("subProcess"), bpmn("transaction")):
            scopes[sub.get("id")] = pid
        lanes = lanes_by_node(process)
        for task in process.iter(bpmn("userTask")):
            lane = lanes.get(task.get("id"))
            lane_name = (lane.get("name") or "").strip() if lane is not None else None
            steps[prefix + task.get("id")] = {
                "name": label(task),
                "kind": step_kind(task),
                "role": role_code(lane_name) or candidate_role(task),
                "lane": lane_name,
                "form": [f.to_dict() for f in read_form(task)],
                "guidance": guidance(task),
                # what the history says when the step is done (an expression), e.g.
                # "已延长核查期限至2026年12月30日" rather than the step's name
                "done_summary": properties(task).get("done_summary", "").strip(),
                "documents": step_documents(task),
                "serves": step_serves(task),
            }
        for definition in process.iter(bpmn("timerEventDefinition")):
            event = definition.getparent()
            attached = event.get("attachedToRef")
            timers[prefix + event.get("id")] = {
                "name": event.get("name") or "",
                "kind": timer_kind(event),
                "step": prefix + attached if attached else None,
                "interrupting": event.get("cancelActivity", "true") != "false",
            }
    start_form: list[dict] = []
    start_role = None  # who may start a case: the role of the start event's lane
    start_hook = ""  # a domain-specific start the process opts into (app/engine/start_hooks.py)
    main_lanes = lanes_by_node(doc.main)
    for start in doc.main.iterfind("bpmn:startEvent", NS):
        form = read_form(start)
        if form:
            start_form = [f.to_dict() for f in form]
        lane = main_lanes.get(start.get("id"))
        if lane is not None and start_role is None:
            start_role = role_code((lane.get("name") or "").strip())
        start_hook = start_hook or properties(start).get("start_hook", "").strip()
    return {
        "messages": _read_messages(doc),
        "process_id": doc.process_id,
        "name": label(doc.main),
        "steps": steps,
        "start_form": start_form,
        "start_role": start_role,
        "start_hook": start_hook,
        "timers": timers,
        "scopes": scopes,
        "calls": read_calls(doc),
    }


def _read_messages(doc: Document) -> dict:
    """Which messages the diagram throws and catches, and which start a case."""
    names = message_names(doc.root)
    throws: set[str] = set()
    catches: set[str] = set()
    starts: set[str] = set()
    for process in doc.processes:
        for node, ref in message_elements(process):
            name = names.get(ref or "")
            if not name:
                continue
            tag = local(node)
            if tag in MESSAGE_THROWERS:
                throws.add(name)
            else:
                catches.add(name)
                if tag == "startEvent" and node.getparent() is doc.main:
                    starts.add(name)
    return {"throws": sorted(throws), "catches": sorted(catches), "starts": sorted(starts)}


def read_calls(doc: Document) -> list[dict]:
    """The call activities of the file: which process each calls, and how the version
    is chosen (Camunda's calledElementBinding: latest by default, or a pinned version)."""
    in_file = {p.get("id") for p in doc.processes}
    calls = []
    for process in doc.processes:
        for call in process.iter(bpmn("callActivity")):
            binding = (call.get(f"{{{CAMUNDA_NS}}}calledElementBinding") or "latest").strip()
            version = (call.get(f"{{{CAMUNDA_NS}}}calledElementVersion") or "").strip()
            calls.append(
                {
                    "element_id": call.get("id"),
                    "name": label(call),
                    "process": (call.get("calledElement") or "").strip(),
                    "in_file": (call.get("calledElement") or "").strip() in in_file,
                    "binding": "version" if binding == "version" else "latest",
                    "version": int(version) if version.isdigit() else None,
                }
            )
    return calls


def _read_root(data: bytes, result: ParsedProcess):
    if len(data) > MAX_XML_BYTES:
        result.error(None, f"文件过大（超过 {MAX_XML_BYTES // 1024 // 1024} MB）")
        return None
    if not data.strip():
        result.error(None, "文件是空的")
        return None
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        result.error(None, f"XML 格式错误（第 {exc.lineno} 行）：{exc.msg}")
        return None
    if etree.QName(root).namespace != BPMN_NS or etree.QName(root).localname != "definitions":
        result.error(None, "这不是 BPMN 2.0 文件（根元素应为 bpmn:definitions）")
        return None
    return root


def _parse_with_spiff(root, result: ParsedProcess) -> None:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename=f"{result.process_id}.bpmn")
        result.spec = parser.get_spec(result.process_id)
        result.subprocess_specs = parser.get_subprocess_specs(
            result.process_id, require_call_activity_specs=False
        )
    except Exception as exc:  # the parser raises many kinds; none may become a 500
        result.error(*_translate_spiff_error(exc, root))
        result.spec, result.subprocess_specs = None, {}


def read_process_id(xml: bytes | str) -> ParsedProcess:
    """Only which process a file would deploy, with the problems that prevent knowing."""
    result = ParsedProcess()
    root = _read_root(xml.encode("utf-8") if isinstance(xml, str) else xml, result)
    if root is not None:
        doc = select_processes(root)
        result.process_id = doc.process_id
        for element_id, message in doc.problems:
            result.error(element_id, message)
    return result


def parse_process(
    xml: bytes | str, known_processes: set[str] | None = None, expected_key: str | None = None
) -> ParsedProcess:
    """Parse and check a BPMN document; never raises for bad input.

    known_processes: keys of published processes a call activity may name.
    expected_key: when the file holds several processes, the one to deploy.
    """
    result = ParsedProcess()
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = _read_root(data, result)
    if root is None:
        return result
    doc = select_processes(root, expected_key)
    for element_id, message in doc.problems:
        result.error(element_id, message)
    if doc.main is None:
        return result
    result.process_id, result.name = doc.process_id, label(doc.main)
    structure = checks.structure_problems(doc)
    for element_id, message in structure + checks.content_problems(doc, known_processes or set()):
        result.error(element_id, message)
    for element_id, message in checks.warnings(doc):
        result.warn(element_id, message)
    for problem in result.errors:
        if problem["element_id"] == doc.process_id and 'isExecutable="false"' in problem["message"]:
            problem["fix"] = "make_executable"  # the editor offers a one-click fix
    result.meta = _read_meta(doc)
    if not structure and not doc.problems:
        _parse_with_spiff(root, result)
    return result

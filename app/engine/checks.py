"""The checks a designer's diagram passes before it may run, each problem tied to the
element to fix: (element_id, Chinese message).

Two groups:
- structure: element kinds we cannot run or serve, broken references, duplicate ids.
  When these fail, SpiffWorkflow's parser is not asked (its messages would only
  repeat them, in English);
- content: lanes naming roles, forms, timers, every expression and script compiled
  by the restricted evaluator, call activities resolvable.
"""

from __future__ import annotations

import ast
from collections import Counter

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.domain.roles import known_roles, role_code
from app.engine import expressions, limits, start_hooks
from app.engine.bpmn_xml import (
    NS,
    Document,
    bpmn,
    candidate_role,
    is_bpmn,
    label,
    lanes_by_node,
    local,
    message_elements,
    message_names,
    properties,
    read_form,
    step_documents,
    step_serves,
    text,
    timer_kind,
    timer_value,
)
from app.engine.checks_documentation import documentation_warnings, message_flow_problems
from app.engine.checks_flow import flow_problems, gateway_warnings
from app.engine.checks_names import undefined_name_problems
from app.engine.forms import check_field_definition
from app.engine.functions import allowed_in_expressions, allowed_in_scripts
from app.engine.loops import loop_problems

Problem = tuple[str | None, str]

TIMER_KINDS = {"deadline", "warning", "cutoff", "wait"}
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

FLOW_NODES = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "userTask",
    "scriptTask",
    "task",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "sendTask",
    "receiveTask",
}
CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}
NOT_FLOW = {  # children of a process that neither run nor need support
    "sequenceFlow",
    "laneSet",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",  # documentation unless associated (checks_flow refuses associations)
    "textAnnotation",
    "association",
    "group",
    "documentation",
    "extensionElements",
    "ioSpecification",
    "property",
    "auditing",
    "monitoring",
    "performer",
    "humanPerformer",
    "potentialOwner",
    "resourceRole",
    "supports",
    "correlationSubscription",
    "category",
    "incoming",
    "outgoing",
    "standardLoopCharacteristics",
    "multiInstanceLoopCharacteristics",
    "dataInputAssociation",
    "dataOutputAssociation",
}
UNSUPPORTED = {
    "task": (
        "未指定类型的任务（建模工具面板默认的“任务”）系统无法办理，案件会停在这里："
        "请用“更改类型”改为用户任务（有人办理，放在角色泳道中）或脚本任务（自动执行）"
    ),
    "manualTask": "手工任务不受支持：系统不会为它生成待办。请改用用户任务，并放在办理角色的泳道中",
    "serviceTask": "服务任务不受支持：系统不调用外部服务。请改用脚本任务调用白名单函数，或用户任务由人办理",
    "businessRuleTask": "业务规则任务（DMN 决策表）不受支持：请改用网关条件或脚本任务",
    "complexGateway": "复杂网关不受支持：请改用排他网关、并行网关或包容网关",
    "adHocSubProcess": "自由子流程（ad-hoc）不受支持：请改用普通子流程",
    "transaction": "事务子流程不受支持：请改用普通子流程",
    "callChoreography": "编排（choreography）元素不受支持",
    "subChoreography": "编排（choreography）元素不受支持",
    "choreographyTask": "编排（choreography）元素不受支持",
}
EVENT_DEFINITIONS = {
    "timerEventDefinition",
    "errorEventDefinition",
    "escalationEventDefinition",
    "terminateEventDefinition",
    "messageEventDefinition",
}
UNSUPPORTED_EVENTS = {
    "signalEventDefinition": "信号事件不受支持：请改用网关条件或计时器",
    "linkEventDefinition": "链接事件不受支持：路径会在链接处中断。请直接用顺序流连接两处",
    "compensateEventDefinition": "补偿事件不受支持",
    "conditionalEventDefinition": "条件事件不受支持：请改用网关条件",
    "cancelEventDefinition": "取消事件不受支持（只用于事务子流程）",
    "eventDefinitionRef": "引用全局事件定义不受支持：请在事件上直接画出计时器等定义",
}


def _scope(doc: Document):
    """Every element of the processes that run (main and in-file called ones)."""
    for process in doc.processes:
        yield from (n for n in process.iter() if is_bpmn(n))


# --- structure ---------------------------------------------------------------


def _kind_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for node in _scope(doc):
        tag = local(node)
        parent = node.getparent()
        if tag in UNSUPPORTED or (local(parent) in CONTAINERS and tag not in FLOW_NODES | NOT_FLOW):
            message = UNSUPPORTED.get(tag, f"不支持的元素类型 {tag}")
            problems.append((node.get("id"), f"“{label(node)}”：{message}"))
        elif tag in UNSUPPORTED_EVENTS or (tag.endswith("EventDefinition") and tag not in EVENT_DEFINITIONS):
            message = UNSUPPORTED_EVENTS.get(tag, f"不支持的事件类型 {tag}")
            problems.append((parent.get("id"), f"“{label(parent)}”：{message}"))
    return problems


def _reference_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    ids = Counter(n.get("id") for n in doc.root.iter() if is_bpmn(n) and n.get("id"))
    for element_id, count in ids.items():
        if count > 1:
            problems.append(
                (element_id, f"标识“{element_id}”被 {count} 个元素重复使用：每个元素的标识必须唯一")
            )
    for container in _scope(doc):
        if local(container) not in CONTAINERS:
            continue
        children = [c for c in container if is_bpmn(c)]
        nodes = {c.get("id"): c for c in children if local(c) not in NOT_FLOW}
        flows = {c.get("id"): c for c in children if local(c) == "sequenceFlow"}
        for flow_id, flow in flows.items():
            for end, what in (("sourceRef", "起点"), ("targetRef", "终点")):
                ref = flow.get(end)
                if not ref:
                    problems.append(
                        (flow_id, f"顺序流“{label(flow)}”没有{what}：请把它连到两个元素之间，或删除它")
                    )
                elif ref not in nodes:
                    problems.append(
                        (
                            flow_id,
                            (
                                f"顺序流“{label(flow)}”的{what}“{ref}”不存在"
                                "（可能已被删除，或不在同一流程/子流程中）：请重新连接或删除这条顺序流"
                            ),
                        )
                    )
        for node_id, node in nodes.items():
            for direction, end, what in (
                ("incoming", "targetRef", "传入"),
                ("outgoing", "sourceRef", "传出"),
            ):
                for ref in node.iterfind(f"bpmn:{direction}", NS):
                    flow = flows.get(text(ref))
                    if flow is None or flow.get(end) != node_id:
                        problems.append(
                            (
                                node_id,
                                (
                                    f"“{label(node)}”列出的{what}顺序流“{text(ref)}”不存在或没有连到它："
                                    "请重新连接"
                                ),
                            )
                        )
            if local(node) == "boundaryEvent" and node.get("attachedToRef") not in nodes:
                problems.append(
                    (node_id, f"边界事件“{label(node)}”附着的活动“{node.get('attachedToRef')}”不存在")
                )
    for process in doc.processes:
        known = {n.get("id") for n in process.iter() if is_bpmn(n)}
        for lane in process.iter(bpmn("lane")):
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                if text(ref) not in known:
                    problems.append((lane.get("id"), f"泳道“{label(lane)}”列出的元素“{text(ref)}”不存在"))
    return problems


MAX_MESSAGE_NAME = 200


def _message_problems(doc: Document) -> list[Problem]:
    """Every message event and send/receive task names a message that exists and
    has a name: cases find each other by that name."""
    problems: list[Problem] = []
    names = message_names(doc.root)
    for message_id, name in names.items():
        if not name:
            problems.append((message_id, f"消息“{message_id}”缺少名称：案件之间按消息名称传递消息"))
        elif len(name) > MAX_MESSAGE_NAME:
            problems.append((message_id, f"消息名称过长（最多 {MAX_MESSAGE_NAME} 个字符）"))
    for process in doc.processes:
        for node, ref in message_elements(process):
            if not ref:
                problems.append((node.get("id"), f"“{label(node)}”：请选择要发送或接收的消息（messageRef）"))
            elif ref not in names:
                problems.append((node.get("id"), f"“{label(node)}”引用的消息“{ref}”不存在"))
    return problems


def structure_problems(doc: Document) -> list[Problem]:
    return (
        _kind_problems(doc) + message_flow_problems(doc) + _reference_problems(doc) + _message_problems(doc)
    )


def message_warnings(meta: dict, published: list[dict]) -> list[Problem]:
    """A message this diagram throws that no process catches, or catches that no
    process throws: allowed (the partner may come later), but worth a warning."""
    mine = meta.get("messages") or {}
    thrown = set(mine.get("throws", []))
    caught = set(mine.get("catches", []))
    for other in published:
        thrown |= set((other.get("messages") or {}).get("throws", []))
        caught |= set((other.get("messages") or {}).get("catches", []))
    warnings: list[Problem] = []
    for name in mine.get("throws", []):
        if name not in caught:
            warnings.append((None, f"消息“{name}”没有任何流程接收：发出后将记录为“无接收方”"))
    for name in mine.get("catches", []):
        if name not in thrown:
            warnings.append((None, f"消息“{name}”没有任何流程发送：等待它的环节不会被触发"))
    return warnings


# --- content -----------------------------------------------------------------


def _role_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    roles = "、".join(known_roles().values())
    for process in doc.processes:
        if process.get("isExecutable", "true").strip().lower() == "false":
            continue  # a documentation pool: its lanes need name no role (the flag itself is reported)
        lanes = lanes_by_node(process)
        checked: set[str] = set()
        for task in process.iter(bpmn("userTask")):
            lane = lanes.get(task.get("id"))
            if lane is None and candidate_role(task):
                continue  # a Camunda Modeler task naming its role in candidateGroups
            if lane is None:
                problems.append(
                    (
                        task.get("id"),
                        (
                            f"用户任务“{label(task)}”不在任何泳道中，无法确定由哪个角色办理："
                            f"请把它放进以角色命名的泳道（{roles}）"
                        ),
                    )
                )
                continue
            if lane.get("id") in checked:
                continue
            checked.add(lane.get("id"))
            name = (lane.get("name") or "").strip()
            if not name:
                problems.append((lane.get("id"), f"泳道没有名称：泳道名称应为办理角色（{roles}）"))
            elif role_code(name) is None:
                problems.append((lane.get("id"), f"泳道“{name}”不是系统中的角色（可用：{roles}）"))
    return problems


def _start_hook_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for start in doc.main.iterfind("bpmn:startEvent", NS):
        hook = properties(start).get("start_hook", "").strip()
        if hook and not start_hooks.known(hook):
            known = "、".join(sorted(start_hooks.NAMES)) or "无"
            problems.append((start.get("id"), f"开始事件的 start_hook“{hook}”不存在（可用：{known}）"))
    return problems


def _form_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for node in _scope(doc):
        if local(node) in ("userTask", "startEvent"):
            for f in read_form(node):
                problems.extend((node.get("id"), p) for p in check_field_definition(f))
    return problems


def _expression_problem(source: str, what: str) -> str | None:
    try:
        expressions.parse_expression(source, allowed_in_expressions())
    except expressions.ExpressionError as exc:
        hint = ""
        if source.lstrip().startswith(("${", "#{")):
            hint = "（本系统使用 Python 风格表达式，如 amount > 1000，不支持 ${…}）"
        return f"{what}“{source}”有误：{exc}{hint}"
    return None


def _timer_problem(expression: str) -> str | None:
    problem = _expression_problem(expression, "计时器表达式")
    if problem:
        return problem
    body = ast.parse(expression.strip(), mode="eval").body
    if isinstance(body, ast.Name):
        return f'计时器表达式“{expression}”只是一个变量名；时长请加引号，如 "P5D"，或使用 working_days(n)'
    if isinstance(body, ast.Constant):
        if not isinstance(body.value, str):
            return '计时器表达式应得到日期时间或时长，例如 working_days(3) 或 "P5D"'
        problem = limits.timer_text_problem(body.value)  # before the parser: P99999999Y loops
        if problem:
            return f"计时器值“{body.value}”：{problem}"
        try:
            if body.value.upper().startswith("R"):
                TimerEventDefinition.parse_iso_recurring_interval(body.value)
            else:
                TimerEventDefinition.parse_time_or_duration(body.value)
        except Exception:  # the ISO parser raises several kinds
            return f"计时器值“{body.value}”不是合法的 ISO 8601 日期或时长"
    return None


def _timer_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for definition in (n for n in _scope(doc) if local(n) == "timerEventDefinition"):
        event = definition.getparent()
        kind = timer_kind(event)
        if kind not in TIMER_KINDS:
            problems.append(
                (event.get("id"), f"计时器类型“{kind}”不受支持（可用：deadline、warning、cutoff、wait）")
            )
        _, expression = timer_value(definition)
        if not expression:
            problems.append(
                (
                    event.get("id"),
                    (
                        f"计时器“{label(event)}”没有设置时间：请填写表达式，"
                        '如 working_days(3)、months(6) 或 "P5D"'
                    ),
                )
            )
            continue
        problem = _timer_problem(expression)
        if problem:
            problems.append((event.get("id"), problem))
    return problems


def _script_problem(source: str, what: str) -> str | None:
    try:
        expressions.parse_script(source, allowed_in_scripts())
    except expressions.ExpressionError as exc:
        return f"{what}有误：{exc}"
    return None


def _code_problems(doc: Document) -> list[Problem]:
    """Conditions, scripts and loop expressions: all through the restricted evaluator."""
    problems: list[Problem] = []
    for node in _scope(doc):
        tag, element_id = local(node), node.get("id")
        if tag == "sequenceFlow":
            condition = node.find("bpmn:conditionExpression", NS)
            if condition is not None and text(condition):
                problem = _expression_problem(text(condition), "条件")
                if problem:
                    problems.append((element_id, problem))
        elif tag == "scriptTask":
            script_format = (node.get("scriptFormat") or "python").strip().lower()
            if script_format not in ("python", "text/x-python", "py"):
                problems.append(
                    (
                        element_id,
                        f"脚本语言“{node.get('scriptFormat')}”不受支持：只能写白名单内的 Python 风格语句",
                    )
                )
                continue
            problem = _script_problem(text(node.find("bpmn:script", NS)), "脚本")
            if problem:
                problems.append((element_id, problem))
        elif tag in ("standardLoopCharacteristics", "multiInstanceLoopCharacteristics"):
            owner = node.getparent()
            for child in node:
                if local(child) in ("loopCondition", "loopCardinality", "completionCondition") and text(
                    child
                ):
                    problem = _expression_problem(text(child), "循环表达式")
                    if problem:
                        problems.append((owner.get("id"), problem))
        for hook in ("preScript", "postScript"):
            script = node.find(f"bpmn:extensionElements/{{{SPIFF_NS}}}{hook}", NS)
            if script is not None and text(script):
                problem = _script_problem(text(script), f"{hook} 脚本")
                if problem:
                    problems.append((element_id, problem))
    return problems


def _call_problems(doc: Document, known_processes: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    in_file = {p.get("id") for p in doc.root.iterfind("bpmn:process", NS)}
    for call in (n for n in _scope(doc) if local(n) == "callActivity"):
        target = (call.get("calledElement") or "").strip()
        if not target:
            problems.append((call.get("id"), f"调用活动“{label(call)}”没有指定被调用的流程（calledElement）"))
        elif target == doc.process_id:
            problems.append((call.get("id"), f"调用活动“{label(call)}”调用了流程自身，会无限递归"))
        elif target not in in_file and target not in known_processes:
            problems.append(
                (
                    call.get("id"),
                    (
                        f"调用活动“{label(call)}”调用的流程“{target}”不存在："
                        "本文件中没有，系统中也没有已发布的该流程"
                    ),
                )
            )
    return problems


def _document_problems(doc: Document) -> list[Problem]:
    """`document` and `serves` name kinds the register knows, on user tasks only
    (a document is issued when a person completes the step)."""
    from app.domain.documents import KINDS

    problems: list[Problem] = []
    known = "、".join(KINDS)
    for node in _scope(doc):
        issued, served = step_documents(node), step_serves(node)
        if not issued and not served:
            continue
        if local(node) != "userTask":
            problems.append(
                (node.get("id"), f"“{label(node)}”：文书（document / serves）只能设置在用户任务上")
            )
            continue
        for kind, condition in issued:
            if kind not in KINDS:
                problems.append((node.get("id"), f"“{label(node)}”的文书“{kind}”不存在（可用：{known}）"))
            if condition:
                problem = _expression_problem(condition, "文书条件")
                if problem:
                    problems.append((node.get("id"), f"“{label(node)}”的{problem}"))
        for kind in served:
            if kind not in KINDS:
                problems.append((node.get("id"), f"“{label(node)}”送达的文书“{kind}”不存在（可用：{known}）"))
    return problems


def warnings(doc: Document) -> list[Problem]:
    """What saves and may be published, but a designer should look at."""
    return gateway_warnings(doc) + documentation_warnings(doc)


def content_problems(doc: Document, known_processes: set[str]) -> list[Problem]:
    return (
        flow_problems(doc)
        + undefined_name_problems(doc)
        + _role_problems(doc)
        + _start_hook_problems(doc)
        + _form_problems(doc)
        + _timer_problems(doc)
        + _code_problems(doc)
        + _call_problems(doc, known_processes)
        + _document_problems(doc)
        + loop_problems(doc)
    )

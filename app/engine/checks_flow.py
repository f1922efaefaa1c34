"""Checks of a diagram's shape that the parser lets through but that cannot run:
several plain start events, a (sub-)process without an end, nodes no path reaches,
an event-based gateway waiting only on timers, data associations, a sequential
multi-instance without an output item, boundary timers without a kind, negative
deadlines, and (a warning) gateways whose conditions may all be false.

Each problem is (element_id, Chinese message), as in app.engine.checks.
"""

from __future__ import annotations

import ast

from app.engine.bpmn_xml import NS, Document, is_bpmn, label, local, properties, read_form, text, timer_value

Problem = tuple[str | None, str]

CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
NOT_NODES = {
    "sequenceFlow",
    "laneSet",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
    "group",
    "documentation",
    "extensionElements",
    "ioSpecification",
    "property",
    "category",
    "incoming",
    "outgoing",
    "standardLoopCharacteristics",
    "multiInstanceLoopCharacteristics",
    "dataInputAssociation",
    "dataOutputAssociation",
    "auditing",
    "monitoring",
    "performer",
    "humanPerformer",
    "potentialOwner",
    "resourceRole",
    "supports",
    "correlationSubscription",
}
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _containers(doc: Document):
    for process in doc.processes:
        yield from (n for n in process.iter() if is_bpmn(n) and local(n) in CONTAINERS)


def _children(container) -> list:
    return [c for c in container if is_bpmn(c)]


def _definitions(node) -> list[str]:
    return [local(c) for c in node if is_bpmn(c) and local(c).endswith("EventDefinition")]


def _is_event_subprocess(node) -> bool:
    return local(node) == "subProcess" and node.get("triggeredByEvent", "false").lower() == "true"


def _start_end_problems(container) -> list[Problem]:
    problems: list[Problem] = []
    children = _children(container)
    plain_starts = [c for c in children if local(c) == "startEvent" and not _definitions(c)]
    what = (
        "事件子流程"
        if _is_event_subprocess(container)
        else ("子流程" if local(container) != "process" else "流程")
    )
    for extra in plain_starts[1:]:
        problems.append(
            (
                extra.get("id"),
                f"{what}“{label(container)}”有 {len(plain_starts)} 个开始事件：只能有一个无触发的开始事件，请删除多余的",
            )
        )
    nodes = [c for c in children if local(c) not in NOT_NODES]
    if nodes and not any(local(c) == "endEvent" for c in children):
        problems.append(
            (container.get("id"), f"{what}“{label(container)}”没有结束事件：请在每条路径的终点画结束事件")
        )
    return problems


def _reach_problems(container) -> list[Problem]:
    """Nodes no sequence flow path reaches from a start event (or from a boundary
    event of a reached activity)."""
    children = _children(container)
    nodes = {c.get("id"): c for c in children if local(c) not in NOT_NODES and not _is_event_subprocess(c)}
    flows: dict[str, list[str]] = {}
    for c in children:
        if local(c) == "sequenceFlow":
            flows.setdefault(c.get("sourceRef"), []).append(c.get("targetRef"))
    boundaries: dict[str, list[str]] = {}
    for node_id, node in nodes.items():
        if local(node) == "boundaryEvent":
            boundaries.setdefault(node.get("attachedToRef"), []).append(node_id)
    reached: set[str] = set()
    queue = [i for i, n in nodes.items() if local(n) == "startEvent"]
    if not queue:
        return []  # no start at all: reported by the start checks and the parser
    while queue:
        node_id = queue.pop()
        if node_id in reached or node_id not in nodes:
            continue
        reached.add(node_id)
        queue.extend(flows.get(node_id, []))
        queue.extend(boundaries.get(node_id, []))
    return [
        (node_id, f"“{label(node)}”与开始事件不连通（没有任何路径能到达它）：请用顺序流连接，或删除它")
        for node_id, node in nodes.items()
        if node_id not in reached
    ]


def _event_gateway_problems(container) -> list[Problem]:
    problems: list[Problem] = []
    children = {c.get("id"): c for c in _children(container)}
    for gateway in (c for c in children.values() if local(c) == "eventBasedGateway"):
        targets = [
            children.get(f.get("targetRef"))
            for f in children.values()
            if local(f) == "sequenceFlow" and f.get("sourceRef") == gateway.get("id")
        ]
        if targets and all(t is not None and _definitions(t) == ["timerEventDefinition"] for t in targets):
            problems.append(
                (
                    gateway.get("id"),
                    (
                        f"事件网关“{label(gateway)}”之后只有计时器：系统无法登记这些计时器，流程会停住。"
                        "只等时间请直接画一个中间计时器事件；要在办理和期限之间二选一，请在用户任务上画边界计时器"
                    ),
                )
            )
    return problems


def _data_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for process in doc.processes:
        for node in process.iter():
            if not is_bpmn(node) or local(node) not in ("dataInputAssociation", "dataOutputAssociation"):
                continue
            owner = node.getparent()
            problems.append(
                (
                    owner.get("id"),
                    (
                        f"“{label(owner)}”连着数据对象或数据存储（数据关联）：系统不支持数据关联，流程会停在这里。"
                        "请删除这条关联；要记录的数据请用表单字段或脚本赋值"
                    ),
                )
            )
    return problems


def _multi_instance_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for process in doc.processes:
        for loop in process.iter(f"{{{NS['bpmn']}}}multiInstanceLoopCharacteristics"):
            if loop.get("isSequential", "false").lower() != "true":
                continue
            has_output = loop.find("bpmn:outputDataItem", NS) is not None or loop.get(
                f"{{{SPIFF_NS}}}outputItem"
            )
            if not has_output:
                owner = loop.getparent()
                problems.append(
                    (
                        owner.get("id"),
                        (
                            f"“{label(owner)}”是顺序多实例，但没有设置输出项（outputDataItem）：运行时会出错。"
                            "请设置输出项和输出集合，或改为并行多实例"
                        ),
                    )
                )
    return problems


def _negative(node) -> bool:
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and node.operand.value > 0
    ) or (isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0)


def _timer_shape_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for process in doc.processes:
        for definition in process.iter(f"{{{NS['bpmn']}}}timerEventDefinition"):
            event = definition.getparent()
            if local(event) == "boundaryEvent" and not properties(event).get("timer_kind", "").strip():
                problems.append(
                    (
                        event.get("id"),
                        (
                            f"边界计时器“{label(event)}”没有设置类型：请添加属性 timer_kind，取值 deadline（期限，逾期提醒）、"
                            "warning（临期提醒）或 cutoff（期满终止该环节）"
                        ),
                    )
                )
            _, expression = timer_value(definition)
            try:
                tree = ast.parse(expression.strip(), mode="eval") if expression else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = None  # reported by the expression checks
            if tree is None:
                continue
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                if any(_negative(arg) for arg in call.args):
                    problems.append(
                        (
                            event.get("id"),
                            f"计时器“{label(event)}”的期限“{expression}”是负数：天数、月数和年数必须大于或等于 0",
                        )
                    )
                    break
    return problems


_COMPLEMENT = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
}


def _field_of(node) -> str | None:
    """The form field an operand reads: `outcome`, or steps['decision']['outcome']."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return None


def _complementary(a, b) -> bool:
    if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.Not):
        return ast.dump(a.operand) == ast.dump(b)
    if isinstance(b, ast.UnaryOp) and isinstance(b.op, ast.Not):
        return ast.dump(b.operand) == ast.dump(a)
    if isinstance(a, ast.Compare) and isinstance(b, ast.Compare) and len(a.ops) == len(b.ops) == 1:
        return (
            _COMPLEMENT.get(type(a.ops[0])) is type(b.ops[0])
            and ast.dump(a.left) == ast.dump(b.left)
            and ast.dump(a.comparators[0]) == ast.dump(b.comparators[0])
        )
    return False


def _covered(conditions: list[str], enums: dict[str, list[set]]) -> bool:
    """True when one of the conditions always holds: two that negate each other, or
    `field == 'value'` tests that together name every option of an enum field."""
    try:
        bodies = [ast.parse(source.strip(), mode="eval").body for source in conditions]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    if len(bodies) == 2 and _complementary(*bodies):
        return True
    left, values = None, set()
    for body in bodies:
        if not (
            isinstance(body, ast.Compare)
            and len(body.ops) == 1
            and isinstance(body.ops[0], ast.Eq)
            and isinstance(body.comparators[0], ast.Constant)
        ):
            return False
        if left not in (None, ast.dump(body.left)):
            return False
        left = ast.dump(body.left)
        values.add(body.comparators[0].value)
    field = _field_of(bodies[0].left) if bodies else None
    return any(options <= values for options in enums.get(field or "", []))


def gateway_warnings(doc: Document) -> list[Problem]:
    """Exclusive and inclusive gateways whose outgoing flows all carry conditions and
    none is the default: when every condition is false, the case stops there."""
    enums: dict[str, list[set]] = {}
    for process in doc.processes:
        for node in process.iter():
            if is_bpmn(node) and local(node) in ("userTask", "startEvent"):
                for f in read_form(node):
                    if f.type == "enum" and f.options:
                        enums.setdefault(f.id, []).append({o[0] for o in f.options})
    warnings: list[Problem] = []
    for container in _containers(doc):
        children = _children(container)
        for gateway in (c for c in children if local(c) in ("exclusiveGateway", "inclusiveGateway")):
            outgoing = [
                c for c in children if local(c) == "sequenceFlow" and c.get("sourceRef") == gateway.get("id")
            ]
            if len(outgoing) < 2 or gateway.get("default"):
                continue
            conditions = [text(f.find("bpmn:conditionExpression", NS)) for f in outgoing]
            if all(conditions) and not _covered(conditions, enums):
                warnings.append(
                    (
                        gateway.get("id"),
                        (
                            f"网关“{label(gateway)}”的所有出口都有条件且没有默认流：条件都不成立时案件会停在这里。"
                            "建议把其中一条设为默认流"
                        ),
                    )
                )
    return warnings


def flow_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for container in _containers(doc):
        problems += (
            _start_end_problems(container) + _reach_problems(container) + _event_gateway_problems(container)
        )
    return problems + _data_problems(doc) + _multi_instance_problems(doc) + _timer_shape_problems(doc)

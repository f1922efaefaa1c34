"""Loops that never wait: script → gateway → script, round and round in one engine
step.  Refused when the diagram is saved, where the cycle can be seen in the
sequence flows; at run time the engine step is bounded as well (app.engine.store)."""

from __future__ import annotations

from app.engine.bpmn_xml import NS, Document, is_bpmn, label, local

# Elements at which a running case stops and waits for a person or a timer.
WAITS = {
    "userTask",
    "manualTask",
    "receiveTask",
    "intermediateCatchEvent",
    "eventBasedGateway",
    "callActivity",
}
CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}

Problem = tuple[str | None, str]


def _waits(node) -> bool:
    """A wait state, or a sub-process that contains one (it waits inside)."""
    tag = local(node)
    if tag in WAITS:
        return True
    if tag in ("subProcess", "transaction", "adHocSubProcess"):
        return any(is_bpmn(n) and local(n) in WAITS for n in node.iter())
    return False


def _cycles_without_wait(container) -> list[list[str]]:
    """Strongly connected groups of the container's flow nodes, joined by sequence
    flows through nodes that never wait (Tarjan, iterative)."""
    nodes = {n.get("id"): n for n in container if is_bpmn(n) and n.get("id") and local(n) != "sequenceFlow"}
    edges: dict[str, list[str]] = {i: [] for i in nodes}
    for flow in container.iterfind("bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in nodes and target in nodes and not _waits(nodes[source]) and not _waits(nodes[target]):
            edges[source].append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if position < len(edges[node]):
                work.append((node, position + 1))
                child = edges[node][position]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in edges[node]:
                    groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def loop_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    for process in doc.processes:
        containers = [n for n in process.iter() if is_bpmn(n) and local(n) in CONTAINERS]
        for container in containers:
            for group in _cycles_without_wait(container):
                nodes = [container.find(f"*[@id='{i}']") for i in group]
                names = "、".join(label(n) for n in nodes if n is not None)
                problems.append(
                    (
                        sorted(group)[0],
                        f"循环“{names}”中没有等待环节（用户任务或计时器），运行时会无休止地循环：请在循环中加入用户任务或计时器",
                    )
                )
    return problems

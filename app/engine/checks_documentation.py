"""Message flows: what a drawn flow between pools means here.  Cases exchange messages
by message events (app/engine/delivery.py), never along a drawn flow, so a flow
between two elements that run is refused; a flow to or from a pool that does not
run (a partner drawn as documentation, as Camunda Modeler and MIWG files have them)
is documentation, shown to the designer as a warning."""

from __future__ import annotations

from app.engine.bpmn_xml import Document, bpmn, is_bpmn, label

Problem = tuple[str | None, str]


def _running_ids(doc: Document) -> set[str]:
    return {
        n.get("id")
        for process in doc.processes
        if process.get("isExecutable", "true").strip().lower() != "false"
        for n in process.iter()
        if is_bpmn(n)
    }


def message_flow_problems(doc: Document) -> list[Problem]:
    """A message flow between two elements that run is refused: cases exchange
    messages by message events, never along a drawn flow."""
    running = _running_ids(doc)
    return [
        (
            flow.get("id"),
            (
                f"消息流“{label(flow)}”不受支持：案件之间的消息用消息事件（按消息名称和关联键）传递，"
                "不画参与方之间的连线。与外部的往来请画成用户任务（如“送达”“接收材料”），由经办人登记"
            ),
        )
        for flow in doc.root.iter(bpmn("messageFlow"))
        if flow.get("sourceRef") in running and flow.get("targetRef") in running
    ]


def documentation_warnings(doc: Document) -> list[Problem]:
    """A message flow to or from a pool that does not run (a partner drawn as
    documentation, as Camunda Modeler files have them) is documentation: the engine
    never sends along it, so the designer is told, and nothing is refused."""
    running = _running_ids(doc)
    return [
        (
            flow.get("id"),
            f"消息流“{label(flow)}”连接不运行的参与方，仅作说明：系统不沿消息流传递消息，"
            "与该参与方的往来由相连的环节办理",
        )
        for flow in doc.root.iter(bpmn("messageFlow"))
        if (flow.get("sourceRef") in running) != (flow.get("targetRef") in running)
    ]

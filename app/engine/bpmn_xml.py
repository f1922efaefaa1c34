"""Reading a BPMN document's XML: which process a file deploys, which processes run
with it, and the parts SpiffWorkflow does not keep (forms, lanes, properties).

Shared by app.engine.model (what a version carries) and app.engine.checks (what a
designer must fix).  Pure lxml; no SpiffWorkflow here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from app.engine.errors import InvalidProcess
from app.engine.forms import FormField

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}


def safe_parser() -> etree.XMLParser:
    """No entity expansion, no network: uploads come from outside."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


DECLARED_ENCODING = re.compile(rb"<\?xml[^>]*\bencoding\s*=")


def as_text(data: bytes) -> str:
    """An uploaded file as text to store.  UTF-8 (with or without BOM) is kept as
    it is; a file in another declared encoding (UTF-16, GBK) is re-serialized as
    UTF-8, since the stored text is read back as UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and not DECLARED_ENCODING.match(data.lstrip()[:200]):
        # Not UTF-8 and no declaration: the one other encoding Chinese offices save in.
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidProcess("无法识别文件编码：请以 UTF-8 保存后重新上传") from None
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except (etree.XMLSyntaxError, LookupError):
        return data.decode("utf-8", errors="replace")  # not XML: the checks report where
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode")


def bpmn(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def is_bpmn(node) -> bool:
    return isinstance(node.tag, str) and etree.QName(node).namespace == BPMN_NS


def text(node) -> str:
    return (node.text or "").strip() if node is not None else ""


def label(node) -> str:
    """How a message names an element: its name, else its id."""
    name = " ".join((node.get("name") or "").split())
    return name or node.get("id") or local(node)


@dataclass
class Document:
    """The processes of one file that run when its main process runs."""

    root: etree._Element
    main: etree._Element | None = None
    processes: list = field(default_factory=list)  # main first, then in-file called processes
    problems: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def process_id(self) -> str | None:
        return self.main.get("id") if self.main is not None else None


def _executable(process) -> bool:
    return process.get("isExecutable", "true").strip().lower() != "false"


def select_processes(root, expected_key: str | None = None) -> Document:
    """The main process (the one this file deploys) and the ones it calls in the file.

    A file may hold other pools (partners drawn as non-executable processes); they
    do not run.  Several executable, uncalled processes are ambiguous: refused.
    """
    doc = Document(root=root)
    processes = list(root.iterfind("bpmn:process", NS))
    if not processes:
        doc.problems.append((root.get("id"), "文件中没有流程（bpmn:process）"))
        return doc
    by_id = {p.get("id"): p for p in processes}
    called = {ca.get("calledElement") for ca in root.iter(bpmn("callActivity"))}
    if expected_key and expected_key in by_id:
        main = by_id[expected_key]
    else:
        candidates = [p for p in processes if _executable(p) and p.get("id") not in called]
        if len(candidates) > 1:
            for extra in candidates[1:]:
                doc.problems.append(
                    (
                        extra.get("id"),
                        (
                            f"文件中有多个可执行流程（“{label(candidates[0])}”、“{label(extra)}”…）：一个文件只部署一个流程；"
                            "其余流程请标记为不可执行，或由主流程通过调用活动调用"
                        ),
                    )
                )
        main = (
            candidates[0]
            if candidates
            else next((p for p in processes if p.get("id") not in called), processes[0])
        )
    if not _executable(main):
        doc.problems.append(
            (
                main.get("id"),
                (
                    f'流程“{label(main)}”被标记为不可执行（isExecutable="false"）：建模工具把它当作说明文档，'
                    "系统不会运行它。要运行这个流程，请点击“设为可执行”，或在流程属性中勾选“可执行”"
                ),
            )
        )
    doc.main = main
    doc.processes = [main]
    queue = [main]
    while queue:  # in-file processes reached through call activities
        for ca in queue.pop().iter(bpmn("callActivity")):
            target = by_id.get(ca.get("calledElement"))
            if target is not None and target not in doc.processes:
                doc.processes.append(target)
                queue.append(target)
    return doc


def make_executable(root, key: str | None = None) -> bool:
    """Mark the process a file deploys as executable; False when there is none."""
    doc = select_processes(root, key)
    if doc.main is None:
        return False
    doc.main.set("isExecutable", "true")
    return True


def lanes_by_node(process) -> dict[str, etree._Element]:
    """Flow node id -> the innermost lane holding it (lanes are roles)."""
    lanes: dict[str, etree._Element] = {}
    for lane in process.iter(bpmn("lane")):  # document order: nested lanes come later and win
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[text(ref)] = lane
    return lanes


def properties(node) -> dict[str, str]:
    props = {}
    for p in node.iterfind("bpmn:extensionElements/camunda:properties/camunda:property", NS):
        props[p.get("name") or p.get("id") or ""] = p.get("value") or ""
    return props


def candidate_role(node) -> str | None:
    """The role a Camunda Modeler file names in camunda:candidateGroups (the first
    group that is a role), for a task drawn without lanes."""
    from app.domain.roles import role_code

    groups = node.get(f"{{{CAMUNDA_NS}}}candidateGroups") or ""
    for group in groups.replace("，", ",").split(","):
        code = role_code(group.strip())
        if code:
            return code
    return None


def step_kind(node) -> str:
    """What the step is (supplement, decision, inspection, …): the camunda:property
    step_kind of a task; "" when the designer gave none."""
    return properties(node).get("step_kind", "").strip()


def step_documents(node) -> list[tuple[str, str]]:
    """The documents a step issues when it is completed: camunda:property `document`,
    e.g. "acceptance_notice", or several with conditions on the step's data,
    "removal_decision if outcome == 'grant'; removal_refusal if outcome == 'refuse'"."""
    found = []
    for part in properties(node).get("document", "").replace("；", ";").split(";"):
        kind, _, condition = part.strip().partition(" if ")
        if kind.strip():
            found.append((kind.strip(), condition.strip()))
    return found


def step_serves(node) -> list[str]:
    """The documents a step serves on the party (camunda:property `serves`, comma
    separated kinds): its page links to them, to print before serving."""
    raw = properties(node).get("serves", "").replace("，", ",")
    return [kind.strip() for kind in raw.split(",") if kind.strip()]


def read_form(node) -> list[FormField]:
    """The camunda:formData drawn on a user task or start event."""
    fields = []
    for f in node.iterfind("bpmn:extensionElements/camunda:formData/camunda:formField", NS):
        constraints = {}
        for c in f.iterfind("camunda:validation/camunda:constraint", NS):
            constraints[c.get("name", "")] = c.get("config") or ""
        props = {}
        for p in f.iterfind("camunda:properties/camunda:property", NS):
            props[p.get("name") or p.get("id") or ""] = p.get("value") or ""
        options = [
            (v.get("id", ""), v.get("name") or v.get("id", "")) for v in f.iterfind("camunda:value", NS)
        ]
        fields.append(
            FormField(
                id=f.get("id", ""),
                label=f.get("label") or f.get("id", ""),
                type=f.get("type") or "string",
                default=f.get("defaultValue"),
                required="required" in constraints,
                options=options,
                constraints={k: v for k, v in constraints.items() if k != "required"},
                properties=props,
            )
        )
    return fields


TIMER_VALUE_TAGS = ("timeDate", "timeDuration", "timeCycle")


def timer_value(definition) -> tuple[str, str]:
    """(tag, expression) of a timerEventDefinition; ("", "") when it has none."""
    for child in definition:
        if local(child) in TIMER_VALUE_TAGS and text(child):
            return local(child), text(child)
    return "", ""


def timer_kind(node) -> str:
    """deadline | warning | cutoff | wait: the camunda:property timer_kind, or what
    the shape implies (non-interrupting boundary: deadline; interrupting: cutoff)."""
    kind = properties(node).get("timer_kind")
    if kind:
        return kind.strip()
    if not node.get("attachedToRef"):
        return "wait"
    return "cutoff" if node.get("cancelActivity", "true") != "false" else "deadline"


# --- messages ----------------------------------------------------------------

MESSAGE_THROWERS = {"intermediateThrowEvent", "endEvent", "sendTask"}
MESSAGE_CATCHERS = {"startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask"}


def message_ref(node) -> str | None:
    """The messageRef of a message event (on its definition) or send/receive task."""
    if local(node) in ("sendTask", "receiveTask"):
        return node.get("messageRef")
    definition = node.find("bpmn:messageEventDefinition", NS)
    return definition.get("messageRef") if definition is not None else None


def message_elements(process):
    """(element, messageRef) for every element of a process that sends or receives."""
    for node in process.iter():
        if not is_bpmn(node):
            continue
        tag = local(node)
        if tag in ("sendTask", "receiveTask") or (
            tag in MESSAGE_THROWERS | MESSAGE_CATCHERS
            and node.find("bpmn:messageEventDefinition", NS) is not None
        ):
            yield node, message_ref(node)


def message_names(root) -> dict[str, str]:
    """bpmn:message id -> name."""
    return {m.get("id"): (m.get("name") or "").strip() for m in root.iterfind("bpmn:message", NS)}

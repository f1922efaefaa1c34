"""Camunda Modeler (and Activiti) files, read as far as the engine can run them.

Before a draft is parsed, its XML is brought to what our engine reads, and every
change is reported to the designer (as a warning naming the element):
- the legacy Activiti extension namespace is read as Camunda's;
- a bare ISO 8601 duration or date as a timer value (P7D, PT2H) is quoted ("P7D"):
  our timer fields are expressions;
- simple JUEL conditions (${outcome == 'grant'}, ${!approved}, ${a && b}) become
  the Python-style expressions our evaluator runs.  Anything the translation cannot
  vouch for is left as it is, and validation says why.
"""

from __future__ import annotations

import re

from lxml import etree

from app.engine import expressions
from app.engine.bpmn_xml import BPMN_NS, CAMUNDA_NS, label, local, safe_parser
from app.engine.functions import allowed_in_expressions

ACTIVITI_NS = "http://activiti.org/bpmn"
Note = tuple[str | None, str]

_ISO = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)(/.*)?$",
    re.IGNORECASE,
)
_JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)
_WORDS = [
    (r"&&", " and "),
    (r"\|\|", " or "),
    (r"!(?!=)", " not "),
    (r"\beq\b", "=="),
    (r"\bne\b", "!="),
    (r"\blt\b", "<"),
    (r"\bgt\b", ">"),
    (r"\ble\b", "<="),
    (r"\bge\b", ">="),
    (r"\bnull\b", "None"),
    (r"\btrue\b", "True"),
    (r"\bfalse\b", "False"),
    (r"\bempty\s+", "not "),
]


def juel_to_python(source: str) -> str | None:
    """The Python-style expression for a simple JUEL condition, or None when it is
    not JUEL or would not run here (method calls, beans, maps…)."""
    if (source or "").strip() in ("true", "false"):  # what modelers write for "always"
        return source.strip().capitalize()
    match = _JUEL.match(source or "")
    if not match:
        return None
    body = match.group(1).strip()
    # only outside string literals
    parts = re.split(r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", body)
    for i in range(0, len(parts), 2):
        for pattern, replacement in _WORDS:
            parts[i] = re.sub(pattern, replacement, parts[i])
    python = " ".join("".join(parts).split())
    try:
        expressions.parse_expression(python, allowed_in_expressions())
    except expressions.ExpressionError:
        return None
    return python


def _element_of(node):
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node


def import_camunda(text: str) -> tuple[str, list[Note]]:
    """(XML our engine reads, what was changed).  Text that is not well-formed XML
    is returned unchanged (the parser reports it)."""
    notes: list[Note] = []
    if ACTIVITI_NS in text:
        text = text.replace(f'"{ACTIVITI_NS}"', f'"{CAMUNDA_NS}"').replace(
            f"'{ACTIVITI_NS}'", f"'{CAMUNDA_NS}'"
        )
        notes.append(
            (
                None,
                "已按 Camunda 扩展读取旧版 Activiti 扩展（http://activiti.org/bpmn）：表单、候选组等属性照常生效",
            )
        )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=safe_parser())
    except (etree.XMLSyntaxError, ValueError):
        return text, notes
    changed = False
    for value in root.iter(f"{{{BPMN_NS}}}timeDuration", f"{{{BPMN_NS}}}timeDate", f"{{{BPMN_NS}}}timeCycle"):
        raw = (value.text or "").strip()
        if raw and _ISO.match(raw):
            value.text = f'"{raw}"'
            event = _element_of(value)
            notes.append(
                (
                    event.get("id") if event is not None else None,
                    f'计时器“{label(event)}”的时间值 {raw} 已加上引号（"{raw}"）：本系统的计时器值是表达式',
                )
            )
            changed = True
    for condition in root.iter(f"{{{BPMN_NS}}}conditionExpression"):
        raw = (condition.text or "").strip()
        python = juel_to_python(raw)
        if python is not None:
            condition.text = python
            flow = _element_of(condition)
            where = f"“{label(flow)}”的" if flow is not None and local(flow) == "sequenceFlow" else ""
            notes.append(
                (flow.get("id") if flow is not None else None, f"{where}条件 {raw} 已转换为 {python}")
            )
            changed = True
    if not changed:
        return text, notes
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode"), notes

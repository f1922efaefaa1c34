"""Names a diagram reads must be produced before: a condition, a timer or a form
rule naming `discussion_reslt` when the form field is `discussion_result` saves
fine and strands the case at run time.  Here such a typo is an error at save.

A name counts as produced when some part of the file that runs writes it: a form
field (of any task or the start event), a script assignment, a multi-instance
item, the start data the process declares (camunda:property `start_data` on the
process: names the starting code supplies, comma separated), or what the engine
itself supplies (`steps`).  Functions are the registered ones.  The check does
not follow paths: a name written on another branch counts as produced.
"""

from __future__ import annotations

import ast
import difflib

from app.engine import forms
from app.engine.bpmn_xml import (
    NS,
    Document,
    is_bpmn,
    label,
    local,
    properties,
    read_form,
    step_documents,
    text,
)
from app.engine.functions import allowed_in_scripts

Problem = tuple[str | None, str]

ENGINE_NAMES = {"steps", "case_result", "True", "False", "None"}
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
FORM_RULES = ("required_if", "valid_if")


def _parse(source: str, mode: str):
    try:
        return ast.parse(source.strip(), mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the syntax error is reported by the expression checks


def _stored(tree) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _read(tree) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _elements(doc: Document):
    for process in doc.processes:
        yield from (n for n in process.iter() if is_bpmn(n))


def start_data(process) -> set[str]:
    declared = properties(process).get("start_data", "")
    return {name.strip() for name in declared.replace("，", ",").split(",") if name.strip()}


def produced_names(doc: Document) -> set[str]:
    names = set(ENGINE_NAMES) | set(allowed_in_scripts())
    for process in doc.processes:
        names |= start_data(process)
    for node in _elements(doc):
        tag = local(node)
        if tag in ("userTask", "startEvent"):
            names.update(f.id for f in read_form(node))
        elif tag == "scriptTask":
            tree = _parse(text(node.find("bpmn:script", NS)), "exec")
            if tree is not None:
                names |= _stored(tree)
        elif tag == "multiInstanceLoopCharacteristics":
            for child in node:
                if local(child) in ("inputDataItem", "outputDataItem") and child.get("name"):
                    names.add(child.get("name"))
                if local(child) in ("loopDataInputRef", "loopDataOutputRef") and text(child):
                    names.add(text(child))
            names.update(filter(None, (node.get(f"{{{SPIFF_NS}}}{a}") for a in ("inputItem", "outputItem"))))
        elif tag == "dataObject" and node.get("id"):
            names.add(node.get("id"))
        for hook in ("preScript", "postScript"):
            script = node.find(f"bpmn:extensionElements/{{{SPIFF_NS}}}{hook}", NS)
            if script is not None:
                tree = _parse(text(script), "exec")
                if tree is not None:
                    names |= _stored(tree)
    return names


def _readers(doc: Document):
    """(element, what, source) of every condition, timer and form rule."""
    for node in _elements(doc):
        tag = local(node)
        if tag == "sequenceFlow":
            condition = node.find("bpmn:conditionExpression", NS)
            if condition is not None and text(condition):
                yield node, "条件", text(condition)
        elif tag == "timerEventDefinition":
            for child in node:
                if text(child):
                    yield node.getparent(), "计时器表达式", text(child)
        elif tag in ("userTask", "startEvent"):
            summary = properties(node).get("done_summary", "").strip()
            if summary:
                yield node, "办结记录（done_summary）", summary
            for f in read_form(node):
                for rule in FORM_RULES:
                    if f.constraints.get(rule):
                        yield node, f"表单字段“{f.label}”的校验规则", f.constraints[rule]
                for name, value in f.properties.items():
                    if (name == "offered_if" or name.startswith("offered_if.")) and value:
                        yield node, f"表单字段“{f.label}”的显示条件", value
                for variable in forms.date_bound_names(f):
                    yield node, f"表单字段“{f.label}”的日期先后规则", variable
            for kind, condition in step_documents(node):
                if condition:
                    yield node, f"文书“{kind}”的条件", condition
        elif tag in ("standardLoopCharacteristics", "multiInstanceLoopCharacteristics"):
            for child in node:
                if local(child) in ("loopCondition", "completionCondition") and text(child):
                    yield node.getparent(), "循环条件", text(child)


def undefined_name_problems(doc: Document) -> list[Problem]:
    produced = produced_names(doc)
    problems: list[Problem] = []
    for element, what, source in _readers(doc):
        tree = _parse(source, "eval")
        if tree is None:
            continue
        for name in sorted(_read(tree) - produced):
            close = difflib.get_close_matches(name, sorted(produced - ENGINE_NAMES), n=1, cutoff=0.75)
            hint = f"，是否应为“{close[0]}”？" if close else "：请先在表单字段、脚本赋值或开始数据中产生它"
            problems.append(
                (
                    element.get("id"),
                    f"“{label(element)}”的{what}“{source}”使用了未定义的名称“{name}”{hint}",
                )
            )
    return problems

"""What the engine says when a diagram fails at run time, in the words a designer
or an officer reads, with the element it happened at.

SpiffWorkflow raises English messages; our own evaluator and functions raise
Chinese ones (ExpressionError, ValueError), which are kept as they are.
"""

from __future__ import annotations

import re

from app.engine.expressions import ExpressionError

# (pattern of SpiffWorkflow's message, Chinese message; {0}.. are the groups)
_RUNTIME = [
    (
        r"No conditions satisfied",
        "网关的条件都不成立，且没有默认流，案件无法继续：请流程设计人员为该网关设置默认流",
    ),
    (r"A default output is required", "网关缺少默认流：条件都不成立时案件无法继续"),
    (
        r"Missing data (input|ouput|output)",
        "缺少该环节需要的数据对象：请删除数据关联，改用表单字段或脚本赋值",
    ),
    (r"Multiinstance (input|output) item (\S+) already exists", "多实例的输入/输出项“{1}”与已有数据重名"),
    (r"not waiting for (.*)", "流程没有在等待“{0}”"),
    (r"Split at (\S+) was not reached", "合并网关等待的分支（{0}）没有到达"),
    (r"No main task found", "合并网关找不到对应的分支"),
    (
        r"(subworkflow|subprocess|spec).*(not found|missing)|missing.*(subworkflow|subprocess|spec)",
        "调用的流程不存在或没有已发布的版本",
    ),
    (r"Invalid duration", '时长格式不正确（应为 ISO 8601，如 "P5D"）'),
    (r"Invalid recurring interval", '循环计时器格式不正确（应为 ISO 8601，如 "R3/P1D"）'),
    (r"is not defined", "使用了未定义的名称"),
]


def _element(exc: Exception) -> tuple[str | None, str | None]:
    spec = getattr(exc, "task_spec", None)
    task = getattr(exc, "task", None)
    if spec is None and task is not None:
        spec = getattr(task, "task_spec", None)
    if spec is None:
        return None, None
    element_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
    name = getattr(spec, "bpmn_name", None) or element_id
    return element_id, name


def _ours(exc: BaseException | None) -> str | None:
    """A Chinese message raised by our evaluator or functions, however deep."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, ExpressionError) or (
            isinstance(exc, ValueError) and re.search(r"[\u4e00-\u9fff]", str(exc))
        ):
            return str(exc)
        exc = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__
        seen += 1
    return None


def engine_message(exc: Exception) -> tuple[str | None, str]:
    """(element id, Chinese message) for an exception from a running workflow."""
    element_id, name = _element(exc)
    message = _ours(exc)
    if message is None:
        english = str(exc).split("\n")[0].strip()
        for pattern, chinese in _RUNTIME:
            match = re.search(pattern, english, re.IGNORECASE)
            if match:
                message = chinese.format(*match.groups())
                break
        else:
            if isinstance(exc, KeyError):
                message = f"数据中缺少“{exc.args[0] if exc.args else ''}”"
            else:
                message = f"流程引擎报告错误（{english}）"
    where = (
        f"“{name}”（{element_id}）"
        if element_id and name and name != element_id
        else (f"“{element_id}”" if element_id else "")
    )
    return element_id, f"{where}：{message}" if where else message

"""The script environment handed to SpiffWorkflow: every expression and script of
a diagram runs through the restricted evaluator, never through eval/exec."""

from __future__ import annotations

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from app.engine import expressions, limits
from app.engine.functions import allowed_in_expressions, allowed_in_scripts


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def evaluate(self, expression, context, external_context=None):
        names = {**(external_context or {}), **context}
        value = expressions.evaluate(expression, names, allowed_in_expressions())
        if isinstance(value, str) and value[:1].upper() in ("P", "R"):
            # A computed timer value: bound it before the engine's parser loops over it.
            problem = limits.timer_text_problem(value)
            if problem:
                raise expressions.ExpressionError(f"计时器值“{value[:40]}”：{problem}")
        return value

    def execute(self, script, context, external_context=None):
        expressions.execute(script, context, allowed_in_scripts())
        return True

    def call_service(self, context, **kwargs):
        raise expressions.ExpressionError("不支持服务任务：请使用脚本任务调用白名单函数")


# Not serialized with the workflow: attach it again after every restore.
SCRIPT_ENGINE = PythonScriptEngine(environment=RestrictedEnvironment())

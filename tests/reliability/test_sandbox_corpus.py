"""The sandbox corpus in all five places a diagram's expressions live: gateway
conditions, script tasks, timer expressions, form rules, and loop (multi-instance)
expressions.  Each payload is refused at save (the designer's check) or at run (the
engine's evaluator), with a Chinese message, in well under a second or two."""

from __future__ import annotations

import re
import time

import pytest

from app.engine import checks, forms
from app.engine.environment import SCRIPT_ENGINE
from app.engine.expressions import ExpressionError
from app.engine.forms import FormField
from tests.reliability.sandbox_corpus import EXPRESSIONS, NAMES, SCRIPT_ONLY

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SLOW = 2.0  # seconds: the evaluator stops itself after 1


def _run_expression(source: str) -> None:
    SCRIPT_ENGINE.environment.evaluate(source, dict(NAMES))


def _form_field(source: str) -> FormField:
    return FormField(id="amount", label="金额", constraints={"valid_if": source})


def _form_static(source: str) -> str | None:
    problems = forms.check_field_definition(_form_field(source))
    return problems[0] if problems else None


def _form_run(source: str) -> None:
    _clean, errors = forms.validate([_form_field(source)], {"amount": "1"}, dict(NAMES))
    if errors:
        raise ExpressionError(errors["amount"])


PLACES = {
    # place: (check at save, run) — run raises with the message the user sees
    "gateway condition": (lambda src: checks._expression_problem(src, "条件"), _run_expression),
    "script task": (lambda src: checks._script_problem(src, "脚本"), SCRIPT_ENGINE.environment.execute),
    "timer expression": (checks._timer_problem, _run_expression),
    "form rule": (_form_static, _form_run),
    "loop expression": (lambda src: checks._expression_problem(src, "循环表达式"), _run_expression),
}


def _payloads(place: str) -> list[str]:
    if place == "script task":
        return [f"x = {p}" if "\n" not in p else p for p in EXPRESSIONS] + SCRIPT_ONLY
    return EXPRESSIONS


def test_the_corpus_is_large_enough():
    assert len(EXPRESSIONS) >= 60 and len(set(EXPRESSIONS)) == len(EXPRESSIONS)


@pytest.mark.parametrize("place", list(PLACES))
def test_every_payload_is_refused_in_chinese_and_quickly(place):
    check, run = PLACES[place]
    wrong = []
    for payload in _payloads(place):
        started = time.perf_counter()
        message = check(payload)
        if message is None:
            try:
                run(payload, dict(NAMES)) if place == "script task" else run(payload)
            except Exception as exc:  # noqa: BLE001 - what it raised is what is checked
                message = str(exc) if isinstance(exc, (ExpressionError, ValueError)) else repr(exc)
        took = time.perf_counter() - started
        if message is None:
            wrong.append((payload[:60], "accepted"))
        elif not CHINESE.search(message):
            wrong.append((payload[:60], f"not in Chinese: {message[:120]}"))
        if took > SLOW:
            wrong.append((payload[:60], f"took {took:.1f} s"))
    assert wrong == [], "\n".join(map(str, wrong))

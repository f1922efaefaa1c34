"""A restricted evaluator for the expressions and scripts written in diagrams.

SpiffWorkflow's own script engine is plain eval/exec, and trimming builtins is no
sandbox.  Everything a designer writes (gateway conditions, timer values, script
tasks, form constraints) goes through this module instead.  It walks the Python AST
and accepts only literals, names, comparisons, boolean and arithmetic operators,
subscripts with constant keys, conditional expressions and calls to functions in the
registry (app.engine.functions).  Attribute access, lambdas, comprehensions and
anything starting with an underscore are refused.

Scripts are sequences of `name = expression` and bare `function(...)` calls.
"""

from __future__ import annotations

import ast
import operator
import re
import time
from functools import lru_cache
from typing import Any, Callable, Mapping

from app.engine import limits


class ExpressionError(ValueError):
    """A diagram expression is not allowed or does not compile."""


_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_CMPOPS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.Not: operator.not_,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_MAX_LENGTH = 2000


_SYNTAX = [  # Python's parser messages, as a designer would want to read them
    (re.compile(r"'(.)' was never closed"), "括号“{0}”没有闭合"),
    (re.compile(r"unmatched '(.)'"), "多余的“{0}”"),
    (
        re.compile(r"closing parenthesis '(.)' does not match opening parenthesis '(.)'"),
        "括号“{1}”与“{0}”不匹配",
    ),
    (re.compile(r"unterminated (triple-quoted )?string literal"), "字符串缺少结尾的引号"),
    (re.compile(r"invalid syntax\. Perhaps you forgot a comma\?"), "语法无效，可能缺少逗号"),
    (re.compile(r"invalid syntax"), "语法无效"),
    (re.compile(r"invalid decimal literal"), "数字写法有误"),
    (re.compile(r"(unexpected EOF|expected an indented block|unexpected indent)"), "表达式不完整或缩进有误"),
]


def _syntax_message(message: str) -> str:
    for pattern, chinese in _SYNTAX:
        match = pattern.search(message or "")
        if match:
            return chinese.format(*match.groups())
    return message


def _check_name(name: str, node: ast.AST) -> None:
    if name.startswith("_"):
        raise ExpressionError(f"不允许使用以下划线开头的名称：{name}")


def check_expression(node: ast.AST, functions: Mapping[str, Any]) -> None:
    """Raise ExpressionError unless every node of the tree is on the allowed list."""
    if isinstance(node, ast.Expression):
        return check_expression(node.body, functions)
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, (str, int, float, bool, type(None))):
            raise ExpressionError("只允许字符串、数字、布尔值和 None 常量")
        return
    if isinstance(node, ast.Name):
        _check_name(node.id, node)
        return
    if isinstance(node, (ast.List, ast.Tuple)):
        for elt in node.elts:
            check_expression(elt, functions)
        return
    if isinstance(node, ast.Dict):
        for part in [*node.keys, *node.values]:
            if part is None:
                raise ExpressionError("不允许使用 ** 展开")
            check_expression(part, functions)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            check_expression(value, functions)
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            raise ExpressionError("不支持的运算符")
        check_expression(node.left, functions)
        check_expression(node.right, functions)
        return
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise ExpressionError("不支持的运算符")
        check_expression(node.operand, functions)
        return
    if isinstance(node, ast.Compare):
        if any(type(op) not in _CMPOPS for op in node.ops):
            raise ExpressionError("不支持的比较运算")
        check_expression(node.left, functions)
        for comparator in node.comparators:
            check_expression(comparator, functions)
        return
    if isinstance(node, ast.IfExp):
        for part in (node.test, node.body, node.orelse):
            check_expression(part, functions)
        return
    if isinstance(node, ast.Subscript):
        if not isinstance(node.slice, ast.Constant) or not isinstance(node.slice.value, (str, int)):
            raise ExpressionError("下标只能是字符串或整数常量")
        check_expression(node.value, functions)
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("只能调用白名单中的函数")
        if node.func.id not in functions:
            raise ExpressionError(f"函数 {node.func.id} 不在允许调用的白名单中")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise ExpressionError("不允许使用 * 展开")
            check_expression(arg, functions)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise ExpressionError("不允许使用 ** 展开")
            _check_name(keyword.arg, keyword)
            check_expression(keyword.value, functions)
        return
    if isinstance(node, ast.Attribute):
        raise ExpressionError("不允许访问属性（.）")
    raise ExpressionError(f"不允许的语法：{type(node).__name__}")


def _check_depth(tree: ast.AST) -> None:
    """Refuse deep nesting before anything recursive walks the tree."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.MAX_DEPTH:
            raise ExpressionError(f"表达式嵌套过深（超过 {limits.MAX_DEPTH} 层），请拆分为几步")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _parse(source: str, mode: str) -> ast.AST:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        where = f"（第 {exc.lineno} 行）" if mode == "exec" else ""
        raise ExpressionError(f"语法错误{where}：{_syntax_message(exc.msg)}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("表达式嵌套过深，请拆分为几步") from None
    _check_depth(tree)
    return tree


def _is_constant(node: ast.AST) -> bool:
    """No names and no calls: the value is the same whenever it is computed."""
    return not any(isinstance(n, (ast.Name, ast.Call)) for n in ast.walk(node))


def check_constants(tree: ast.AST) -> None:
    """What can be refused from the source alone: constant parts that break the limits
    (`'a' * 100000000`, `1 / 0`) and constant counts over a function's bound
    (`working_days(99999)`)."""
    from app.engine.functions import COUNT_ARGUMENTS, _to_int

    stack = [tree.body if isinstance(tree, ast.Expression) else tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.expr) and not isinstance(node, ast.Constant) and _is_constant(node):
            _Evaluator({}, {}).run(node)
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in COUNT_ARGUMENTS:
            position, unit = COUNT_ARGUMENTS[node.func.id]
            if position < len(node.args) and isinstance(node.args[position], ast.Constant):
                try:
                    _to_int(node.args[position].value, unit)
                except ValueError as exc:
                    raise ExpressionError(f"{node.func.id}()：{exc}") from None
        stack.extend(ast.iter_child_nodes(node))


def parse_expression(source: str, functions: Mapping[str, Any]) -> ast.Expression:
    return _parse_expression_cached(source, frozenset(functions))


@lru_cache(maxsize=4096)
def _parse_expression_cached(source: str, function_names: frozenset[str]) -> ast.Expression:
    functions = dict.fromkeys(function_names)
    if source is None or not str(source).strip():
        raise ExpressionError("表达式为空")
    source = str(source).strip()
    if len(source) > _MAX_LENGTH:
        raise ExpressionError("表达式过长")
    tree = _parse(source, "eval")
    check_expression(tree, functions)
    check_constants(tree)
    return tree


def parse_script(source: str, functions: Mapping[str, Any]) -> list[ast.stmt]:
    return list(_parse_script_cached(source, frozenset(functions)))


@lru_cache(maxsize=1024)
def _parse_script_cached(source: str, function_names: frozenset[str]) -> tuple[ast.stmt, ...]:
    functions = dict.fromkeys(function_names)
    if source is None or not str(source).strip():
        return ()
    if len(source) > _MAX_LENGTH * 5:
        raise ExpressionError("脚本过长")
    module = _parse(str(source), "exec")
    for stmt in module.body:
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                raise ExpressionError(f"第 {stmt.lineno} 行：只能给单个变量赋值")
            _check_name(stmt.targets[0].id, stmt)
            if stmt.targets[0].id in functions:
                raise ExpressionError(f"第 {stmt.lineno} 行：变量名 {stmt.targets[0].id} 与函数同名")
            check_expression(stmt.value, functions)
            check_constants(stmt.value)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            check_expression(stmt.value, functions)
            check_constants(stmt.value)
        else:
            raise ExpressionError(f"第 {stmt.lineno} 行：脚本只允许赋值语句和函数调用")
    return tuple(module.body)


_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _size_checked(value: Any) -> Any:
    """Refuse a computed value larger than the limits (strings, lists, huge numbers)."""
    if isinstance(value, str):
        if len(value) > limits.MAX_STRING:
            raise ExpressionError(f"计算出的文字过长（超过 {limits.MAX_STRING} 个字符）")
    elif isinstance(value, (list, tuple, dict, set)):
        if len(value) > limits.MAX_ITEMS:
            raise ExpressionError(f"计算出的列表过长（超过 {limits.MAX_ITEMS} 项）")
    elif isinstance(value, int) and value.bit_length() > 256:
        raise ExpressionError("数值过大")
    return value


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _guard_binop(op: type, left: Any, right: Any) -> None:
    """Refuse before computing what would be too large to compute at all."""
    if op is ast.Mult:
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                if len(seq) * max(times, 0) > limits.MAX_STRING:
                    raise ExpressionError("重复次数过多，结果过长")
    elif op is ast.Add:
        if _sized(left) + _sized(right) > limits.MAX_STRING:
            raise ExpressionError("拼接的结果过长")
    elif op is ast.Mod and isinstance(left, str):
        for width, precision in _FORMAT_WIDTH.findall(left):
            if "*" in (width, precision):
                raise ExpressionError("格式化不支持 * 宽度")
            if int(width or 0) > 1000 or int(precision or 0) > 1000:
                raise ExpressionError("格式化宽度过大")


_ERRORS: tuple[tuple[type, str], ...] = (
    (ZeroDivisionError, "除数为零"),
    (OverflowError, "数值超出范围"),
    (RecursionError, "嵌套过深"),
    (MemoryError, "计算结果过大"),
    (TypeError, "类型不匹配"),
)


def _as_expression_error(exc: Exception) -> ExpressionError:
    for kind, message in _ERRORS:
        if isinstance(exc, kind):
            return ExpressionError(f"{message}（{exc}）" if kind is TypeError else message)
    return ExpressionError(str(exc))  # ValueError and KeyError from functions carry Chinese text


_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_KINDS = (
    (bool, "布尔值"),
    (int, "数字"),
    (float, "数字"),
    (str, "文字"),
    (list, "列表"),
    (tuple, "列表"),
    (dict, "字典"),
)


def _kind(value: Any) -> str:
    if value is None:
        return "空值"
    return next((label for kind, label in _KINDS if isinstance(value, kind)), type(value).__name__)


class _Evaluator:
    def __init__(self, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]):
        self.names = names
        self.functions = functions
        self.steps = 0
        self.deadline = time.monotonic() + limits.MAX_SECONDS

    def eval(self, node: ast.AST) -> Any:
        self.steps += 1
        if self.steps > limits.MAX_STEPS or (self.steps % 64 == 0 and time.monotonic() > self.deadline):
            raise ExpressionError("表达式计算时间过长，已停止")
        method = getattr(self, "_" + type(node).__name__)
        return _size_checked(method(node))

    def run(self, node: ast.AST) -> Any:
        """Evaluate one tree; every failure becomes an ExpressionError with a message."""
        try:
            return self.eval(node)
        except ExpressionError:
            raise
        except (
            ArithmeticError,
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            RecursionError,
            MemoryError,
        ) as exc:
            raise _as_expression_error(exc) from exc

    def _Expression(self, node):
        return self.eval(node.body)

    def _Constant(self, node):
        return node.value

    def _Name(self, node):
        if node.id in self.names:
            return self.names[node.id]
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        raise ExpressionError(f"未定义的变量：{node.id}")

    def _List(self, node):
        return [self.eval(e) for e in node.elts]

    def _Tuple(self, node):
        return tuple(self.eval(e) for e in node.elts)

    def _Dict(self, node):
        return {self.eval(k): self.eval(v) for k, v in zip(node.keys, node.values)}

    def _BoolOp(self, node):
        if isinstance(node.op, ast.And):
            result: Any = True
            for value in node.values:
                result = self.eval(value)
                if not result:
                    return result
            return result
        result = False
        for value in node.values:
            result = self.eval(value)
            if result:
                return result
        return result

    def _BinOp(self, node):
        left, right = self.eval(node.left), self.eval(node.right)
        _guard_binop(type(node.op), left, right)
        try:
            return _BINOPS[type(node.op)](left, right)
        except ZeroDivisionError:
            raise ExpressionError(f"除数为零（{ast.unparse(node)[:80]}）") from None
        except TypeError:
            symbol = _SYMBOLS[type(node.op)]
            raise ExpressionError(f"类型不匹配：{_kind(left)}与{_kind(right)}不能做 {symbol} 运算") from None

    def _UnaryOp(self, node):
        return _UNARY[type(node.op)](self.eval(node.operand))

    def _Compare(self, node):
        left = self.eval(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True

    def _IfExp(self, node):
        return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)

    def _Subscript(self, node):
        container = self.eval(node.value)
        key = node.slice.value
        try:
            return container[key]
        except (KeyError, IndexError, TypeError):
            raise ExpressionError(f"取值失败：[{key!r}]") from None

    def _Call(self, node):
        func = self.functions[node.func.id]
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords}
        return func(*args, **kwargs)


def evaluate(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> Any:
    tree = parse_expression(source, functions)
    return _Evaluator(names, functions).run(tree)


def execute(source: str, names: dict[str, Any], functions: Mapping[str, Callable[..., Any]]) -> None:
    """Run a script; assignments are written into `names` (the task data)."""
    evaluator = _Evaluator(names, functions)
    for stmt in parse_script(source, functions):
        if isinstance(stmt, ast.Assign):
            names[stmt.targets[0].id] = evaluator.run(stmt.value)
        else:
            evaluator.run(stmt.value)

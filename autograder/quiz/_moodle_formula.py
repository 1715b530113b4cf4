"""An answer expression in the formula syntax of Moodle's calculated questions.

Moodle evaluates a calculated question's formula as PHP after replacing each
`{name}` by the drawn value in parentheses, and accepts only `+ - * / % **`,
numbers and a list of PHP maths functions (`qtype_calculated_find_formula_errors`).
An expression maps when every part of it means the same in both languages:

- `//` becomes `floor(a / b)`, `sigmoid(z)` becomes `1/(1+exp(-z))`, `pi` and
  `e` become `pi()` and `exp(1)`;
- `%` (PHP truncates to integers and keeps the dividend's sign), `round`
  (PHP rounds halves away from zero, Python to even), `log2` (PHP only has
  `log(x, 2)`, not exact for powers of two) and `comb` have no faithful
  counterpart, so such a question is exported as pre-drawn variants instead.

Every operand that is itself an operation is parenthesised, so the formula never
relies on PHP's precedence (Moodle puts each substituted value in parentheses).
"""
from __future__ import annotations

import ast
import re

from ._expressions import Expression

#: functions written the same in the formula, with their number of arguments
_SAME_NAME = {"sqrt": (1,), "exp": (1,), "log": (1, 2), "log10": (1,), "tanh": (1,), "ceil": (1,),
              "floor": (1,), "abs": (1,), "min": tuple(range(2, 17)), "max": tuple(range(2, 17))}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
#: Moodle's placeholder names: a letter first, then no `>} <{"'` (qtype_calculated::PLACEHODLER_REGEX)
MOODLE_NAME = re.compile(r"[A-Za-z][^>} <{\"']*")


class NotMappable(ValueError):
    """The expression has no faithful Moodle formula; the message says which part."""


def moodle_formula(expression: Expression | None) -> str:
    """The formula text, e.g. `ceil(({documents})/({batch}))`; NotMappable if it has none."""
    if expression is None:
        raise NotMappable("the question has no answer expression")
    for name in expression.names:
        if not MOODLE_NAME.fullmatch(name):
            raise NotMappable(f"parameter name {name!r} is not a Moodle wildcard name")
    return _formula(expression.tree.body)


def _formula(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.Name):
        return {"pi": "pi()", "e": "exp(1)"}.get(node.id, f"{{{node.id}}}")
    if isinstance(node, ast.UnaryOp):
        return f"{'-' if isinstance(node.op, ast.USub) else '+'}{_operand(node.operand)}"
    if isinstance(node, ast.BinOp):
        left, right = _operand(node.left), _operand(node.right)
        if isinstance(node.op, ast.FloorDiv):
            return f"floor({left}/{right})"
        if type(node.op) not in _OPERATORS:
            raise NotMappable("'%' truncates to whole numbers in PHP")
        return f"{left}{_OPERATORS[type(node.op)]}{right}"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name, arguments = node.func.id, [_formula(argument) for argument in node.args]
        if name == "sigmoid":
            return f"(1/(1+exp(-({arguments[0]}))))"
        if name not in _SAME_NAME or len(arguments) not in _SAME_NAME[name]:
            raise NotMappable(f"{name}() has no exact counterpart among Moodle's formula functions")
        return f"{name}({', '.join(arguments)})"
    raise NotMappable(f"{type(node).__name__} is not part of Moodle's formula syntax")   # pragma: no cover


def _operand(node: ast.AST) -> str:
    text = _formula(node)
    return f"({text})" if isinstance(node, (ast.BinOp, ast.UnaryOp)) else text

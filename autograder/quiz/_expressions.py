"""A safe evaluator for the answer expressions of parameterised questions.

An expression such as `ceil(N / B)` or `2*w*n - w*(w + 1)` is parsed with `ast`
and only a small arithmetic subset is accepted: numeric literals, parameter
names, `+ - * / // % **`, unary `+`/`-`, and calls to the functions in
FUNCTIONS.  Names of functions, attribute access, subscripts, lambdas,
comprehensions, strings and everything else are refused when the expression is
parsed, so nothing but arithmetic can ever run.  Sizes are capped (`9**9**9`
fails at once instead of hanging).
"""
from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_LENGTH = 500                # characters in one expression
MAX_EXPONENT = 1024             # |b| of an integer power a**b (floats overflow on their own)
MAX_INTEGER_BITS = 4096         # any intermediate integer larger than this is refused
MAX_COMB = 10_000               # comb(n, k) with n above this is refused


class ExpressionError(ValueError):
    """The expression is not allowed, or cannot be evaluated for these values."""


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _comb(n, k):
    if not (isinstance(n, int) and isinstance(k, int)):
        raise ExpressionError("comb() takes whole numbers")
    if n > MAX_COMB:
        raise ExpressionError(f"comb() of a number larger than {MAX_COMB}")
    return math.comb(n, k)


def _round(x, digits=0):
    if not isinstance(digits, int):
        raise ExpressionError("round()'s number of digits must be a whole number")
    return round(x, digits) if digits else round(x)


#: the functions an expression may call: name → (function, smallest and largest number of arguments)
FUNCTIONS: dict[str, tuple[Callable, int, int]] = {
    "sqrt": (math.sqrt, 1, 1),
    "exp": (math.exp, 1, 1),
    "log": (math.log, 1, 2),
    "log2": (math.log2, 1, 1),
    "log10": (math.log10, 1, 1),
    "tanh": (math.tanh, 1, 1),
    "sigmoid": (_sigmoid, 1, 1),
    "ceil": (math.ceil, 1, 1),
    "floor": (math.floor, 1, 1),
    "round": (_round, 1, 2),
    "abs": (abs, 1, 1),
    "min": (min, 2, 16),
    "max": (max, 2, 16),
    "comb": (_comb, 2, 2),
}

#: names usable without being parameters
CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def _describe_node(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
        ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "if/else",
        ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
        ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions",
        ast.DictComp: "comprehensions", ast.SetComp: "comprehensions",
        ast.JoinedStr: "strings", ast.NamedExpr: ":=", ast.Starred: "*arguments", ast.Await: "await",
    }
    return names.get(type(node), type(node).__name__)


@dataclass(frozen=True)
class Expression:
    """A parsed, checked arithmetic expression over named parameters."""

    text: str
    tree: ast.Expression = field(repr=False, compare=False)
    names: frozenset[str] = frozenset()     # parameter names it uses (constants and functions excluded)

    def evaluate(self, values: dict[str, float]) -> int | float:
        """The value for these parameter values; ExpressionError if it has none (÷0, log(-1), overflow …)."""
        try:
            result = _Evaluator(values).visit(self.tree.body)
        except ExpressionError:
            raise
        except ZeroDivisionError:
            raise ExpressionError("division by zero") from None
        except OverflowError:
            raise ExpressionError("the result is too large") from None
        except (ValueError, TypeError) as exc:
            raise ExpressionError(f"{exc}") from None
        if isinstance(result, complex) or (isinstance(result, float) and not math.isfinite(result)):
            raise ExpressionError("the result is not a finite real number")
        return result


def parse_expression(text: str | int | float) -> Expression:
    """Parse and check an expression; ExpressionError says what is not allowed."""
    if isinstance(text, bool):
        raise ExpressionError("expected a number or an arithmetic expression, got a boolean")
    if isinstance(text, (int, float)):
        text = repr(text)
    if not isinstance(text, str):
        raise ExpressionError(f"expected an arithmetic expression, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression: {exc.msg} in {text!r}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(f"not a valid expression: {text!r}") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        _check_node(node, text, names)
    return Expression(text=text, tree=tree, names=frozenset(names))


def _check_node(node: ast.AST, text: str, names: set[str]) -> None:
    if isinstance(node, (ast.Expression, ast.Load)) or type(node) in _BINARY or type(node) in _UNARY:
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(f"only numbers are allowed as literals, not {node.value!r} (in {text!r})")
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed (in {text!r})")
        return
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed (in {text!r})")
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"{_describe_node(node.func)} not allowed in expressions (in {text!r})")
        if node.func.id not in FUNCTIONS:
            raise ExpressionError(f"unknown function {node.func.id!r} (allowed: {', '.join(sorted(FUNCTIONS))})")
        if node.keywords:
            raise ExpressionError(f"keyword arguments are not allowed (in {text!r})")
        _, smallest, largest = FUNCTIONS[node.func.id]
        if not smallest <= len(node.args) <= largest:
            raise ExpressionError(f"{node.func.id}() takes {smallest if smallest == largest else f'{smallest} to {largest}'}"
                                  f" argument{'s' if largest > 1 else ''}, got {len(node.args)} (in {text!r})")
        return
    if isinstance(node, ast.Name):
        if node.id not in FUNCTIONS and node.id not in CONSTANTS:
            names.add(node.id)
        return
    raise ExpressionError(f"{_describe_node(node)} not allowed in expressions (in {text!r})")


class _Evaluator(ast.NodeVisitor):
    def __init__(self, values: dict[str, float]):
        self.values = values

    def generic_visit(self, node):                     # pragma: no cover - parse_expression refused it
        raise ExpressionError(f"{_describe_node(node)} not allowed")

    def visit_Constant(self, node):
        return node.value

    def visit_Name(self, node):
        if node.id in self.values:
            return self.values[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ExpressionError(f"unknown name {node.id!r}")

    def visit_UnaryOp(self, node):
        return _UNARY[type(node.op)](self.visit(node.operand))

    def visit_BinOp(self, node):
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow) and isinstance(right, int) and isinstance(left, int) \
                and abs(left) > 1 and abs(right) > MAX_EXPONENT:
            raise ExpressionError(f"exponent {right} is too large (at most {MAX_EXPONENT})")
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, int) and result.bit_length() > MAX_INTEGER_BITS:
            raise ExpressionError("an intermediate result is too large")
        return result

    def visit_Call(self, node):
        function, _, _ = FUNCTIONS[node.func.id]
        return function(*[self.visit(argument) for argument in node.args])

"""Formula KPIs: a safe evaluator for expressions such as ``100 * sum(engagements) / sum(impressions)``.

Allowed: terms ``sum|avg|last|min|max|count(<metric key>)`` where a metric key is a slug (letters, digits,
``-`` and ``_``: ``sum(web-sessions)`` is one term), numbers, ``+ - * /``, parentheses and unary minus/plus.
Nothing else: no other names, functions, powers, comparisons or strings. At most 500 characters and
100 levels of nesting.

How: the terms are first replaced by placeholder names (so hyphenated keys survive Python's parser), the
expression is parsed with ``ast`` and checked against a tight whitelist (giving a clear message for each
problem), and the checked tree is evaluated by simpleeval (a well-kept safe evaluator; no ``eval``) with only
the four operators and no functions. A missing term, a division by zero or a non-finite result gives None
("no value"), never 0.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping

from simpleeval import SimpleEval

AGGREGATIONS = ("sum", "avg", "last", "min", "max", "count")
MAX_LENGTH = 500
MAX_DEPTH = 100

_PLACEHOLDER_PREFIX = "__sc_term_"
_TERM = re.compile(r"(?<![A-Za-z0-9_.])(" + "|".join(AGGREGATIONS) + r")\s*\(\s*([A-Za-z0-9_][A-Za-z0-9_-]*)\s*\)")
_PLACEHOLDER = re.compile(re.escape(_PLACEHOLDER_PREFIX) + r"\d+")
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}

Term = tuple[str, str]


class FormulaError(ValueError):
    """A formula that cannot be used; the message says why and is meant for the user."""


class _Parsed:
    def __init__(self, tree: ast.expr, placeholders: dict[str, Term]) -> None:
        self.tree = tree
        self.placeholders = placeholders


def _describe(node: ast.AST, placeholders: Mapping[str, Term]) -> str:
    """The user's own words for a part of the formula (placeholders turned back into terms)."""
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - only used to word an error message
        return type(node).__name__

    def term(match: re.Match[str]) -> str:
        found = placeholders.get(match.group(0))
        return f"{found[0]}({found[1]})" if found else match.group(0)

    return _PLACEHOLDER.sub(term, text)


def _check(node: ast.AST, placeholders: Mapping[str, Term], depth: int = 0) -> None:
    """Walk the tree and refuse anything outside the whitelist, naming the offending part."""
    if depth > MAX_DEPTH:
        raise FormulaError("The formula is nested too deeply.")
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise FormulaError("Only + - * / and parentheses may combine terms.")
        _check(node.left, placeholders, depth + 1)
        _check(node.right, placeholders, depth + 1)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise FormulaError("Only + - * / and parentheses may combine terms.")
        _check(node.operand, placeholders, depth + 1)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            text = _describe(node, placeholders)
            raise FormulaError(f"{text} is not a number; a formula holds only numbers and terms.")
    elif isinstance(node, ast.Name):
        if node.id not in placeholders:
            raise FormulaError(f"{node.id!r} is not a term; write an aggregation of a metric, such as sum({node.id}).")
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func, placeholders)
        if name in AGGREGATIONS:
            raise FormulaError(f"{name}() takes exactly one metric key, such as {name}(impressions).")
        if name in placeholders:
            raise FormulaError(f"{_describe(node, placeholders)!r} is not valid: a term cannot be called.")
        raise FormulaError(f"Unknown function {name!r}; use {', '.join(AGGREGATIONS)}.")
    else:
        text = _describe(node, placeholders)
        raise FormulaError(f"{text!r} is not allowed in a formula; use numbers, terms and + - * /.")


def _parse(expression: str) -> _Parsed:
    if not isinstance(expression, str) or not expression.strip():
        raise FormulaError("The formula is empty.")
    if len(expression) > MAX_LENGTH:
        raise FormulaError(f"The formula is too long (at most {MAX_LENGTH} characters).")
    if not expression.isascii():
        raise FormulaError("A formula may only contain plain (ASCII) letters, digits, spaces and + - * / ( ).")
    if _PLACEHOLDER_PREFIX in expression:
        raise FormulaError(f"A formula cannot contain {_PLACEHOLDER_PREFIX!r}.")
    placeholders: dict[str, Term] = {}
    names: dict[Term, str] = {}

    def substitute(match: re.Match[str]) -> str:
        term = (match.group(1), match.group(2))
        if term not in names:
            names[term] = f"{_PLACEHOLDER_PREFIX}{len(names)}"
            placeholders[names[term]] = term
        return names[term]

    source = _TERM.sub(substitute, expression.strip())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"The formula is not valid: {exc.msg}.") from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise FormulaError("The formula is not valid.") from exc
    try:
        _check(tree.body, placeholders)
    except RecursionError as exc:
        raise FormulaError("The formula is nested too deeply.") from exc
    return _Parsed(tree.body, placeholders)


def formula_terms(expression: str) -> set[Term]:
    """The (aggregation, metric key) terms of a formula; FormulaError when it is not a valid formula."""
    return set(_parse(expression).placeholders.values())


def validate_formula(expression: str, known_keys: set[str] | frozenset[str]) -> set[Term]:
    """Like formula_terms, and refuse metric keys that are not in `known_keys`."""
    terms = formula_terms(expression)
    unknown = sorted({key for _, key in terms} - set(known_keys))
    if unknown:
        raise FormulaError(f"Unknown metric: {', '.join(unknown)}.")
    return terms


def evaluate_formula(expression: str, values: Mapping[Term, float | None]) -> float | None:
    """The value of a formula given each term's aggregated value.

    A missing or None term, a division by zero, an overflow or a NaN/infinite result gives None.
    """
    parsed = _parse(expression)
    names: dict[str, float] = {}
    for placeholder, term in parsed.placeholders.items():
        value = values.get(term)
        if value is None or not math.isfinite(value):
            return None
        names[placeholder] = float(value)
    operators = {ast.Add: _add, ast.Sub: _sub, ast.Mult: _mul, ast.Div: _div, ast.USub: _neg, ast.UAdd: _pos}
    evaluator = SimpleEval(operators=operators, functions={}, names=names)
    # restrict simpleeval to the whitelisted nodes (defence in depth after _check)
    evaluator.nodes = {
        ast.Name: evaluator._eval_name,
        ast.UnaryOp: evaluator._eval_unaryop,
        ast.BinOp: evaluator._eval_binop,
        ast.Constant: evaluator._eval_constant,
    }
    try:
        result = float(evaluator.eval(expression, previously_parsed=parsed.tree))
    except (ArithmeticError, RecursionError):
        return None
    return result if math.isfinite(result) else None


def _add(a: float, b: float) -> float:
    return float(a) + float(b)


def _sub(a: float, b: float) -> float:
    return float(a) - float(b)


def _mul(a: float, b: float) -> float:
    return float(a) * float(b)


def _div(a: float, b: float) -> float:
    return float(a) / float(b)


def _neg(a: float) -> float:
    return -float(a)


def _pos(a: float) -> float:
    return +float(a)

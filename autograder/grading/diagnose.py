"""What can be said about any wrong result: diagnoses for mistakes nobody catalogued.

The catalogue (suites/*/mistakes.yaml) names a wrong answer when it matches a
known mistake exactly.  This module describes how a wrong answer relates to the
expected one, whatever the mistake: off by a sign or by a meaningful factor,
transposed, a term of a sum missing or scaled, reduced over the wrong axis, zero,
the input returned unchanged, an axis of size 1 lost, extra or missing entries,
the wrong keys of a dict or rows of a matrix (and what that implies), where the
wrong entries are (s < 0), items in another order.  Suites say what they know
about a call in `Hints` (the sizes, the named terms the reference adds up, the
stages of a computation); `explain` works without them too.

Used by checks.expect and checks.fail_mismatch, so every suite's feedback
carries the diagnosis; suites may call `explain` themselves.  It is total: any
value a worker can return gives a list of sentences (maybe empty), never an
exception, and no sentence names a catalogued mistake.
"""
from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from . import _relations as rel
from .compare import as_numeric_array, compare


@dataclass
class Stage:
    """One step of a computation that produces some keys of a dict result (a layer of backpropagation)."""

    name: str              # "the output layer"
    keys: list[str]        # the keys it produces: ["W2", "b2"]
    computes: str = ""     # what happens in this step, for the student: "∂L/∂U² = (O² - y)/N"


@dataclass
class Hints:
    """What a suite knows about a call, to explain a wrong result (every field optional).

    - sizes: counts whose factors are meaningful mistakes ({"N": 5} makes "N times" and "1/N times" findable).
    - terms: the named terms whose sum is the expected result (each broadcastable to its shape).
    - factors: the named factors whose product is the expected result.
    - where: named arrays aligned with the result's entries or rows, to say where the wrong entries are.
    - reductions: name → (array, axis, "sum" or "mean") when the expected result is that reduction.
    - elementwise: (reference function, input, input name) for a function of one input, f(s) (elementwise, or
      any f whose result is compared: the result is recognised as f at -s, 2s, s/2, s², √s or 1/s).
    - alternatives: description → what a related computation gives ("with the default tokens_per_param").
    - before: for a result updated in place, its value before the call (the changes are compared too).
    - row_labels: row index → what that row is ("the center word's row").
    - stages: the steps that produce the keys of a dict result, in the order they are computed.
    - items: names of the items of a tuple result (["loss", "grad_v_c"]).
    - parts: hints for one key of a dict result or one named item of a tuple result.
    - inputs: the call's arguments by name (to recognise an input returned unchanged).
    """

    sizes: dict[str, float] = field(default_factory=dict)
    terms: dict[str, object] = field(default_factory=dict)
    factors: dict[str, object] = field(default_factory=dict)
    where: dict[str, object] = field(default_factory=dict)
    reductions: dict[str, tuple] = field(default_factory=dict)
    elementwise: tuple[Callable, object, str] | None = None
    alternatives: dict[str, object] = field(default_factory=dict)
    before: object = None
    row_labels: dict[int, str] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    parts: dict[str, Hints] = field(default_factory=dict)
    inputs: dict[str, object] = field(default_factory=dict)

    def part(self, name: str) -> Hints:
        """The hints for one key or item: its own, with the sizes and inputs of the whole call."""
        own = self.parts.get(name) or Hints()
        return replace(own, sizes={**self.sizes, **own.sizes}, inputs=own.inputs or self.inputs)


MAX_SENTENCES = 3


def with_defaults(function: Callable, args: tuple = (), kwargs: dict | None = None) -> dict[str, object]:
    """Alternatives for Hints: what function (the reference) gives with given arguments back at their defaults.

    A result equal to one of them suggests the student ignores that argument.  Keys describe the case:
    "what the default value of tokens_per_param gives (is tokens_per_param ignored?)".
    """
    kwargs = dict(kwargs or {})
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return {}
    parameters = inspect.signature(function).parameters
    given = [name for name, value in bound.arguments.items()
             if parameters[name].default is not inspect.Parameter.empty and value != parameters[name].default]
    alternatives: dict[str, object] = {}
    for names in [[name] for name in given] + ([given] if len(given) > 1 else []):
        arguments = {name: value for name, value in bound.arguments.items() if name not in names}
        shown = rel.listing(names)
        try:
            several = len(names) > 1
            alternatives[f"what the default value{'s' if several else ''} of {shown} give{'' if several else 's'} "
                         f"({'are' if several else 'is'} {shown} ignored?)"] = function(**arguments)
        except Exception:   # the reference at its defaults: cannot fail, but an alternative is only a bonus
            continue
    return alternatives


def explain(got, expected, hints: Hints | None = None, label: str = "your result") -> list[str]:
    """Sentences (each ending with a full stop) that relate a wrong result to the expected one; [] if none."""
    try:
        with np.errstate(all="ignore"):
            sentences = _explain(got, expected, hints or Hints(), label)
    except Exception:   # a diagnosis is a bonus: it must never turn a student's wrong answer into a grader error
        return []
    unique = list(dict.fromkeys(_capitalised(sentence) for sentence in sentences if sentence))
    return [sentence if sentence.endswith(".") else sentence + "." for sentence in unique[:MAX_SENTENCES]]


def _capitalised(sentence: str) -> str:
    """The sentence with a capital first letter, unless it starts with a name from code (grad_v_c, result[1])."""
    first = sentence.split(" ", 1)[0].rstrip(",;:")
    return sentence if not first.isalpha() else sentence[0].upper() + sentence[1:]


def _explain(got, expected, hints: Hints, label: str) -> list[str]:
    alternative = _alternative(got, hints)
    if alternative:
        return [f"{label} equals {alternative}"]
    if isinstance(expected, dict):
        return _explain_dict(got, expected, hints, label)
    sequence = isinstance(expected, (list, tuple)) and (isinstance(got, (list, tuple)) or (
        isinstance(got, np.ndarray) and got.ndim > 0))   # a 0-d array has no items to list
    if sequence:
        order = _order(list(got), list(expected), label)
        if order:
            return [order]
    expected_array, got_array = _numeric(expected), _numeric(got)
    if expected_array is None or got_array is None:
        return _explain_sequence(list(got), list(expected), hints, label) if sequence else []
    if not sequence:
        return _explain_numbers(got_array, expected_array, hints, label)
    # the items of a tuple or list may mean different things ((N, D)): relations of the whole first, then per item,
    # and a factor shared by all items only when nothing more specific holds
    return (_explain_numbers(got_array, expected_array, hints, label, any_factor=False)
            or _explain_sequence(list(got), list(expected), hints, label)
            or _explain_numbers(got_array, expected_array, hints, label))


def _numeric(value) -> np.ndarray | None:
    """A float64 array of the value, or None (not numbers, or not finite: relations need finite values)."""
    if isinstance(value, bool):
        return None
    array = as_numeric_array(value)
    if array is None or array.size > 1_000_000:
        return None
    array = array.astype(np.float64)
    return array if np.all(np.isfinite(array)) else None


def _alternative(got, hints: Hints) -> str | None:
    for description, value in hints.alternatives.items():
        if compare(got, value) is None:
            return description
    return None


# -- numbers ------------------------------------------------------------------------------------------------------
def _explain_numbers(got: np.ndarray, expected: np.ndarray, hints: Hints, label: str,
                     any_factor: bool = True) -> list[str]:
    if got.shape != expected.shape:
        return _shape_sentences(got, expected, hints, label)
    sentences: list[str] = []
    unchanged = _returned_input(got, expected, hints)
    if unchanged:
        return [f"{label} is the input {unchanged}, unchanged"]
    relation = _relation(got, expected, hints, any_factor)
    if relation:   # a relation is a predicate of the result ("2 times ...") or a clause about its terms
        clause = relation.startswith(("the term", "every term"))
        sentences.append(f"in {label}, {relation}" if clause else f"{label} is {relation}")
    if hints.before is not None:
        before = _numeric(hints.before)
        if before is not None and before.shape == got.shape:
            change = _relation(got - before, expected - before, Hints(sizes=hints.sizes))
            if change:
                sentences.append(f"measured as changes from the values before the call, {label} is "
                                 + change.replace("the expected value", "the expected change"))
    if relation and hints.before is None:
        return sentences   # the relation explains every entry: where they differ adds nothing
    scale = float(np.max(np.abs(expected), initial=0.0))
    wrong = ~np.isclose(got, expected, rtol=rel.RTOL, atol=max(rel.ATOL, 1e-12 * scale))
    if got.ndim:
        for phrase in (rel.where_wrong(wrong, _arrays(hints.where)), rel.rows_wrong(wrong, hints.row_labels)):
            if phrase:
                sentences.append(phrase)
        if 2 <= wrong.sum() < wrong.size:
            before = _numeric(hints.before) if hints.before is not None else None
            changes = before is not None and before.shape == got.shape
            base = before if changes else np.zeros(got.shape)
            factor = rel.constant_factor((got - base)[wrong], (expected - base)[wrong], hints.sizes)
            if factor:
                what = "changes of the entries that differ" if changes else "entries that differ"
                factor = factor.replace(" in every entry", "").replace(
                    "the expected value", "the expected change" if changes else "the expected value")
                sentences.append(f"the {what} are each {factor}; the others are right")
        if not sentences and 0 < wrong.sum() < wrong.size and wrong.size > 2:
            sentences.append(_wrong_entries(wrong, expected))
    return sentences


def _relation(got: np.ndarray, expected: np.ndarray, hints: Hints, any_factor: bool = True) -> str | None:
    """The first relation that explains got from expected exactly (an arbitrary common factor last).

    An elementwise function evaluated at a transformed input comes before "1 minus the expected value": for
    σ(-s) = 1 - σ(s) the input says more about the code.
    """
    found = rel.all_zero(got, expected) or rel.meaningful_factor(got, expected, hints.sizes)
    if not found and hints.elementwise is not None:
        found = _transformed_input(got, hints.elementwise)
    found = found or (rel.complement(got, expected) or rel.transposed(got, expected) or rel.power(got, expected)
                      or rel.rounded(got, expected) or rel.clipped(got, expected) or rel.square_inside(got, expected))
    if found:
        return found
    terms = _arrays(hints.terms)
    if terms:
        found = rel.weighted_terms(got, terms, hints.sizes) or rel.wrong_term(got, terms, hints.sizes)
        if found:
            return found
    factors = _arrays(hints.factors)
    if factors:
        found = _missing_factor(got, factors)
        if found:
            return found
    for name, (source, axis, how) in hints.reductions.items():
        array = _numeric(source)
        if array is not None:
            found = rel.axis_reduction(got, array, axis, how)
            if found:
                return f"{name} {found}"
    return rel.any_factor(got, expected) if any_factor else None


def _transformed_input(got: np.ndarray, elementwise: tuple) -> str | None:
    function, argument, name = elementwise
    argument = _numeric(argument)
    if argument is None:
        return None
    transforms: list[tuple[Callable, str]] = [
        (np.negative, f"-{name} (the negated input)"), (lambda a: 2.0 * a, f"2·{name} (twice the input)"),
        (lambda a: 0.5 * a, f"{name}/2 (half the input)"),
        (np.square, f"{name}² (the input squared: a square root, or a power, applied to only part of the formula?)"),
        (np.sqrt, f"√{name} (the square root of the input: a square root too many?)"),
        (np.reciprocal, f"1/{name} (the reciprocal of the input: a ratio upside down?)")]
    for transform, description in transforms:
        with np.errstate(all="ignore"):
            moved = transform(argument)
        if not np.all(np.isfinite(moved)) or np.array_equal(moved, argument):
            continue
        try:
            value = _numeric(function(moved))
        except Exception:   # the reference outside its domain (a root of a negative input): no relation there
            continue
        if value is not None and rel.close(got, value):
            return f"what the function gives at {description}"
    return None


def _missing_factor(got: np.ndarray, factors: dict[str, np.ndarray]) -> str | None:
    names = list(factors)
    for name in names:
        try:
            rest = np.ones(got.shape)
            for other in names:
                if other != name:
                    rest = rest * np.broadcast_to(factors[other], got.shape)
        except ValueError:
            return None
        if rel.close(got, rest) and not rel.close(np.broadcast_to(factors[name], got.shape), np.ones(got.shape)):
            return f"the expected product without its factor {name} (a missing factor)"
    return None


def _returned_input(got: np.ndarray, expected: np.ndarray, hints: Hints) -> str | None:
    for name, value in hints.inputs.items():
        array = _numeric(value)
        if array is not None and array.shape == got.shape and rel.informative(array) and np.array_equal(got, array) \
                and not rel.close(expected, array):
            return name
    return None


def _shape_sentences(got: np.ndarray, expected: np.ndarray, hints: Hints, label: str) -> list[str]:
    for phrase in (rel.squeezed(got.shape, expected.shape), rel.broadcast(got.shape, expected.shape)):
        if phrase:
            return [f"{label}: {phrase}"]
    relation = rel.transposed(got, expected) or (
        rel.subsequence(got, expected) if got.ndim == 1 and expected.ndim == 1 else None)
    if relation:
        return [f"{label} is {relation}" if relation.startswith("the ") else f"{label}: {relation}"]
    for name, (source, axis, how) in hints.reductions.items():
        array = _numeric(source)
        if array is not None:
            found = rel.axis_reduction(got, array, axis, how)
            if found:
                return [f"{label} is {name} {found}"]
    return []


def _wrong_entries(wrong: np.ndarray, expected: np.ndarray) -> str:
    indices = [tuple(int(i) for i in index) for index in np.argwhere(wrong)[:6]]
    shown = rel.listing(str(index if len(index) > 1 else index[0]) for index in indices)
    more = " ..." if int(wrong.sum()) > 6 else ""
    return f"only {int(wrong.sum())} of {wrong.size} entries differ (at {shown}{more}); the others are right"


def _arrays(named: dict[str, object]) -> dict[str, np.ndarray]:
    arrays = {}
    for name, value in named.items():
        array = _numeric(value)
        if array is not None:
            arrays[name] = array
    return arrays


# -- sets of rows ---------------------------------------------------------------------------------------------------
def rows_difference(got: list, expected: list, fmt: Callable = str) -> str:
    """For results whose rows are graded as a multiset (pairs, examples): 'missing 2: a, b; unexpected 1: c'.

    got and expected are lists of hashable rows (tuples); fmt shows one row.  Total: "" when it cannot say.
    """
    try:
        return rel.rows_difference(got, expected, fmt)
    except Exception:   # a description is a bonus: it must never turn a wrong answer into a grader error
        return ""


def explain_rows(got: list, expected: list, names: list[str] | None = None, fmt: Callable = str) -> list[str]:
    """Sentences relating the unexpected rows to the missing ones (see _relations.rows_pairing); [] if none.

    names: what the items of a row are (["context", "center"]).  Total: any lists give a list of sentences.
    """
    try:
        found = rel.rows_pairing(got, expected, names, fmt)
    except Exception:   # a diagnosis is a bonus
        return []
    return [_capitalised(found) + "."] if found else []


# -- dicts --------------------------------------------------------------------------------------------------------
def _explain_dict(got, expected: dict, hints: Hints, label: str) -> list[str]:
    if not isinstance(got, dict) or set(got) != set(expected):
        return []
    wrong = [key for key in expected if compare(got[key], expected[key]) is not None]
    if not wrong:
        return []
    right = [key for key in expected if key not in wrong]
    sentences = []
    if right:
        sentences.append(f"{rel.listing(right)} {'is' if len(right) == 1 else 'are'} right; "
                         f"{rel.listing(wrong)} {'is' if len(wrong) == 1 else 'are'} not")
    implication = _stage_implication(set(wrong), hints.stages)
    if implication:
        sentences.append(implication)
    factors = [rel.constant_factor(a, b, hints.sizes) for key in wrong
               for a, b in [(_numeric(got[key]), _numeric(expected[key]))] if a is not None and b is not None]
    if len(wrong) > 1 and len(factors) == len(wrong) and factors[0] and len(set(factors)) == 1:
        sentences.append(f"every wrong entry of the dict is {factors[0]}")
        return sentences
    for key in wrong[:2]:
        sentences += _explain(got[key], expected[key], hints.part(key), f"{label}['{key}']")
    return sentences


def _stage_implication(wrong: set, stages: list[Stage]) -> str | None:
    """Where in the computation the error enters, from which stages' keys are right."""
    if not stages:
        return None
    first_wrong = next((index for index, stage in enumerate(stages) if wrong & set(stage.keys)), None)
    if first_wrong is None:
        return None
    stage = stages[first_wrong]
    later_all_wrong = all(set(later.keys) <= wrong for later in stages[first_wrong + 1:])
    if first_wrong > 0 and set(stage.keys) <= wrong and later_all_wrong:
        before = stages[first_wrong - 1]
        return (f"the error enters after {before.name} is done, in the step to {stage.name}"
                + (f" ({stage.computes})" if stage.computes else ""))
    if not set(stage.keys) <= wrong:
        alone = sorted(wrong & set(stage.keys))
        return (f"in {stage.name}, only {rel.listing(alone)} {'is' if len(alone) == 1 else 'are'} wrong: the shared "
                f"upstream gradient is right, so look at how {rel.listing(alone)} {'is' if len(alone) == 1 else 'are'} "
                "formed from it")
    return None


# -- sequences of items --------------------------------------------------------------------------------------------
def _order(got: list, expected: list, label: str) -> str | None:
    """Items in reverse order, a ranking in the opposite order, or items holding their elements in another order."""
    if len(got) != len(expected) or len(expected) < 2:
        return None
    if _equal(got, expected[::-1]) and not _equal(expected, expected[::-1]):
        return f"{label} has the expected items in reverse order"
    return _ranking_order(got, expected) or _inner_order(got, expected)


def _explain_sequence(got: list, expected: list, hints: Hints, label: str) -> list[str]:
    sentences = []
    if len(got) != len(expected):
        return []
    wrong = [index for index, (a, b) in enumerate(zip(got, expected)) if compare(a, b) is not None]
    names = hints.items if len(hints.items) == len(expected) else [f"{label}[{index}]" for index in range(len(expected))]
    if not wrong:
        return []
    right = [names[index] for index in range(len(expected)) if index not in wrong]
    if right and len(expected) <= 6:
        sentences.append(f"{rel.listing(right)} {'is' if len(right) == 1 else 'are'} right; "
                         f"{rel.listing(names[index] for index in wrong)} {'is' if len(wrong) == 1 else 'are'} not")
    common = _common_factor([got[index] for index in wrong], [expected[index] for index in wrong], hints.sizes)
    if common and len(wrong) > 1:
        sentences.append(f"{rel.listing(names[index] for index in wrong)} are all {common}")
        return sentences
    explained = [sentence for index in wrong[:2]
                 for sentence in _explain(got[index], expected[index], hints.part(names[index]), names[index])]
    leaves = None if explained else _leaf_factor(got, expected, hints.sizes)
    return sentences + explained + ([leaves] if leaves else [])


def _equal(a, b) -> bool:
    return compare(a, b) is None


def _common_factor(got: list, expected: list, sizes: dict) -> str | None:
    found = set()
    for a, b in zip(got, expected):
        a, b = _numeric(a), _numeric(b)
        if a is None or b is None:
            return None
        factor = rel.constant_factor(a, b, sizes)
        if not factor or "every entry" in factor:
            return None
        found.add(factor)
    return found.pop() if len(found) == 1 else None


def _leaves(value) -> list | None:
    """The numbers of a nested list/tuple structure in order, or None if it holds anything else."""
    if isinstance(value, (list, tuple)):
        out: list = []
        for item in value:
            leaves = _leaves(item)
            if leaves is None:
                return None
            out += leaves
        return out
    array = _numeric(value)
    return None if array is None else array.ravel().tolist()


def _leaf_factor(got: list, expected: list, sizes: dict) -> str | None:
    """In a nested structure of numbers, the numbers that differ all differ by one factor (and the rest agree)."""
    got_leaves, expected_leaves = _leaves(got), _leaves(expected)
    if not got_leaves or got_leaves is None or expected_leaves is None or len(got_leaves) != len(expected_leaves):
        return None
    a, b = np.array(got_leaves, dtype=np.float64), np.array(expected_leaves, dtype=np.float64)
    wrong = ~np.isclose(a, b, rtol=rel.RTOL, atol=rel.ATOL)
    if wrong.sum() < 2:
        return None
    factor = rel.constant_factor(a[wrong], b[wrong], sizes)
    if not factor:
        return None
    return f"the {int(wrong.sum())} numbers that differ are each {factor.replace(' in every entry', '')}; " \
        "the others are right"


def _ranking_order(got: list, expected: list) -> str | None:
    """Items carrying a score (the last number of each item): the expected list falls, yours rises."""
    def scores(items):
        values = []
        for item in items:
            leaves = _leaves(item) if isinstance(item, (list, tuple)) else None
            if not leaves:
                return None
            values.append(leaves[-1])
        return np.array(values)
    got_scores, expected_scores = scores(got), scores(expected)
    if got_scores is None or expected_scores is None or len(got_scores) < 2:
        return None
    if np.all(np.diff(expected_scores) <= 0) and np.all(np.diff(got_scores) >= 0) and np.any(np.diff(got_scores) > 0):
        return "the list is in ascending order of its scores, the opposite order of the expected one (most first)"
    if np.all(np.diff(expected_scores) >= 0) and np.all(np.diff(got_scores) <= 0) and np.any(np.diff(got_scores) < 0):
        return "the list is in descending order of its scores, the opposite order of the expected one"
    return None


def _inner_order(got: list, expected: list) -> str | None:
    """Each item holds the expected elements, but in another order inside (a context listed right to left)."""
    def canonical(item, ordered: bool):
        if isinstance(item, (list, tuple)):
            inner = [canonical(part, True) for part in item]
            return tuple(inner if ordered else sorted(inner, key=repr))
        array = _numeric(item)
        if array is not None and array.ndim == 1:
            return tuple(array.tolist() if ordered else sorted(array.tolist()))
        return repr(item) if array is None else float(array.ravel()[0]) if array.size == 1 else repr(item)

    def loose(item):
        if isinstance(item, (list, tuple)):
            return tuple(canonical(part, False) if isinstance(part, (list, tuple, np.ndarray)) else canonical(part, True)
                         for part in item)
        return canonical(item, False)

    if Counter(canonical(item, True) for item in got) == Counter(canonical(item, True) for item in expected):
        return None
    if Counter(loose(item) for item in got) == Counter(loose(item) for item in expected):
        return ("every item holds the same words (or numbers) as an expected item, but in another order inside "
                "it: the order of the elements within an item is graded")
    return None

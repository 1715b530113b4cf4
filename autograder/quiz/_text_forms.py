"""The answers a text question accepts, as a list an LMS can hold.

Moodle's short-answer and Canvas's fill-in-the-blank questions compare the
student's text with a list of accepted answers; neither takes a regular
expression.  A `pattern` whose language is small (such as
`\\(?\\s*N\\s*[x×*,]\\s*1\\s*\\)?`) is written out form by form with exrex, each
repeated part (`\\s*`, `+`) taken at most once and every run of whitespace
written as one space; a pattern with too many forms (`.*`, `[a-z]+`) cannot be.
"""
from __future__ import annotations

from dataclasses import dataclass

from ._patterns import PatternUndecided, pattern_matches

MAX_GENERATED = 100_000     # strings exrex may generate before whitespace is folded
MAX_FORMS = 300             # accepted answers an LMS question is given at most
_REPEAT_ONCE = 2            # exrex's `limit`: a repeated part appears 0 or 1 extra times


@dataclass(frozen=True)
class AcceptedForms:
    """The texts to accept, and what the list leaves out (for the export notes)."""

    texts: tuple[str, ...]
    from_pattern: int = 0          # how many of the texts come from the pattern
    complete: bool = True          # every string the pattern accepts is in the list (spaces folded)
    problem: str = ""              # why the pattern could not be written out ("" when it was)


def fold(text: str, case_sensitive: bool) -> str:
    """A text as the grader compares it: runs of whitespace as one space, case ignored unless asked."""
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def accepted_forms(accept: tuple[str, ...], pattern: str | None, case_sensitive: bool) -> AcceptedForms:
    """The `accept` texts, then the pattern's forms that are not among them (each once)."""
    texts: dict[str, str] = {}
    for text in accept:
        texts.setdefault(fold(text, case_sensitive), " ".join(text.split()))
    if not pattern:
        return AcceptedForms(tuple(texts.values()))
    from ._markup import _require

    exrex = _require("exrex")
    if _unbounded_repeats(pattern) - {"whitespace"}:
        return AcceptedForms(tuple(texts.values()), problem="it accepts answers of any length")
    try:
        generated = exrex.count(pattern, limit=_REPEAT_ONCE)
        forms = list(exrex.generate(pattern, limit=_REPEAT_ONCE)) if generated <= MAX_GENERATED else []
    except Exception:
        return AcceptedForms(tuple(texts.values()), problem="exrex cannot list what it matches")
    if generated > MAX_GENERATED:
        return AcceptedForms(tuple(texts.values()), problem=f"it has too many forms to list (over {MAX_GENERATED:,})")
    before = len(texts)
    for form in forms:
        folded = " ".join(form.split())
        if folded and _matches(pattern, folded, case_sensitive):
            texts.setdefault(fold(folded, case_sensitive), folded)
        if len(texts) - before > MAX_FORMS:
            return AcceptedForms(tuple(list(texts.values())[:before]),
                                 problem=f"it has more than {MAX_FORMS} forms")
    if len(texts) == before and not any(_matches(pattern, text, case_sensitive) for text in texts.values()):
        return AcceptedForms(tuple(texts.values()), problem="none of the strings exrex lists from it matches it")
    complete = not _unbounded_repeats(pattern)
    return AcceptedForms(tuple(texts.values()), from_pattern=len(texts) - before, complete=complete)


def _matches(pattern: str, text: str, case_sensitive: bool) -> bool:
    """As grading matches (RE2), so that the list holds what the grader accepts; an undecided form is left out."""
    try:
        return pattern_matches(pattern, text, case_sensitive)
    except PatternUndecided:
        return False


def _unbounded_repeats(pattern: str) -> set[str]:
    """What the pattern repeats without bound: "whitespace" (`\\s*`, ` +`) and/or "text" (`.*`, `[a-z]+`).

    Read with the regex parser that exrex itself walks (`re._parser`, `sre_parse` before Python 3.11).
    """
    try:
        from re import _constants as constants  # type: ignore[attr-defined]
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:                                      # Python 3.10
        import sre_constants as constants
        import sre_parse as parser
    found: set[str] = set()

    def is_space(item) -> bool:
        op, value = item
        if op == constants.LITERAL:
            return chr(value).isspace()
        if op == constants.IN:
            return all(is_space(part) for part in value)
        return op == constants.CATEGORY and value == constants.CATEGORY_SPACE

    def walk(items) -> None:
        for op, value in items:
            if op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
                _, high, body = value
                if high == constants.MAXREPEAT:
                    found.add("whitespace" if all(is_space(item) for item in body) else "text")
                walk(body)
            elif op == constants.SUBPATTERN:
                walk(value[-1])
            elif op == constants.BRANCH:
                for branch in value[1]:
                    walk(branch)

    walk(parser.parse(pattern))
    return found


def pattern_note(question_id: str, forms: AcceptedForms, lms: str) -> str | None:
    """The export note for a question with a pattern, or None when the list is exactly the pattern."""
    if forms.problem:
        return f"{question_id}: its pattern cannot be written out for {lms} ({forms.problem}); only the accepted " \
               f"answers are exported"
    if not forms.complete:
        return (f"{question_id}: its pattern is exported as {forms.from_pattern} more accepted answers, with one "
                f"space or none wherever spaces may go; {lms} marks an answer with more spaces there wrong")
    return None

"""The held-out sets of wrong implementations (tests/fixtures/heldout*/), and how feedback on them is judged.

Three sets, in one format (SETS, name → folder): `heldout`, the first, which the
diagnoses of issue 15 were then improved on; `heldout2`, written later and blind to
the detectors (which were then improved on its feedback too); and `heldout3`,
written blind while that went on and tuned on by nobody, so its rate is the honest one.  Each case folder
`<set folder>/<part>/<case>/` holds `<module>.py`, wrong definitions that are
appended to the reference module (as the mutation fixtures are), and `case.yaml`:

- `function`: the qualified name of the function the mistake is in (`network.backward`);
- `bug`: one sentence, what is really wrong;
- `localise`: short strings, any of which in a failed test's message, expected or
  got text (case-insensitive, as a whole word: see `mentions`) shows that the feedback
  located the error (a key, a row, a term, the relation to the expected result);
- `acceptable_mistakes`: catalogue ids (autograder/suites/*/mistakes.yaml) whose
  naming is a right diagnosis; empty when none fits;
- `grader_hole` (optional): why today's grader gives the case full marks.

The cases were written apart from the catalogue and its mutation fixtures, in
styles of their own, and no detector is tuned on them: they measure how feedback
generalises (benchmarks/diagnosis_rate.py).  Used by tests/test_heldout_cases.py
and by that benchmark, which puts tests/ on sys.path.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from conftest import reference_as_submission

from autograder.course import course_root, load_parts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "heldout"
SETS = {"heldout": FIXTURES, "heldout2": FIXTURES.with_name("heldout2"), "heldout3": FIXTURES.with_name("heldout3")}
KEYS = {"function", "bug", "localise", "acceptable_mistakes", "grader_hole"}


@dataclass(frozen=True)
class Case:
    """One held-out wrong implementation."""

    part: str
    name: str
    folder: Path
    function: str
    bug: str
    localise: tuple[str, ...]
    acceptable_mistakes: tuple[str, ...]
    grader_hole: str | None = None
    set: str = "heldout"

    @property
    def id(self) -> str:
        """`<part>/<name>` in the first set, `<set>/<part>/<name>` in the others (ids stay unique)."""
        return f"{self.part}/{self.name}" if self.set == "heldout" else f"{self.set}/{self.part}/{self.name}"

    def overrides(self) -> dict[str, str]:
        """module name → the wrong definitions appended to it."""
        return {path.stem: path.read_text() for path in sorted(self.folder.glob("*.py"))}


def load_cases(root: Path = FIXTURES, set_name: str = "heldout") -> list[Case]:
    """Every case under root, sorted by part and name; a malformed case.yaml raises ValueError naming it."""
    cases = []
    for folder in sorted(path for path in root.glob("*/*") if path.is_dir()):
        path = folder / "case.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or set(data) - KEYS or not {"function", "bug", "localise"} <= set(data):
            raise ValueError(f"{path}: needs function, bug, localise (and optionally acceptable_mistakes, "
                             f"grader_hole), and nothing else")
        cases.append(Case(part=folder.parent.name, name=folder.name, folder=folder, function=data["function"],
                          bug=data["bug"], localise=tuple(data["localise"] or ()),
                          acceptable_mistakes=tuple(data.get("acceptable_mistakes") or ()),
                          grader_hole=data.get("grader_hole"), set=set_name))
    return cases


def load_sets(names: list[str] | None = None) -> list[Case]:
    """The cases of the named sets (every set when None), set by set in the order of SETS."""
    unknown = set(names or ()) - set(SETS)
    if unknown:
        raise ValueError(f"no held-out set named {', '.join(sorted(unknown))}; the sets are {', '.join(SETS)}")
    return [case for name, root in SETS.items() if names is None or name in names for case in load_cases(root, name)]


def write_submission(cases: list[Case], folder: Path) -> Path:
    """The reference of the cases' parts with every case's wrong definitions appended; returns folder."""
    parts = list(dict.fromkeys(case.part for case in cases))
    reference_as_submission(folder, parts)
    for case in cases:
        for module, source in case.overrides().items():
            target = folder / case.part / f"{module}.py"
            target.write_text(target.read_text() + f"\n\n# --- held-out case {case.name} ---\n" + source)
    return folder


# -- grading several cases in one submission ------------------------------------------------------------------
def _names_used(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _top_level(source: str) -> dict[str, set[str]]:
    """Top-level function and class name → the names its body uses."""
    return {node.name: _names_used(node) for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def _reference_graph(part: str) -> dict[str, set[str]]:
    graph = {}
    for module in load_parts([part])[0].modules:
        graph.update(_top_level((course_root() / "reference" / part / f"{module}.py").read_text()))
    return graph


def defined_names(case: Case) -> set[str]:
    return {name for source in case.overrides().values() for name in _top_level(source)}


def reachable(case: Case) -> set[str]:
    """The part's top-level names the case's function may run: its own, and those it calls, transitively."""
    graph = _reference_graph(case.part)
    for source in case.overrides().values():
        graph.update(_top_level(source))
    seen, todo = set(), [case.function.split(".")[-1]]
    while todo:
        name = todo.pop()
        if name in seen or name not in graph:
            continue
        seen.add(name)
        todo.extend(graph[name])
    return seen


def packs(cases: list[Case]) -> list[list[Case]]:
    """Groups of cases that can share one submission: no case's function reaches a name another case redefines.

    Only the points each case's own function loses are judged after grading a pack; feedback (which
    can mention other functions) is judged only on cases graded alone.
    """
    groups: list[list[Case]] = []
    for case in cases:
        mine, reaches = defined_names(case), reachable(case)
        for group in groups:
            if all(case.part != other.part or not (mine & (reachable(other) | defined_names(other))
                                                     or reaches & defined_names(other))
                   for other in group):
                group.append(case)
                break
        else:
            groups.append([case])
    return groups


# -- judging feedback -------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    """What the feedback on one case, graded alone, did."""

    case: Case
    lost_points: bool                 # the case's function scored less than its maximum
    acceptable_names: list[str] = field(default_factory=list)   # catalogue ids named that fit the mistake
    wrong_names: list[str] = field(default_factory=list)        # catalogue ids named that do not
    localised_by: list[str] = field(default_factory=list)       # localise strings found in the feedback

    @property
    def diagnosed(self) -> bool:
        """The headline: a right name or a localisation, and no wrong name."""
        return bool(self.acceptable_names or self.localised_by) and not self.wrong_names


def mentions(text: str, wanted: str) -> bool:
    """Whether wanted occurs in text (case-insensitive) as a whole word.

    Never inside a longer identifier-like token (letters, digits, underscores): "exp" is not found
    in "expected", "int" not in "print", "0.5" not in "10.5"; an end of wanted that is not such a
    character (a bracket, a quote, a space) may touch anything, so "['W2']" is found in
    "grads['W2']".  A stem ("negat") therefore matches only itself, never "negative".
    """
    before = r"(?<![A-Za-z0-9_])" if re.match(r"[A-Za-z0-9_]", wanted) else ""
    after = r"(?![A-Za-z0-9_])" if re.search(r"[A-Za-z0-9_]$", wanted) else ""
    return re.search(before + re.escape(wanted) + after, text, flags=re.IGNORECASE) is not None


def judge(case: Case, tests) -> Verdict:
    """Judge the feedback of the tests of the case's part (TestResult objects of a grading run)."""
    verdict = Verdict(case, lost_points=any(test.function == case.function and test.score < test.max_score
                                            for test in tests))
    for test in tests:
        feedback = test.feedback
        if test.score >= test.max_score or feedback is None:
            continue
        if feedback.mistake:
            names = verdict.acceptable_names if feedback.mistake in case.acceptable_mistakes else verdict.wrong_names
            if feedback.mistake not in names:
                names.append(feedback.mistake)
        text = "\n".join(part for part in (feedback.message, feedback.expected, feedback.got) if part)
        for wanted in case.localise:
            if mentions(text, wanted) and wanted not in verdict.localised_by:
                verdict.localised_by.append(wanted)
    return verdict

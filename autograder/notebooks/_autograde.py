"""`autograder nbgrader autograde`: nbgrader's gradebook gets the sandboxed grader's scores and feedback.

For each student's `submitted/<student>/<assignment>/<notebook>.ipynb`, out
of any Jupyter kernel, the engine grades the notebook (`grade_submission`:
the notebook read within the budgets, the student's code run in the
sandboxed worker, the hidden suites in this process).  Then, through
nbgrader's own API (`nbgrader.api.Gradebook`), every grade cell whose
hidden part calls `check("module.function")` (as `_build` writes them) gets

- `auto_score`: the cell's points when the function got all of its points,
  else 0 (what the notebook tells students);
- the function's feedback, worded as `autograder grade` words it, as the
  automatic comment of its answer cell (`_build.answer_cell_id`), which
  `nbgrader generate_feedback` and formgrader show.

What the student's kernel made of the test cells (in `nbgrader autograde`)
is overwritten: only the engine decides.  A grader's manual score still wins
over ours, as over any automatic score in nbgrader.  The gradebook layout
(notebooks, grade cells, their sources) comes from the gradebook, written by
`nbgrader generate_assignment` from the instructor's source notebooks, never
from the student's copy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .._errors import UserError
from ..course import load_parts
from ..results import GradingResult
from ._build import answer_cell_id, checked_function
from ._nbgrader_course import NbgraderCourse
from .kernel import feedback


@dataclass(frozen=True)
class GradedCell:
    """One grade cell of the assignment and the function its hidden part grades."""

    name: str
    max_score: float
    function: str | None   # None: not one of ours (no check() call); its score is left as nbgrader gave it


@dataclass(frozen=True)
class NotebookLayout:
    name: str
    cells: tuple[GradedCell, ...]
    answer_cells: frozenset[str]

    @property
    def parts(self) -> list[str]:
        functions = {cell.function for cell in self.cells if cell.function}
        return sorted({spec.part for part in load_parts() for spec in part.functions
                       if spec.qualified_name in functions})


@dataclass
class NotebookScore:
    name: str
    score: float
    max_score: float
    submitted: bool


@dataclass
class StudentScores:
    student: str
    notebooks: list[NotebookScore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def assignment_layout(course: NbgraderCourse, assignment: str) -> list[NotebookLayout]:
    """The assignment's notebooks and grade cells as the gradebook holds them."""
    from nbgrader.api import Gradebook, MissingEntry

    known = {spec.qualified_name for part in load_parts() for spec in part.functions}
    layouts = []
    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            notebooks = gradebook.find_assignment(assignment).notebooks
        except MissingEntry:
            raise UserError(f"no assignment {assignment!r} in the gradebook {course.db_url}: "
                            "run `nbgrader generate_assignment` first", course.root / "source" / assignment) from None
        for notebook in sorted(notebooks, key=lambda item: item.name):
            cells = []
            for cell in sorted(notebook.grade_cells, key=lambda item: item.name):
                try:
                    source = gradebook.find_source_cell(cell.name, notebook.name, assignment).source
                except MissingEntry:
                    source = ""
                function = checked_function(source)
                if function is not None and function not in known:
                    raise UserError(f"grade cell {cell.name!r} of {notebook.name}.ipynb calls check({function!r}), "
                                    f"which is not a graded function", course.root / "source" / assignment)
                cells.append(GradedCell(cell.name, float(cell.max_score), function))
            layouts.append(NotebookLayout(notebook.name, tuple(cells),
                                          frozenset(cell.name for cell in notebook.solution_cells)))
    return layouts


def grade_notebook(path: Path | None, layout: NotebookLayout, student: str) -> GradingResult | None:
    """The engine's result for one submitted notebook (None when it was not submitted)."""
    from ..grading import failed_result, grade_submission

    if path is None or not layout.parts:
        return None
    try:
        return grade_submission(path, layout.parts, student=student)
    except UserError as error:   # unreadable (over a budget, not JSON ...): 0, and why, in the feedback
        return failed_result(path, error, layout.parts, student)


def comment_markdown(text: str) -> str:
    """Feedback text as a Markdown code block (nbgrader renders comments as Markdown): shown as written."""
    longest = run = 0
    for character in text:
        run = run + 1 if character == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _score(grade) -> float:
    """A grade's score as nbgrader counts it: the manual score if any, else the automatic one, plus extra credit."""
    base = grade.manual_score if grade.manual_score is not None else grade.auto_score
    return float(base or 0.0) + float(grade.extra_credit or 0.0)


def _write(gradebook, layout: NotebookLayout, assignment: str, student: str,
           result: GradingResult | None, scores: StudentScores) -> NotebookScore:
    """Scores and comments of one notebook into the (open) gradebook."""
    from nbgrader.api import MissingEntry

    total = maximum = 0.0
    first = True
    for cell in layout.cells:
        maximum += cell.max_score
        grade = gradebook.find_grade(cell.name, layout.name, assignment, student)
        if cell.function is None:
            scores.notes.append(f"{layout.name}.ipynb: grade cell {cell.name!r} calls no check(): its score stays "
                                f"what nbgrader's kernel gave it ({grade.auto_score})")
            total += _score(grade)
            continue
        if result is None:
            text, full_marks = f"{layout.name}.ipynb was not submitted.\n", False
        else:
            text, full_marks = feedback(result, cell.function, show_notes=first)
            first = False
        grade.auto_score = cell.max_score if full_marks else 0.0
        grade.needs_manual_grade = grade.manual_score is not None   # as nbgrader's SaveAutoGrades decides
        total += _score(grade)
        answer = answer_cell_id(cell.function)
        if answer in layout.answer_cells:
            try:
                gradebook.find_comment(answer, layout.name, assignment, student).auto_comment = comment_markdown(text)
            except MissingEntry:
                pass
    gradebook.db.commit()
    return NotebookScore(layout.name, total, maximum, result is not None)


def autograde_student(course: NbgraderCourse, assignment: str, student: str,
                      layouts: list[NotebookLayout]) -> StudentScores:
    """Grade one student's submitted notebooks and write the gradebook rows nbgrader autograde writes."""
    from nbgrader.api import Gradebook, MissingEntry

    scores = StudentScores(student)
    results = {layout.name: grade_notebook(course.notebook(student, assignment, layout.name), layout, student)
               for layout in layouts}
    if not course.autograded_folder(student, assignment).is_dir():
        scores.notes.append(f"no {course.autograded_folder(student, assignment)}: run `nbgrader autograde` first "
                            "so that `nbgrader generate_feedback` has the notebooks to show these grades in")
    with Gradebook(course.db_url, course.course_id) as gradebook:
        gradebook.update_or_create_student(student)
        try:
            gradebook.find_submission(assignment, student)
        except MissingEntry:
            timestamp = course.timestamp(student, assignment)
            gradebook.add_submission(assignment, student, **({"timestamp": timestamp} if timestamp else {}))
        for layout in layouts:
            scores.notebooks.append(_write(gradebook, layout, assignment, student, results[layout.name], scores))
    return scores

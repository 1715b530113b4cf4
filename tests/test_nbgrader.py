"""Real nbgrader, end to end, in a temporary course: the secure workflow of the README.

One course is set up for the whole module (it takes about a minute): the
generated notebooks are its source, `nbgrader generate_assignment` releases
them, five students hand in (the reference filled into the release, the
untouched release, a partly right copy, and two who want points without the
work: one monkeypatches `check` in an answer cell and prints the reference it
hopes to find, one ships its own `autograder/notebooks/kernel.py` next to the
notebook), `nbgrader autograde` runs the notebooks in the sandboxed kernel
(`autograder nbgrader install-kernel`), `autograder nbgrader autograde` writes
the engine's scores and feedback into the gradebook, and `nbgrader
generate_feedback` writes the HTML feedback.  The scores are read from
nbgrader's own gradebook.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import course_root, load_parts
from autograder.grading import grade_submission

nbformat = pytest.importorskip("nbformat", reason="needs the nbgrader extra: pip install -e '.[nbgrader]'")
Gradebook = pytest.importorskip("nbgrader.api", reason="needs the nbgrader extra: pip install -e '.[nbgrader]'").Gradebook

ASSIGNMENT = "week5"
BIN = Path(sys.executable).parent
BROKEN = {   # answer cell id → a wrong body (of the reference's signature and docstring)
    # relu zeroes the negative entries of its input in place: the visible example passes, a hidden test does not
    "activations-relu": "    s = np.asarray(s, dtype=np.float64)\n    s[s < 0] = 0.0\n    return s\n",
    # the Kaplan loss with the ratio upside down
    "laws-kaplan-loss": "    return (N / N_c) ** alpha_N\n",
}
STUDENTS = {"ada": ("nn", "scaling", "word2vec"), "ben": ("nn", "scaling"), "cyd": ("nn", "scaling"),
            "eve": ("nn",), "fay": ("nn",)}
REFERENCE_TEXT = "np.maximum(np.asarray(s"   # a line of the reference's relu, never to be shown to a student
# eve: relu wrong in a way the visible example cannot see, and the hidden check switched off from her answer cell
MONKEYPATCH = ("try:\n    import autograder.notebooks.kernel\n"
               "    autograder.notebooks.kernel.check = lambda function: None\n"
               "except ImportError:\n    pass\n")
SHADOW = {   # fay: her own package next to the notebook (the kernel's working folder comes first on sys.path)
    "autograder/__init__.py": "",
    "autograder/notebooks/__init__.py": "",
    "autograder/notebooks/kernel.py": "def check(function):\n    print(function, 'passes every hidden test')\n",
}


def reading_the_reference() -> str:
    """A cell that prints the reference's relu, if the kernel can see the course."""
    path = course_root() / "reference" / "nn" / "activations.py"
    return ("import pathlib\n"
            f"for path in [{str(path)!r}]:\n"
            "    try:\n        print(pathlib.Path(path).read_text())\n"
            "    except OSError as error:\n        print('cannot read', type(error).__name__)\n"
            "try:\n    from autograder.course import course_root\n"
            "    print((course_root() / 'reference' / 'nn' / 'activations.py').read_text())\n"
            "except Exception as error:\n    print('no course here:', type(error).__name__)\n")


def with_body(source: str, body: str) -> str:
    """An answer cell's source with everything after the docstring replaced by body."""
    docstring_end = source.index('"""', source.index('"""') + 3) + 3
    return source[:docstring_end] + "\n" + body


def filled(release: Path, source: Path, broken: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with its answer cells filled in from the source notebook (some broken)."""
    notebook = nbformat.read(release, as_version=4)
    answers = {cell.id: cell.source for cell in nbformat.read(source, as_version=4).cells}
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[cell.id] if cell.id not in broken else with_body(answers[cell.id], broken[cell.id])
    return notebook


def nbgrader(command: str, course: Path, environment: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "nbgrader"), command, ASSIGNMENT, f"--CourseDirectory.root={course}"],
                          cwd=course, env=environment, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {command} failed:\n{done.stdout}\n{done.stderr}"
    return done


def autograder(*arguments: str, environment: dict, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "autograder"), *arguments], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"autograder {arguments[:2]} failed:\n{done.stdout}\n{done.stderr}"
    return done


def hand_in(course: Path, student: str, parts: tuple[str, ...]) -> None:
    """submitted/<student>/week5/: each student's notebooks (and fay's own package)."""
    release, source = course / "release" / ASSIGNMENT, course / "source" / ASSIGNMENT
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    for part in parts:
        if student == "ben":
            shutil.copy(release / f"{part}.ipynb", folder)
            continue
        broken = {} if student == "ada" else BROKEN
        notebook = filled(release / f"{part}.ipynb", source / f"{part}.ipynb", broken)
        if student == "eve":
            relu = next(cell for cell in notebook.cells if cell.get("id") == "activations-relu")
            relu.source = MONKEYPATCH + relu.source
            notebook.cells.append(nbformat.v4.new_code_cell(reading_the_reference()))
        nbformat.write(notebook, folder / f"{part}.ipynb")
    if student == "fay":
        for name, text in SHADOW.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course with the three notebooks released, handed in by three students, autograded and fed back."""
    base = tmp_path_factory.mktemp("nbgrader")
    course = base / "course"
    jupyter = base / "jupyter"
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                   "JUPYTER_PATH": str(jupyter / "share" / "jupyter"), "JUPYTER_CONFIG_DIR": str(base / "config"),
                   "JUPYTER_DATA_DIR": str(base / "data"), "JUPYTER_PLATFORM_DIRS": "1"}
    # the kernel nbgrader's autograde runs the notebooks in: ipykernel in bubblewrap, without the course
    autograder("nbgrader", "install-kernel", "--prefix", str(jupyter), environment=environment, cwd=base)
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = 'week5'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{base / 'gradebook.db'}'\n"
        "c.ExecutePreprocessor.timeout = 300\n"
        "c.ExecutePreprocessor.kernel_name = 'autograder-sandbox'\n")
    for part in ("nn", "scaling", "word2vec"):
        shutil.copy(course_root() / "notebooks" / f"{part}.ipynb", course / "source" / ASSIGNMENT)
    nbgrader("generate_assignment", course, environment)
    for student, parts in STUDENTS.items():
        hand_in(course, student, parts)
    nbgrader("autograde", course, environment)
    autograder("nbgrader", "autograde", str(course), ASSIGNMENT, environment=environment, cwd=base)
    nbgrader("generate_feedback", course, environment)
    return course


def cell_scores(course: Path, student: str, part: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course.parent / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(part, ASSIGNMENT, student)
        return {grade.name: grade.score for grade in notebook.grades}


def points(part: str, fully_correct=lambda function: True) -> dict[str, float]:
    """test cell id → the points nbgrader should give it."""
    return {f"test-{spec.module}-{spec.name}".replace("_", "-").lower(): spec.points if fully_correct(spec) else 0.0
            for spec in load_parts([part])[0].functions}


def engine_full_marks(notebook: Path, part: str):
    """Which functions our engine gives all their points, grading the same notebook as `autograder grade` does."""
    result = grade_submission(notebook, [part])
    scores = {}
    for test in result.part(part).tests:
        scores[test.function] = scores.get(test.function, 0.0) + test.score
    return lambda spec: scores.get(spec.qualified_name, 0.0) >= spec.points - 1e-9


def test_released_notebooks_hold_no_solution_and_no_hidden_test(course):
    released = course / "release" / ASSIGNMENT / "nn.ipynb"
    text = released.read_text()
    assert "raise NotImplementedError()" in text
    for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "autograder.notebooks.kernel", "np.maximum(np.asarray(s"):
        assert secret not in text


@pytest.mark.parametrize("part", ["nn", "scaling", "word2vec"])
def test_the_reference_filled_into_the_release_gets_full_marks(course, part):
    assert cell_scores(course, "ada", part) == points(part)


@pytest.mark.parametrize("part", ["nn", "scaling"])
def test_the_untouched_release_gets_zero(course, part):
    assert cell_scores(course, "ben", part) == points(part, lambda spec: False)


@pytest.mark.parametrize("part", ["nn", "scaling"])
def test_a_partly_right_notebook_gets_the_points_of_its_fully_correct_functions(course, part):
    scores = cell_scores(course, "cyd", part)
    expected = points(part, engine_full_marks(course / "submitted" / "cyd" / ASSIGNMENT / f"{part}.ipynb", part))
    assert scores == expected
    assert 0 < sum(scores.values()) < sum(points(part).values())


def test_the_html_feedback_carries_our_feedback_messages(course):
    page = html.unescape(re.sub(r"<[^>]+>", "", (course / "feedback" / "cyd" / ASSIGNMENT / "nn.html").read_text()))
    result = grade_submission(course / "submitted" / "cyd" / ASSIGNMENT / "nn.ipynb", ["nn"])
    relu_failures = [test for test in result.part("nn").tests if test.function == "activations.relu" and not test.passed]
    assert relu_failures
    assert "FAIL activations.relu" in page
    for test in relu_failures:
        assert test.feedback.message.split(". ")[0] in " ".join(page.split())


@pytest.mark.parametrize("student", ["eve", "fay"])
def test_a_notebook_that_switches_off_check_gets_nothing_for_that_function(course, student):
    scores = cell_scores(course, student, "nn")
    assert scores["test-activations-relu"] == 0.0
    notebook = course / "submitted" / student / ASSIGNMENT / "nn.ipynb"
    assert scores == points("nn", engine_full_marks(notebook, "nn"))
    assert sum(scores.values()) > 0   # the functions written honestly keep their points


def test_the_kernel_of_nbgrader_autograde_has_no_view_of_the_course(course):
    autograded = (course / "autograded" / "eve" / ASSIGNMENT / "nn.ipynb").read_text()
    feedback = html.unescape((course / "feedback" / "eve" / ASSIGNMENT / "nn.html").read_text())
    for page in (autograded, feedback):
        assert "cannot read FileNotFoundError" in page and "no course here: ModuleNotFoundError" in page
        assert REFERENCE_TEXT not in page


def test_the_hidden_part_of_a_test_cell_says_where_it_is_graded(course):
    notebook = nbformat.read(course / "autograded" / "ada" / ASSIGNMENT / "scaling.ipynb", as_version=4)
    outputs = [output.get("text", "") for cell in notebook.cells if cell.get("id") == "test-laws-kaplan-loss"
               for output in cell.outputs]
    assert any("hidden tests of laws.kaplan_loss run in the instructor's grader" in text for text in outputs)


def test_the_hidden_checks_ran_the_students_code_in_the_sandbox(course):
    from autograder.grading.boundary import DESCRIPTIONS, bubblewrap_works

    if not bubblewrap_works() and os.environ.get("AUTOGRADER_REQUIRE_SANDBOX") != "1":
        pytest.skip("bubblewrap cannot create namespaces on this machine")
    page = html.unescape((course / "feedback" / "ada" / ASSIGNMENT / "nn.html").read_text())
    assert f"Student code ran in: {DESCRIPTIONS['bubblewrap']}" in page


def test_the_untouched_release_is_told_what_is_not_implemented(course):
    page = html.unescape((course / "feedback" / "ben" / ASSIGNMENT / "scaling.html").read_text())
    assert "is not implemented yet (it still raises NotImplementedError)" in page


def test_an_assignment_the_gradebook_does_not_know_is_one_line(course):
    done = subprocess.run([str(BIN / "autograder"), "nbgrader", "autograde", str(course), "week6"], cwd=course.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"autograder: {course / 'source' / 'week6'}: no assignment 'week6' in the gradebook "
                                   f"sqlite:///{course.parent / 'gradebook.db'}: run `nbgrader generate_assignment` first")


def test_a_graders_manual_score_wins_over_ours_and_a_rerun_keeps_it(course):
    def linear_grade(gradebook):
        return gradebook.find_grade("test-activations-linear", "nn", ASSIGNMENT, "ben")

    database = f"sqlite:///{course.parent / 'gradebook.db'}"
    with Gradebook(database) as gradebook:
        linear_grade(gradebook).manual_score = 0.5
        gradebook.db.commit()
    try:
        autograder("nbgrader", "autograde", str(course), ASSIGNMENT, "--student", "ben",
                   environment=dict(os.environ), cwd=course.parent)
        with Gradebook(database) as gradebook:
            grade = linear_grade(gradebook)
            assert (grade.auto_score, grade.manual_score, grade.score, grade.needs_manual_grade) == (0.0, 0.5, 0.5, True)
    finally:
        with Gradebook(database) as gradebook:
            grade = linear_grade(gradebook)
            grade.manual_score, grade.needs_manual_grade = None, False
            gradebook.db.commit()

"""The student release: complete enough to self-check, clean of the reference and the hidden tests."""
import ast
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from autograder.cli import main
from autograder.course import course_root
from autograder.packaging import build_release
from autograder.quiz import AnswersFile, build_variant, grade_answers, load_quiz
from autograder.quiz._markup import to_terminal
from autograder.quiz._page import render_page

# what gives an answer away, so a student edition must not have it (README "Quizzes")
ANSWER_KEY_FIELDS = ("answer", "explanation", "feedback", "tolerance", "accept", "pattern", "case_sensitive")
QUIZ_STUDENTS = ["s1234567", "alice", "Bob Smith", "zoë"]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("release") / "week5")


def reference_body_lines() -> set[str]:
    """Distinctive lines of every function body in the reference (not docstrings or signatures)."""
    lines = set()
    for path in (course_root() / "reference").rglob("*.py"):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                for statement in body:
                    for line in ast.get_source_segment(source, statement).splitlines():
                        if len(line.strip()) >= 25:
                            lines.add(line.strip())
    return lines


def release_text(release: Path):
    for path in release.rglob("*"):
        if path.is_file():
            yield path, path.read_text(errors="replace")


def run_in_release(release: Path, *arguments, cwd=None):
    """The release's own package, as a student would run it (no AUTOGRADER_COURSE, no reference)."""
    environment = {key: value for key, value in os.environ.items() if key != "AUTOGRADER_COURSE"}
    environment["PYTHONPATH"] = str(release)
    return subprocess.run([sys.executable, "-m", "autograder", *arguments], capture_output=True, text=True,
                          cwd=cwd or release, env=environment, timeout=120)


def test_release_holds_no_reference_code_and_no_hidden_tests(release):
    secret_lines = reference_body_lines()
    assert len(secret_lines) > 50
    for path, text in release_text(release):
        leaked = [line for line in secret_lines if line in text]
        assert not leaked, f"{path} contains reference code: {leaked[:3]}"
        assert "@pytest.mark.grades" not in text and "grades = pytest.mark.grades" not in text, path
    assert not (release / "reference").exists()
    assert not (release / "autograder" / "suites").exists()


def test_release_has_stubs_readmes_and_expected_values(release):
    for part in ("nn", "word2vec", "scaling"):
        folder = release / "assignments" / part
        assert (folder / "README.md").is_file() and (folder / "assignment.yaml").is_file()
        assert (folder / ".expected.json").is_file()
    assert "raise NotImplementedError" in (release / "assignments" / "nn" / "activations.py").read_text()
    assert "def train_cbow(" in (release / "assignments" / "word2vec" / "train.py").read_text()
    for part in ("nn", "word2vec", "scaling"):
        notebook = (release / "notebooks" / f"{part}.ipynb").read_text()
        assert "raise NotImplementedError()" in notebook
        for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "autograder.notebooks.kernel"):
            assert secret not in notebook


def test_check_runs_in_the_release_without_the_reference(release, reference_submission):
    stubs = run_in_release(release, "check", "assignments")
    assert stubs.returncode == 0, stubs.stderr
    assert "Visible examples: 0 of" in stubs.stdout
    solved = run_in_release(release, "check", str(reference_submission))
    assert solved.returncode == 0, solved.stderr
    assert "Visible examples: 27 of 27 passed" in solved.stdout


def test_grade_in_the_release_explains_there_are_no_hidden_tests(release, reference_submission):
    graded = run_in_release(release, "grade", str(reference_submission))
    assert graded.returncode == 2
    assert "no hidden tests" in graded.stderr and "Traceback" not in graded.stderr


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "something").write_text("x")
    run = CliRunner().invoke(main, ["release", "-o", str(tmp_path)])
    assert run.exit_code == 2 and "must be new or empty" in run.output


def _workflow_check_step(tmp_path: Path, *options: str) -> str:
    """The `run` text of the workflow step that runs the self-check."""
    workflow = tmp_path / "autograde.yml"
    assert CliRunner().invoke(main, ["ci-template", "-o", str(workflow), *options]).exit_code == 0
    steps = yaml.safe_load(workflow.read_text())["jobs"]["check"]["steps"]
    runs = [step["run"] for step in steps if "autograder check" in step.get("run", "")]
    assert len(runs) == 1
    return runs[0]


def _check_arguments(run: str) -> list[str]:
    command = next(line for line in run.splitlines() if line.strip().startswith("autograder check"))
    return command.split("|")[0].split()[1:]


def _student_repo(release: Path, reference_submission: Path, tmp_path: Path, parts: tuple[str, ...]) -> Path:
    """A student's copy of the release with the reference's code in the given parts."""
    student_repo = tmp_path / "student"
    shutil.copytree(release, student_repo)
    for part in parts:
        shutil.rmtree(student_repo / "assignments" / part)
        shutil.copytree(reference_submission / part, student_repo / "assignments" / part)
        for name in ("assignment.yaml", ".expected.json", "README.md"):
            shutil.copy(release / "assignments" / part / name, student_repo / "assignments" / part / name)
    return student_repo


def test_ci_workflow_runs_the_self_check_once_and_fails_with_it(tmp_path):
    run = _workflow_check_step(tmp_path)
    assert run.count("autograder check") == 1
    assert "set -o pipefail" in run and "| tee check.txt" in run   # the check's exit status is the step's


def test_ci_template_gates_on_a_given_threshold(release, reference_submission, tmp_path):
    arguments = _check_arguments(_workflow_check_step(tmp_path, "--threshold", "8"))
    assert arguments == ["check", "assignments", "--fail-under", "8"]
    assert run_in_release(release, *arguments).returncode == 1        # the stubs score 0 < 8
    student_repo = _student_repo(release, reference_submission, tmp_path, ("nn",))
    assert run_in_release(student_repo, *arguments).returncode == 0   # nn's examples are worth 9 >= 8


def test_ci_template_by_default_fails_until_every_visible_example_passes(release, reference_submission, tmp_path):
    arguments = _check_arguments(_workflow_check_step(tmp_path))
    assert arguments == ["check", "assignments", "--fail-under", "20.5"]   # every example's points
    partly_done = _student_repo(release, reference_submission, tmp_path / "partly", ("nn", "word2vec"))
    assert run_in_release(partly_done, *arguments).returncode == 1
    done = _student_repo(release, reference_submission, tmp_path / "done", ("nn", "word2vec", "scaling"))
    assert run_in_release(done, *arguments).returncode == 0


def course_quizzes() -> list[Path]:
    quizzes = sorted((course_root() / "quizzes").glob("*.yaml"))
    assert quizzes
    return quizzes


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _fragments(text: str) -> list[str]:
    """A graded text's sentences and clauses, without Markdown marks, long enough not to occur by chance."""
    pieces = re.split(r"(?<=[.!?:;])\s+|[*`]+", text)
    return [_collapsed(piece) for piece in pieces if len(_collapsed(piece)) >= 20]


def _right_values(kind: str, expected: str) -> list[str]:
    """The right answers in a grading result's `expected` text of a numeric or text question."""
    if kind == "numeric":
        number = expected.split(" (")[0]
        return [number] if len(number) >= 4 and not float(number).is_integer() else []
    values = []
    for accepted in expected.split(" or "):
        value = accepted.removeprefix("any text matching the pattern ").strip('"')
        values += [value] if len(value) >= 4 else []
    return values


def graded_secrets(quiz, students) -> set[str]:
    """Every right answer, explanation and feedback text the quiz's own grading shows these students."""
    secrets = set()
    for student in students:
        variant = build_variant(quiz, student)
        for attempt in range(max(len(prepared.order) for prepared in variant.questions)):
            answers = {}                        # every choice picked once (its feedback), the rest left out (expected)
            for prepared in variant.questions:
                if prepared.question.type == "single":
                    answers[prepared.id] = prepared.order[attempt % len(prepared.order)]
                elif prepared.question.type == "multiple":
                    answers[prepared.id] = list(prepared.order)
                elif prepared.question.type == "true_false":
                    answers[prepared.id] = bool(attempt % 2)
            result = grade_answers(quiz, AnswersFile(path=Path(f"{student}.yaml"), student=student, answers=answers))
            for test in result.tests():
                secrets.update(_fragments(test.question.explanation) + _fragments(test.question.feedback))
                kind = quiz.questions[test.function].type
                if test.feedback is not None and kind in ("numeric", "text"):
                    secrets.update(_right_values(kind, test.feedback.expected))
    return secrets


def _visible(page: str) -> str:
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return _collapsed(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _strings(data) -> list[str]:
    if isinstance(data, dict):
        return [text for value in data.values() for text in _strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in _strings(value)]
    return [data] if isinstance(data, str) else []


def _file_text(path: Path) -> str:
    """A quiz file as grading shows its texts (maths as Unicode), and as written."""
    text = path.read_text(encoding="utf-8")
    return _collapsed(" ".join(to_terminal(string) for string in _strings(yaml.safe_load(text))) + " " + text)


def test_the_release_ships_every_quiz_as_a_student_edition_without_answer_keys(release):
    for full in course_quizzes():
        shipped = release / "quizzes" / full.name
        data = yaml.safe_load(shipped.read_text())
        assert data["edition"] == "student"
        entries = [member for entry in data["questions"] for member in entry.get("questions", [entry])]
        assert len(entries) == len(load_quiz(full).listed)
        assert [key for question in entries for key in question if key in ANSWER_KEY_FIELDS] == []


@pytest.mark.parametrize("full", course_quizzes(), ids=lambda path: path.name)
def test_no_right_answer_explanation_or_feedback_reaches_the_release(release, tmp_path, full):
    quiz = load_quiz(full)
    secrets = graded_secrets(quiz, QUIZ_STUDENTS)
    assert len(secrets) > 100
    shipped = release / "quizzes" / full.name
    full_text, shipped_text = _file_text(full), _file_text(shipped)
    assert len([secret for secret in secrets if secret in full_text]) > 100      # the check would see them
    assert [secret for secret in secrets if secret in shipped_text] == []
    for student in QUIZ_STUDENTS:
        shown = run_in_release(release, "quiz", "show", f"quizzes/{full.name}", "--student", student)
        page = run_in_release(release, "quiz", "html", f"quizzes/{full.name}", "--student", student,
                              "-o", str(tmp_path / "page.html"))
        assert shown.returncode == page.returncode == 0, shown.stderr + page.stderr
        page_text = _visible((tmp_path / "page.html").read_text(encoding="utf-8"))
        for name, text in (("show", _collapsed(shown.stdout)), ("page", page_text)):
            leaked = [secret for secret in secrets if secret in text]
            assert not leaked, f"{name} for {student} shows {leaked[:3]}"


@pytest.mark.parametrize("full", course_quizzes(), ids=lambda path: path.name)
def test_quiz_show_and_html_in_the_release_match_the_full_quiz(release, tmp_path, full):
    checked = run_in_release(release, "quiz", "validate", f"quizzes/{full.name}")
    assert checked.returncode == 0 and "(student edition: no answer keys)" in checked.stdout, checked.stderr
    quiz = load_quiz(full)
    for student in QUIZ_STUDENTS:
        shown = run_in_release(release, "quiz", "show", f"quizzes/{full.name}", "--student", student)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == CliRunner().invoke(main, ["quiz", "show", str(full), "--student", student]).output
        page = tmp_path / f"{student}.html"
        made = run_in_release(release, "quiz", "html", f"quizzes/{full.name}", "--student", student, "-o", str(page))
        assert made.returncode == 0, made.stderr
        assert page.read_text(encoding="utf-8") == render_page(build_variant(quiz, student))


def test_grading_the_release_quiz_is_refused_in_one_line(release, tmp_path):
    answers = tmp_path / "alice.yaml"
    answers.write_text("answers: {}\n")
    graded = run_in_release(release, "quiz", "grade", "quizzes/week5.yaml", str(answers))
    assert graded.returncode == 2 and "Traceback" not in graded.stderr
    assert graded.stderr == ("autograder: quizzes/week5.yaml: this is a student edition without answer keys; "
                             "grading needs the full quiz\n")


def test_the_release_never_holds_the_course_secret(course_with_secret, tmp_path):
    _, secret = course_with_secret
    release = build_release(tmp_path / "release")
    files = [path for path in release.rglob("*") if path.is_file()]
    assert files and not [path for path in files if path.name == "course-secret"]
    assert not [path for path in files if secret.encode() in path.read_bytes()]

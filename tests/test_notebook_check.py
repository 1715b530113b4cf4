"""`autograder.notebooks.kernel.check`: the hidden part of the notebooks' test cells."""
from __future__ import annotations

import pytest

from autograder.course import course_root
from autograder.grading import grade_submission
from autograder.notebooks import kernel as notebook
from autograder.render.text import render_text

nbformat = pytest.importorskip("nbformat", reason="needs the nbgrader extra: pip install -e '.[nbgrader]'")

SCALING = course_root() / "notebooks" / "scaling.ipynb"


def cell_sources(path=SCALING, replace: dict[str, str] | None = None) -> list[str]:
    """The code cells of a notebook as a kernel would have run them, some answer cells replaced."""
    replace = replace or {}
    cells = nbformat.read(path, as_version=4).cells
    return [replace.get(cell.id, cell.source) for cell in cells if cell.cell_type == "code"]


WRONG_KAPLAN = "import numpy as np\ndef kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):\n    return (N / N_c) ** alpha_N\n"


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(notebook, "_results", {})


def test_check_prints_the_functions_lines_of_the_grade_report(tmp_path):
    result, _ = notebook.grade_sources("scaling", cell_sources(replace={"laws-kaplan-loss": WRONG_KAPLAN}))
    text, full_marks = notebook.feedback(result, "laws.kaplan_loss", show_notes=False)
    report = render_text(result)
    assert not full_marks
    assert "FAIL laws.kaplan_loss" in text
    for line in text.splitlines():
        assert line in report.splitlines()


def test_the_feedback_in_the_kernel_matches_grading_the_same_code_as_a_file(tmp_path):
    sources = cell_sources(replace={"laws-kaplan-loss": WRONG_KAPLAN})
    in_kernel, _ = notebook.grade_sources("scaling", sources)
    (tmp_path / "laws.py").write_text("\n\n".join(source for source in sources if "autograder test" not in source))
    # a notebook and a .py file are different graded files, so their own seeds differ: grade the file on the kernel's
    as_file = grade_submission(tmp_path / "laws.py", ["scaling"], seed=in_kernel.part("scaling").seed)
    assert [(t.id, t.score, t.feedback) for t in in_kernel.tests()] == [(t.id, t.score, t.feedback) for t in as_file.tests()]


def test_a_fully_correct_function_passes_and_a_wrong_one_does_not():
    result, _ = notebook.grade_sources("scaling", cell_sources(replace={"laws-kaplan-loss": WRONG_KAPLAN}))
    assert notebook.feedback(result, "laws.chinchilla_optimal")[1] is True
    assert notebook.feedback(result, "laws.kaplan_loss")[1] is False


def test_a_part_is_graded_once_for_the_same_code_whatever_test_cells_ran_between():
    sources = cell_sources()
    first, graded_now = notebook.grade_sources("scaling", sources)
    again, graded_again = notebook.grade_sources("scaling", sources + ["# autograder test: laws.kaplan_loss\nx = 1"])
    assert graded_now and not graded_again and again is first


def test_changed_code_is_graded_again():
    notebook.grade_sources("scaling", cell_sources())
    _, graded_now = notebook.grade_sources("scaling", cell_sources(replace={"laws-kaplan-loss": WRONG_KAPLAN}))
    assert graded_now


def test_check_raises_an_assertion_error_and_prints_only_to_stdout(monkeypatch, capfd):
    overflowing = ("import numpy as np\ndef kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):\n"
                   "    np.exp(np.array(1e4))  # an overflow warning in the student's code\n"
                   "    return (N / N_c) ** alpha_N\n")
    monkeypatch.setattr(notebook, "_sources_run_so_far", lambda: cell_sources(replace={"laws-kaplan-loss": overflowing}))
    with pytest.raises(AssertionError, match=r"laws\.kaplan_loss did not get all its 4 points"):
        notebook.check("laws.kaplan_loss")
    printed = capfd.readouterr()
    assert "FAIL laws.kaplan_loss" in printed.out
    assert printed.err == ""


def test_check_of_a_correct_function_prints_ok_and_returns(monkeypatch, capfd):
    monkeypatch.setattr(notebook, "_sources_run_so_far", cell_sources)
    notebook.check("laws.tokens_per_param")
    printed = capfd.readouterr()
    assert "  ok   laws.tokens_per_param                     2 / 2" in printed.out.splitlines()
    assert printed.err == ""


def test_check_outside_a_notebook_says_where_it_runs():
    with pytest.raises(RuntimeError, match="in a notebook cell"):
        notebook.check("laws.kaplan_loss")


def test_check_of_an_unknown_function_names_the_known_ones():
    with pytest.raises(ValueError, match=r"laws\.kaplan_loss"):
        notebook.check("laws.kaplan")


def test_a_function_whose_hidden_tests_are_missing_does_not_get_the_cell_points(monkeypatch):
    result, _ = notebook.grade_sources("scaling", cell_sources())
    kaplan = [test for test in result.tests() if test.function == "laws.kaplan_loss"]
    result.parts[0].tests = [test for test in result.parts[0].tests
                             if test.function != "laws.kaplan_loss" or test.kind == "example"]
    text, full_marks = notebook.feedback(result, "laws.kaplan_loss")
    assert len(kaplan) > 1 and not full_marks
    assert "Only 1 of the 4 points of laws.kaplan_loss are covered by tests" in text

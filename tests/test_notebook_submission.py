"""Notebook (.ipynb) submissions to `autograder grade` and `autograder batch`."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.batch import BatchSettings, grade_class
from autograder.cli import main
from autograder.course import course_root
from autograder.grading import MalformedSubmission, grade_submission

EXAMPLES = course_root() / "examples" / "submissions"
_SIBLING_IMPORT = re.compile(r"^from (activations|pairs|sampler|losses) import .*$", re.MULTILINE)


def write_notebook(path: Path, sources: list[str], metadata: list[dict] | None = None) -> Path:
    """A minimal nbformat-4 notebook with one code cell per source."""
    metadata = metadata or [{} for _ in sources]
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# My work"}]
    cells += [{"cell_type": "code", "metadata": meta, "source": source, "outputs": [], "execution_count": None}
              for source, meta in zip(sources, metadata)]
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    return path


def notebook_of_modules(folder: Path, path: Path, drop_sibling_imports: bool = True) -> Path:
    """The .py modules of a submission folder as one notebook, one cell per module (in manifest order)."""
    order = ["activations", "network", "pairs", "sampler", "losses", "train", "laws"]
    modules = sorted(folder.glob("*.py"), key=lambda module: order.index(module.stem))
    sources = [module.read_text() for module in modules]
    if drop_sibling_imports:
        sources = [_SIBLING_IMPORT.sub("", source) for source in sources]
    return write_notebook(path, sources)


def scores_by_test(result) -> dict[str, float]:
    return {test.id: test.score for part in result.parts if part.submitted for test in part.tests}


@pytest.mark.parametrize("example", ["full_marks", "partly_right"])
@pytest.mark.parametrize("part", ["nn", "scaling"])
def test_a_notebook_of_the_same_code_gets_the_same_score_on_every_test_as_the_py_files(tmp_path, example, part):
    as_files = grade_submission(EXAMPLES / example, [part])
    as_notebook = grade_submission(notebook_of_modules(EXAMPLES / example / part, tmp_path / f"{part}.ipynb"), [part])
    assert scores_by_test(as_notebook) == scores_by_test(as_files)
    assert as_notebook.score == as_files.score


def test_sibling_imports_left_in_a_notebook_still_resolve(tmp_path):
    notebook = notebook_of_modules(EXAMPLES / "full_marks" / "nn", tmp_path / "work.ipynb", drop_sibling_imports=False)
    assert "from activations import" in notebook.read_text()
    result = grade_submission(notebook, ["nn"])
    assert result.score == result.max_score == 43


def test_magics_and_shell_escapes_are_stripped_and_named_in_a_note(tmp_path):
    notebook = write_notebook(tmp_path / "scaling.ipynb", [
        "%matplotlib inline\n!pip install numpy\nimport numpy as np",
        (EXAMPLES / "full_marks" / "scaling" / "laws.py").read_text() + "\n%timeit kaplan_loss(1e9)\nkaplan_loss?\n",
        "%%time\nraise SystemExit('a cell magic cell is not graded')",
    ])
    result = grade_submission(notebook, ["scaling"])
    assert result.score == 12
    note = next(message for message in result.messages if "magics" in message)
    for line in ("%matplotlib inline", "!pip install numpy", "%timeit kaplan_loss(1e9)", "kaplan_loss?", "%%time"):
        assert line in note


def test_an_expression_with_percent_is_not_taken_for_a_magic(tmp_path):
    source = (EXAMPLES / "full_marks" / "scaling" / "laws.py").read_text() + "\nleft = 7 % 3\n"
    result = grade_submission(write_notebook(tmp_path / "scaling.ipynb", [source]), ["scaling"])
    assert not any("magics" in message for message in result.messages)
    assert result.score == 12


def test_the_part_is_found_from_the_functions_the_notebook_defines(tmp_path):
    notebook = notebook_of_modules(EXAMPLES / "full_marks" / "scaling", tmp_path / "alice-final.ipynb")
    result = grade_submission(notebook)
    assert result.part("scaling").score == 12
    assert not result.part("nn").submitted and not result.part("word2vec").submitted


def test_a_failing_visible_test_cell_does_not_stop_the_student_code_from_loading(tmp_path):
    laws = (EXAMPLES / "full_marks" / "scaling" / "laws.py").read_text()
    notebook = write_notebook(tmp_path / "scaling.ipynb", [laws, "assert False, 'a visible test failed'",
                                                           "# autograder test: laws.kaplan_loss\nassert False"],
                              [{}, {"nbgrader": {"grade": True, "solution": False, "points": 1}}, {}])
    assert grade_submission(notebook, ["scaling"]).score == 12


def test_a_cell_that_raises_does_not_stop_the_cells_after_it(tmp_path):
    laws = (EXAMPLES / "full_marks" / "scaling" / "laws.py").read_text()
    notebook = write_notebook(tmp_path / "scaling.ipynb", ["import numpy as np\nprint(undefined_name)", laws])
    result = grade_submission(notebook, ["scaling"])
    assert result.score == 12
    assert "cell 2] raised NameError" in result.student_output


def test_a_cell_with_a_syntax_error_is_left_out_with_a_note(tmp_path):
    laws = (EXAMPLES / "full_marks" / "scaling" / "laws.py").read_text()
    notebook = write_notebook(tmp_path / "scaling.ipynb", [laws, "def broken(:\n    pass"])
    result = grade_submission(notebook, ["scaling"])
    assert result.score == 12
    assert any("cell 3 is not valid Python" in message for message in result.messages)


def test_a_function_that_raises_shows_the_notebook_cell_it_failed_in(tmp_path):
    notebook = write_notebook(tmp_path / "scaling.ipynb", [
        "import numpy as np",
        "def kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):\n    return undefined_name\n",
    ])
    result = grade_submission(notebook, ["scaling"])
    failed = next(test for test in result.part("scaling").tests if test.function == "laws.kaplan_loss")
    assert "scaling.ipynb [cell 3], line 2, in kaplan_loss" in failed.feedback.where


@pytest.mark.parametrize("content, words", [
    (b'{"cells": [', "invalid JSON"),
    (b'[1, 2, 3]', "JSON without a list of cells"),
    (b'{"nbformat": 3, "worksheets": []}', "version 3"),
    (b"\xff\xfe not text", "not UTF-8"),
    (b"[" * 50_000 + b"]" * 50_000, "unreadable JSON"),
    (b"[" + b"{}," * 200_000 + b"{}]", "more than 200000 JSON values"),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}', "cell 1 has no source text"),
])
def test_a_file_that_is_not_a_notebook_is_a_malformed_submission_naming_the_file(tmp_path, content, words):
    path = tmp_path / "alice.ipynb"
    path.write_bytes(content)
    with pytest.raises(MalformedSubmission) as raised:
        grade_submission(path)
    assert str(raised.value).startswith(f"{path}: ") and words in str(raised.value)
    assert "\n" not in str(raised.value)


def test_grade_reports_a_broken_notebook_in_one_line_and_a_zero_result(tmp_path):
    path = tmp_path / "alice.ipynb"
    path.write_text("not json at all")
    result = CliRunner().invoke(main, ["grade", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"autograder: {path}: not a notebook" in result.output
    assert '"score": 0' in result.output


def test_batch_grades_notebooks_and_gives_a_broken_one_a_zero_row(tmp_path):
    class_folder = tmp_path / "class"
    class_folder.mkdir()
    notebook_of_modules(EXAMPLES / "full_marks" / "scaling", class_folder / "alice.ipynb")
    (class_folder / "bob.ipynb").write_text('{"cells": ')
    grade_class(class_folder, tmp_path / "out", BatchSettings(parts=["scaling"], jobs=1, progress=False))
    with open(tmp_path / "out" / "gradebook.csv", newline="") as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert rows["alice"]["total"] == "12" and rows["alice"]["status"] == "graded"
    assert rows["bob"]["total"] == "0" and rows["bob"]["status"] == "error"
    assert "not a notebook" in rows["bob"]["reason"]


def test_batch_reads_notebooks_in_nbgraders_submitted_tree(tmp_path):
    folder = tmp_path / "course" / "submitted" / "carol" / "week5"
    folder.mkdir(parents=True)
    notebook_of_modules(EXAMPLES / "full_marks" / "scaling", folder / "scaling.ipynb")
    notebook_of_modules(EXAMPLES / "partly_right" / "nn", folder / "nn.ipynb")
    grade_class(tmp_path / "course", tmp_path / "out", BatchSettings(parts=["nn", "scaling"], jobs=1, progress=False))
    with open(tmp_path / "out" / "gradebook.csv", newline="") as stream:
        row = next(csv.DictReader(stream))
    expected_nn = grade_submission(EXAMPLES / "partly_right", ["nn"]).part("nn").score
    assert row["student"] == "carol" and row["scaling"] == "12" and float(row["nn"]) == pytest.approx(expected_nn, abs=1e-4)


def test_py_modules_win_over_a_notebook_of_the_same_part_with_a_note(tmp_path):
    folder = tmp_path / "dave"
    (folder / "scaling").mkdir(parents=True)
    (folder / "scaling" / "laws.py").write_text((EXAMPLES / "full_marks" / "scaling" / "laws.py").read_text())
    write_notebook(folder / "scaling.ipynb", ["def kaplan_loss(N):\n    return 0.0"])
    result = grade_submission(folder, ["scaling"])
    assert result.score == 12
    assert any("scaling.ipynb was not graded" in message for message in result.messages)

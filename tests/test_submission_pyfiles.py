"""A .py file not named after a module (`hank.py`) is matched to its part by the functions it defines."""
import re

from autograder.course import course_root, load_parts
from autograder.grading import grade_submission
from autograder.grading._submission import locate
from autograder.grading._submission_pyfiles import defined_names


def reference_source(part: str, *modules: str) -> str:
    """The reference's modules of a part as one file, without the imports between them."""
    sources = [(course_root() / "reference" / part / f"{module}.py").read_text() for module in modules]
    return "\n\n".join(re.sub(r"^from \.\w+ import .*$", "", source, flags=re.MULTILINE) for source in sources)


def test_a_file_named_after_the_student_is_graded_as_the_part_whose_functions_it_defines(tmp_path):
    hank = tmp_path / "hank.py"
    hank.write_text(reference_source("scaling", "laws"))
    result = grade_submission(hank, ["scaling"])
    assert result.part("scaling").submitted
    assert result.score == result.max_score == 12
    assert any("hank.py was graded as laws.py" in message for message in result.messages)


def test_one_file_with_two_modules_functions_fills_both_modules(tmp_path):
    (tmp_path / "my_solution.py").write_text(reference_source("nn", "activations", "network"))
    submission = locate(tmp_path, load_parts(["nn"]))
    assert submission.has_module("nn", "activations") and submission.has_module("nn", "network")
    assert submission.modules[("nn", "network")].origin == "my_solution.py"
    assert submission.modules[("nn", "my_solution")].source.startswith(b'"""')   # the file itself, under its own name


def test_a_file_named_after_the_module_wins_over_a_loose_file(tmp_path):
    (tmp_path / "laws.py").write_text(reference_source("scaling", "laws"))
    (tmp_path / "notes.py").write_text(reference_source("scaling", "laws"))
    submission = locate(tmp_path, load_parts(["scaling"]))
    assert submission.modules[("scaling", "laws")].origin == "laws.py"
    assert ("scaling", "notes") not in submission.modules


def test_a_file_that_defines_no_graded_function_is_not_graded(tmp_path):
    (tmp_path / "helpers.py").write_text("def tidy(text):\n    return text.strip()\n")
    assert not locate(tmp_path, load_parts()).modules


def test_a_file_that_does_not_parse_is_matched_by_its_def_lines_and_its_error_is_shown(tmp_path):
    broken = reference_source("scaling", "laws") + "\ndef oops(:\n    pass\n"
    (tmp_path / "hank.py").write_text(broken)
    result = grade_submission(tmp_path, ["scaling"])
    assert result.part("scaling").submitted
    assert result.score == 0
    messages = [test.feedback.message for test in result.tests() if test.feedback]
    assert messages and all("SyntaxError" in message for message in messages)


def test_defined_names_reads_top_level_definitions_only():
    source = b"def relu(s):\n    def inner():\n        pass\nclass Sampler:\n    def sample(self):\n        pass\n"
    assert defined_names(source) == {"relu", "Sampler"}


def test_defined_names_of_unparsable_bytes_falls_back_to_def_lines():
    assert defined_names(b"def relu(s)\n    return s\n\x00\nasync def later():\n") == {"relu", "later"}


def test_a_file_named_like_a_library_module_is_copied_under_another_name(tmp_path):
    (tmp_path / "random.py").write_text(reference_source("scaling", "laws"))
    submission = locate(tmp_path, load_parts(["scaling"]))
    assert ("scaling", "random") not in submission.modules
    assert submission.modules[("scaling", "laws")].origin == "random.py"

"""Shapes of a hand-in: helper modules and data files next to the graded ones, stubs beside a solution, packages.

A student's own helper modules and small data files next to a graded module are
copied with it and count in the part's seed; an untouched copy of the handed-out
stub never wins over the student's own copy of a module; relative imports
between a part's modules (a package layout) work in the worker.
"""
from __future__ import annotations

import dataclasses
import shutil
import zipfile

from conftest import reference_as_submission

from autograder.course import course_root, grading_settings, load_parts
from autograder.grading import grade_submission
from autograder.grading._seed import part_digest
from autograder.grading._submission import locate, make_scratch

LAWS = (course_root() / "reference" / "scaling" / "laws.py").read_text()


def scaling_with(folder, laws: str, **others: str):
    """A submission whose scaling/laws.py is `laws`, with other files of scaling/ by name."""
    (folder / "scaling").mkdir(parents=True)
    (folder / "scaling" / "laws.py").write_text(laws)
    for name, text in others.items():
        (folder / "scaling" / name).write_text(text)
    return folder


def laws_using(line: str) -> str:
    """The reference's laws.py with kaplan_loss's default N_c taken from a helper (imported by `line`)."""
    return LAWS.replace("import numpy as np\n", f"import numpy as np\n{line}\n", 1) \
        .replace("def kaplan_loss(N, N_c=8.8e13,", "def kaplan_loss(N, N_c=CRITICAL,", 1)


# -- helper modules and data files ---------------------------------------------------------------------------------
def test_a_helper_module_and_the_helper_it_imports_are_importable_in_the_worker(tmp_path):
    scaling_with(tmp_path, laws_using("from more_helpers import CRITICAL"),
                 **{"more_helpers.py": "from _constants import N_C as CRITICAL\n", "_constants.py": "N_C = 8.8e13\n"})
    result = grade_submission(tmp_path, ["scaling"])
    assert result.score == result.max_score == 12, [t.feedback.message for t in result.tests() if t.feedback]


def test_a_data_file_next_to_a_graded_module_is_copied_with_it(tmp_path):
    line = "import json, pathlib\nCRITICAL = json.loads((pathlib.Path(__file__).parent / 'constants.json').read_text())['N_c']"
    scaling_with(tmp_path, laws_using(line), **{"constants.json": '{"N_c": 8.8e13}'})
    result = grade_submission(tmp_path, ["scaling"])
    assert result.score == result.max_score == 12, [t.feedback.message for t in result.tests() if t.feedback]


def test_helpers_and_data_files_count_in_the_seed(tmp_path):
    """Else a lookup table of the last feedback's answers in a helper would meet the same hidden inputs again."""
    def digest(**files: str) -> bytes:
        folder = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
        scaling_with(folder, LAWS, **files)
        return part_digest(locate(folder, load_parts(["scaling"])), "scaling")

    alone = digest()
    first, second = digest(**{"table.py": "ANSWERS = {}\n"}), digest(**{"table.py": "ANSWERS = {1e9: 2.5}\n"})
    data, other_data = digest(**{"table.json": "{}"}), digest(**{"table.json": '{"1e9": 2.5}'})
    assert len({alone, first, second, data, other_data}) == 5


def test_what_another_part_hands_in_counts_in_the_seed_too(tmp_path):
    """One worker runs every part: nn's code can import word2vec's modules, so they count in nn's seed."""
    reference_as_submission(tmp_path / "a", ("nn", "scaling"))
    reference_as_submission(tmp_path / "b", ("nn", "scaling"))
    (tmp_path / "b" / "scaling" / "laws.py").write_text(LAWS + "\nANSWERS = {}\n")
    parts = load_parts(["nn", "scaling"])
    assert part_digest(locate(tmp_path / "a", parts), "nn") != part_digest(locate(tmp_path / "b", parts), "nn")


def test_a_hand_in_without_extra_files_keeps_its_seed(tmp_path):
    """One part's modules alone: the digest is what it was before helpers were copied (regrades keep their inputs)."""
    import hashlib

    scaling_with(tmp_path, LAWS)
    source = LAWS.encode()
    expected = hashlib.sha256(b"autograder part digest, v1\0")
    expected.update(len(b"laws").to_bytes(8, "big") + b"laws" + len(source).to_bytes(8, "big") + source)
    assert part_digest(locate(tmp_path, load_parts(["scaling"])), "scaling") == expected.digest()


def test_helpers_are_copied_into_the_scratch_folder_with_their_part(tmp_path):
    scaling_with(tmp_path, LAWS, **{"util.py": "X = 1\n", "notes.txt": "mine"})
    (tmp_path / "scaling" / "deeper").mkdir()
    (tmp_path / "scaling" / "deeper" / "more.py").write_text("Y = 2\n")
    submission = locate(tmp_path, load_parts(["scaling"]))
    scratch = make_scratch(submission)
    try:
        assert sorted(path.name for path in (scratch / "scaling").iterdir()) == ["laws.py", "notes.txt", "util.py"]
        assert (scratch / "scaling" / "util.py").read_text() == "X = 1\n"
    finally:
        submission.cleanup()


def test_extra_files_over_the_budgets_are_left_out_with_a_note(tmp_path):
    budgets = dataclasses.replace(grading_settings().submission, max_module_bytes=len(LAWS.encode()) + 10)
    scaling_with(tmp_path, LAWS, **{"big.json": "0" * (len(LAWS.encode()) + 11), "small.py": "X = 1\n"})
    submission = locate(tmp_path, load_parts(["scaling"]), budgets=budgets)
    scratch = make_scratch(submission)
    try:
        assert (scratch / "scaling" / "small.py").exists() and not (scratch / "scaling" / "big.json").exists()
        assert any("scaling/big.json" in note and "not copied" in note for note in submission.notes), submission.notes
    finally:
        submission.cleanup()


def test_links_next_to_a_graded_module_are_never_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the grader's")
    scaling_with(tmp_path / "hand-in", LAWS)
    (tmp_path / "hand-in" / "scaling" / "peek.txt").symlink_to(secret)
    submission = locate(tmp_path / "hand-in", load_parts(["scaling"]))
    scratch = make_scratch(submission)
    try:
        assert not (scratch / "scaling" / "peek.txt").exists()
    finally:
        submission.cleanup()


def test_a_helper_of_the_same_name_in_two_parts_is_noted(tmp_path):
    reference_as_submission(tmp_path, ("nn", "scaling"))
    (tmp_path / "nn" / "util.py").write_text("A = 1\n")
    (tmp_path / "scaling" / "util.py").write_text("A = 2\n")
    submission = locate(tmp_path, load_parts(["nn", "scaling"]))
    assert any("util.py" in note and "nn/util.py" in note and "scaling/util.py" in note for note in submission.notes)


def test_package_files_of_two_parts_are_no_helpers_of_the_same_name(tmp_path):
    reference_as_submission(tmp_path, ("nn", "scaling"))
    (tmp_path / "nn" / "__init__.py").write_text('"""nn."""\n')
    (tmp_path / "scaling" / "__init__.py").write_text('"""scaling."""\n')
    assert not locate(tmp_path, load_parts(["nn", "scaling"])).notes


# -- stubs beside the student's own copy ---------------------------------------------------------------------------
def test_an_untouched_stub_never_wins_over_the_students_own_copy(tmp_path):
    """The solution at the top, the handout in handout/nn/: the solution is graded."""
    reference_as_submission(tmp_path / "solution", ("nn",))
    for path in (tmp_path / "solution" / "nn").iterdir():
        shutil.move(path, tmp_path / path.name)
    shutil.copytree(course_root() / "assignments" / "nn", tmp_path / "handout" / "nn")
    submission = locate(tmp_path, load_parts(["nn"]))
    assert submission.modules[("nn", "activations")].origin == "activations.py"
    assert submission.modules[("nn", "network")].origin == "network.py"
    assert any("handout/nn/activations.py" in note and "unchanged" in note for note in submission.notes), \
        submission.notes


def test_a_stub_with_other_line_endings_is_still_the_stub(tmp_path):
    (tmp_path / "nn").mkdir()
    stub = (course_root() / "assignments" / "nn" / "activations.py").read_bytes()
    (tmp_path / "nn" / "activations.py").write_bytes(stub.replace(b"\n", b"\r\n"))
    (tmp_path / "activations.py").write_text("def relu(s):\n    return s * (s > 0)\n")
    assert locate(tmp_path, load_parts(["nn"])).modules[("nn", "activations")].origin == "activations.py"


def test_when_every_copy_is_the_stub_the_one_in_the_part_folder_is_graded(tmp_path):
    shutil.copytree(course_root() / "assignments" / "nn", tmp_path / "nn")
    shutil.copy(course_root() / "assignments" / "nn" / "activations.py", tmp_path / "activations.py")
    assert locate(tmp_path, load_parts(["nn"])).modules[("nn", "activations")].origin == "nn/activations.py"


# -- relative imports (a package layout) ---------------------------------------------------------------------------
def test_relative_imports_between_a_parts_modules_work(tmp_path):
    scaling_with(tmp_path, laws_using("from ._constants import N_C as CRITICAL"),
                 **{"_constants.py": "N_C = 8.8e13\n", "__init__.py": '"""My package."""\n'})
    result = grade_submission(tmp_path, ["scaling"])
    assert result.score == result.max_score == 12, [t.feedback.message for t in result.tests() if t.feedback]


def test_relative_imports_work_without_an_init_file(tmp_path):
    scaling_with(tmp_path, laws_using("from . import _constants\nCRITICAL = _constants.N_C"),
                 **{"_constants.py": "N_C = 8.8e13\n"})
    result = grade_submission(tmp_path, ["scaling"])
    assert result.score == result.max_score == 12, [t.feedback.message for t in result.tests() if t.feedback]


def test_the_reference_copied_verbatim_as_a_package_gets_full_marks(tmp_path):
    shutil.copytree(course_root() / "reference" / "nn", tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    result = grade_submission(tmp_path, ["nn"])
    assert result.score == result.max_score, [t.feedback.message for t in result.tests() if t.feedback][:3]


def test_a_zip_member_named_dot_is_never_written_over_the_part_folder(tmp_path):
    """A zip may name a member `.`: next to a flat solution it is no file name to copy to."""
    hand_in = tmp_path / "hand-in.zip"
    with zipfile.ZipFile(hand_in, "w") as archive:
        archive.writestr(".", "not a file name")
        archive.writestr("laws.py", LAWS)
    submission = locate(hand_in, load_parts(["scaling"]))
    scratch = make_scratch(submission)
    try:
        assert sorted(path.name for path in (scratch / "scaling").iterdir()) == ["laws.py"]
    finally:
        submission.cleanup()

"""Hidden inputs drawn per submission: the same files get the same inputs and grade, changed files new ones.

The attack these tests stop (issue 11): a `laws.py` that is only a table of the
answers the previous run's feedback showed, resubmitted until it scores.
"""
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import reference_as_submission

from autograder.course import load_reference
from autograder.grading import grade_submission
from autograder.results import Kind

PROBE = '''\
def kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):
    return -1.0


def chinchilla_optimal(C, tokens_per_param=20.0):
    return -1.0, -1.0


def tokens_per_param(N, D):
    return -1.0
'''

LOOKUP = '''\
TABLE = {table!r}


def kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):
    return TABLE.get(("kaplan_loss", (N, N_c, alpha_N)), 0.0)


def chinchilla_optimal(C, tokens_per_param=20.0):
    return TABLE.get(("chinchilla_optimal", (C, tokens_per_param)), (0.0, 0.0))


def tokens_per_param(N, D):
    return TABLE.get(("tokens_per_param", (N, D)), 0.0)
'''

DEFAULTS = {"kaplan_loss": {"N_c": 8.8e13, "alpha_N": 0.076}, "chinchilla_optimal": {"tokens_per_param": 20.0},
            "tokens_per_param": {}}
ORDER = {"kaplan_loss": ("N", "N_c", "alpha_N"), "chinchilla_optimal": ("C", "tokens_per_param"),
         "tokens_per_param": ("N", "D")}


def _submit(folder: Path, laws: str) -> Path:
    (folder / "scaling").mkdir(parents=True, exist_ok=True)
    (folder / "scaling" / "laws.py").write_text(laws)
    return folder


def lookup_table_from_feedback(result) -> dict:
    """What a student builds from one run's feedback: every input shown → the right answer at that input."""
    laws = load_reference("scaling", "laws")
    table = {}
    for test in result.tests():
        if not (test.feedback and test.feedback.input):
            continue
        name = test.function.split(".")[-1]
        shown = dict(line.split(" = ") for line in test.feedback.input.splitlines())
        arguments = {**DEFAULTS[name], **{key: float(value) for key, value in shown.items()}}
        key = tuple(arguments[argument] for argument in ORDER[name])
        answer = getattr(laws, name)(*key)
        table[(name, key)] = tuple(map(float, answer)) if isinstance(answer, tuple) else float(answer)
    return table


def hidden_points(result) -> float:
    return sum(test.score for test in result.tests() if test.kind == Kind.HIDDEN)


def test_a_lookup_table_of_the_last_feedback_scores_nothing_on_the_hidden_tests(tmp_path):
    probe = grade_submission(_submit(tmp_path / "first", PROBE), ["scaling"])
    table = lookup_table_from_feedback(probe)
    assert len(table) >= 10   # every hidden test showed its input (and the visible examples theirs)
    second = grade_submission(_submit(tmp_path / "second", LOOKUP.format(table=table)), ["scaling"])
    assert second.part("scaling").seed != probe.part("scaling").seed
    assert hidden_points(second) == 0
    third = grade_submission(_submit(tmp_path / "third", LOOKUP.format(table={**table, **lookup_table_from_feedback(
        second)})), ["scaling"])   # one step behind, however often it is resubmitted
    assert hidden_points(third) == 0


def _summary(result) -> list:
    return [(test.id, test.score, test.feedback.message if test.feedback else None, test.feedback and test.feedback.input)
            for test in result.tests()]


@pytest.fixture(scope="module")
def partly_right_scaling(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("partly-right")
    shutil.copytree(Path(__file__).parents[1] / "examples" / "submissions" / "partly_right" / "scaling",
                    folder / "scaling")
    return folder


def test_the_same_files_get_the_same_seed_and_grade_twice_and_as_a_zip(partly_right_scaling, tmp_path):
    first = grade_submission(partly_right_scaling, ["scaling"])
    again = grade_submission(partly_right_scaling, ["scaling"])
    archive = tmp_path / "someone-else.zip"
    with zipfile.ZipFile(archive, "w") as bundle:   # another name, another layout, other file times
        bundle.write(partly_right_scaling / "scaling" / "laws.py", "handed-in/laws.py")
    zipped = grade_submission(archive, ["scaling"])
    assert first.part("scaling").seed is not None and first.seed is None
    assert first.part("scaling").seed == again.part("scaling").seed == zipped.part("scaling").seed
    assert 0 < first.score < first.max_score
    assert _summary(first) == _summary(again) == _summary(zipped)


def test_one_changed_byte_draws_other_inputs(partly_right_scaling, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(partly_right_scaling, changed)
    with open(changed / "scaling" / "laws.py", "a") as laws:
        laws.write(" ")
    seeds = {grade_submission(folder, ["scaling"]).part("scaling").seed for folder in (partly_right_scaling, changed)}
    assert len(seeds) == 2


def test_a_given_seed_is_used_for_every_part_and_recorded(partly_right_scaling):
    result = grade_submission(partly_right_scaling, ["scaling"], seed=5)
    assert result.seed == 5 and result.part("scaling").seed == 5


def test_a_self_check_draws_no_hidden_inputs(partly_right_scaling):
    result = grade_submission(partly_right_scaling, ["scaling"], visible_only=True)
    assert result.seed is None and result.part("scaling").seed is None


def test_the_reference_keeps_full_marks_whatever_the_seed(tmp_path):
    folder = reference_as_submission(tmp_path, ["scaling"])
    for seed in (None, 0, 1, 2**63 - 1):
        result = grade_submission(folder, ["scaling"], seed=seed)
        assert result.score == result.max_score, seed


def test_the_seed_is_shown_in_the_reports(partly_right_scaling):
    from autograder import render_gradescope, render_html, render_text

    result = grade_submission(partly_right_scaling, ["scaling"])
    seed = str(result.part("scaling").seed)
    assert all(f"scaling {seed}" in text for text in (render_text(result), render_html(result),
                                                      render_gradescope(result)))

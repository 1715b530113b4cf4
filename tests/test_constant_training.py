"""A training function is graded on what it learned, so an answer that ignores its data scores 0 (issue 11).

Each folder of tests/fixtures/constant_training is appended to the untouched
stubs: a hand-built XOR network, one-hot embeddings for topics at fixed word
ids, the initial parameters returned untrained, each with made-up falling
losses.  None depends on the data it is given, so none may get a point in any
hidden test of a training function, whatever the hidden inputs drawn.
"""
import shutil
from pathlib import Path

import pytest

from autograder.course import load_parts
from autograder.grading import grade_submission

ATTACKS = Path(__file__).parent / "fixtures" / "constant_training"
CASES = sorted(path.name for path in ATTACKS.iterdir() if path.is_dir())
TRAINING = {"nn": ["network.train"], "word2vec": ["train.train_skipgram", "train.train_cbow"]}


def constant_submission(attack: str, folder: Path) -> tuple[Path, list[str]]:
    """The stubs with the attack's definitions appended; the parts the attack changes."""
    parts = sorted(path.name for path in (ATTACKS / attack).iterdir() if path.is_dir())
    for part in load_parts(parts):
        shutil.copytree(part.folder, folder / part.name, ignore=shutil.ignore_patterns("*.md", "*.yaml"))
        for override in (ATTACKS / attack / part.name).glob("*.py"):
            target = folder / part.name / override.name
            target.write_text(target.read_text() + "\n\n# --- the constant answer under test ---\n"
                              + override.read_text())
    return folder, parts


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("attack", CASES)
def test_a_constant_answer_scores_zero_in_every_training_test(attack, seed, tmp_path):
    folder, parts = constant_submission(attack, tmp_path)
    result = grade_submission(folder, parts, seed=seed)
    assert result.error is None
    functions = [function for part in parts for function in TRAINING[part]]
    tests = [test for test in result.tests() if test.kind == "hidden" and test.function in functions]
    assert {test.function for test in tests} == set(functions)
    scored = [f"{test.id}: {test.score}" for test in tests if test.score > 0]
    assert scored == []
    assert all(test.feedback and test.feedback.message for test in tests)


def test_every_attack_changes_a_training_function():
    assert CASES == ["hand_built_xor", "initial_parameters", "one_hot_topics"]

"""bce_loss in float32: the feedback on a saturated prediction says what went wrong (the probe's case
c_nn_f32_bce_clip: clipped to [1e-12, 1 - 1e-12] in float32, where 1 - 1e-12 rounds to 1.0, so the loss is inf)."""
from conftest import reference_as_submission

from autograder.grading import grade_submission

CLIPPED_IN_FLOAT32 = '''
def bce_loss(y_hat, y):
    probabilities = np.clip(np.asarray(y_hat, dtype=np.float32).reshape(-1), np.float32(1e-12), np.float32(1 - 1e-12))
    labels = np.asarray(y, dtype=np.float32).reshape(-1)
    return -np.mean(labels * np.log(probabilities) + (1 - labels) * np.log1p(-probabilities))
'''


def test_a_float32_clip_that_rounds_to_one_is_told_so(tmp_path):
    folder = reference_as_submission(tmp_path, ["nn"])
    network = folder / "nn" / "network.py"
    network.write_text(network.read_text() + "\n" + CLIPPED_IN_FLOAT32)
    result = grade_submission(folder, ["nn"])
    failed = [test for test in result.tests() if test.function == "network.bce_loss" and test.feedback]
    assert [test.title for test in failed] == [
        "bce_loss stays finite when a prediction is exactly 0 or 1 (predictions are clipped, on a copy)"]
    message = failed[0].feedback.message
    assert "float32" in message and "rounds to 1" in message, message

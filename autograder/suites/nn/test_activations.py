"""Hidden tests of assignments/nn/activations.py."""
import numpy as np
import pytest

from autograder.grading.checks import expect, fail, figure, matches
from autograder.grading.compare import as_numeric_array, show
from autograder.grading.diagnose import Hints
from autograder.results import Figure, Series

grades = pytest.mark.grades


def random_inputs(rng):
    """A 3-D array of mixed signs and no exact zeros: shapes and values at once."""
    s = rng.normal(0.0, 3.0, size=(2, 3, 4))
    s[np.abs(s) < 1e-3] = 0.5
    return s


def plot_against_reference(student, ref, name):
    """The student's curve over the reference's on [-5, 5], for the report."""
    grid = np.linspace(-5.0, 5.0, 101)
    curve = as_numeric_array(getattr(student.activations, name)(grid))
    if curve is None or curve.shape != grid.shape or not np.all(np.isfinite(curve)):
        return
    figure(Figure(title=f"{name}(s): yours and the reference", x_label="s", y_label=name, only_if_failed=True, series=[
        Series("reference", grid.tolist(), getattr(ref.activations, name)(grid).tolist(), style="dashed"),
        Series("yours", grid.tolist(), curve.astype(float).tolist())]))


def hints(ref, name, s) -> Hints:
    """What the suite knows about an elementwise function at s: the function itself (to recognise it evaluated
    at a transformed input), s (to say where the wrong entries are) and the factors of a product derivative."""
    function = getattr(ref.activations, name)
    factors = {}
    if name == "sigmoid_grad":   # σ'(s) = σ(s)·(1 - σ(s))
        sigma = ref.activations.sigmoid(s)
        factors = {"σ(s)": sigma, "1 - σ(s)": 1.0 - sigma}
    return Hints(elementwise=(function, s, "s"), where={"s": s}, factors=factors)


def check_elementwise(student, ref, calls, rng, name, mistakes_if=None):
    """The function on a random 3-D array and on a 0-d array, s left unchanged; then plot it."""
    plot_against_reference(student, ref, name)
    s = random_inputs(rng)
    got = getattr(student.activations, name)(s)
    if calls.last.changed_arguments:
        fail(f"{name}(s) changed its input array s. Build a new array instead of writing into s.",
             inputs={"s": s}, got=calls.last.arguments_after[0], mistake="modifies_input")
    expect(got, getattr(ref.activations, name)(s), call=f"{name}(s)", inputs={"s": s}, mistakes_if=mistakes_if,
           hints=hints(ref, name, s))
    scalar = np.float64(0.7)
    expect(getattr(student.activations, name)(scalar), getattr(ref.activations, name)(scalar),
           call=f"{name}(s) on a 0-d array", inputs={"s": scalar})


def overflowed(s: np.ndarray, expected: np.ndarray, beyond: float = 350.0):
    """A mistakes_if predicate: got is nan or inf only where exp of ±s (or ±2s) overflows, |s| > beyond, and right
    everywhere else.  A formula that is wrong for ordinary inputs (1/1 + exp(-s)) is not an overflow."""
    def check(got) -> bool:
        array = as_numeric_array(got)
        if array is None or array.shape != expected.shape:
            return False
        array = array.astype(np.float64)
        bad = ~np.isfinite(array)
        return bool(bad.any()) and bool(np.all(np.abs(s[bad]) > beyond)) and matches(array[~bad], expected[~bad])
    return check


ACTIVATIONS = ["linear", "sign", "sigmoid", "relu", "tanh", "sigmoid_grad", "relu_grad", "tanh_grad"]


# Promises about the returned object, not its values: other functions do not inherit such a failure (root_cause).
@pytest.mark.parametrize("name", [pytest.param(name, marks=grades(f"activations.{name}", weight=0.5, root_cause=False))
                                  for name in ACTIVATIONS])
def test_activation_returns_a_new_float_array(student, ref, calls, rng, name):
    """returns its values as a new float array (not s itself, not int or bool), as the module docstring promises"""
    s = random_inputs(rng)
    got = getattr(student.activations, name)(s)
    call = f"{name}(s)"
    if "s" in calls.last.returned_arguments:
        fail(f"{call} returned the array s itself (or a view of it), but the docstring promises a new array: "
             "a caller who changes the result would change s too. Return a copy, for example "
             "np.array(s, dtype=float).", inputs={"s": s}, got=got)
    array = as_numeric_array(got)
    if array is None or array.dtype.kind != "f":
        kind = (f"an array of dtype {array.dtype} ({'booleans' if array.dtype.kind == 'b' else 'integers'})"
                if array is not None else f"{show(got, 80)}")
        fail(f"{call} returned {kind}, but the docstring promises a float64 array (float32 is accepted too). "
             "Convert the result, for example with .astype(float).", inputs={"s": s}, got=got)
    # the promise is about right values: a function that returns garbage as a new float array earns nothing here
    expect(got, getattr(ref.activations, name)(s), call=call, inputs={"s": s}, hints=hints(ref, name, s))


@pytest.mark.parametrize("name", [pytest.param(name, marks=grades(f"activations.{name}", weight=0.5, root_cause=False))
                                  for name in ACTIVATIONS])
def test_activation_accepts_a_python_float(student, ref, name):
    """accepts a Python float and returns its value as a single number (shape ()), as the module docstring promises"""
    expect(getattr(student.activations, name)(0.7), getattr(ref.activations, name)(0.7), call=f"{name}(s)",
           inputs={"s": 0.7})


@grades("activations.linear")
def test_linear_values_and_shape(student, ref, calls, rng):
    """linear(s) is the identity on arrays of any shape"""
    check_elementwise(student, ref, calls, rng, "linear")


@grades("activations.sign")
def test_sign_values_and_zero(student):
    """sign(s) gives -1, 0 or +1, and 0 at exactly 0"""
    s = np.array([-3.5, -1e-9, 0.0, 2e-9, 7.0])
    expect(student.activations.sign(s), np.array([-1.0, -1.0, 0.0, 1.0, 1.0]), call="sign(s)", inputs={"s": s},
           mistakes_if={"sign_zero_not_zero": lambda got: matches(got, [-1.0, -1.0, 1.0, 1.0, 1.0])
                        or matches(got, [-1.0, -1.0, -1.0, 1.0, 1.0])})


@grades("activations.sign")
def test_sign_on_any_shape(student, ref, calls, rng):
    """sign(s) keeps the shape of a 3-D input"""
    check_elementwise(student, ref, calls, rng, "sign")


@grades("activations.sigmoid")
def test_sigmoid_values(student, ref, calls, rng):
    """sigmoid(s) on random inputs"""
    check_elementwise(student, ref, calls, rng, "sigmoid")


@grades("activations.sigmoid", weight=2, root_cause=False)   # |s| = 1e4: no other test reaches such inputs
def test_sigmoid_is_stable_for_large_inputs(student, ref, calls):
    """sigmoid(s) stays finite and warning-free for |s| up to 1e4"""
    s = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])
    expected = ref.activations.sigmoid(s)
    expect(student.activations.sigmoid(s), expected, call="sigmoid(s)", inputs={"s": s},
           mistakes_if={"sigmoid_overflow": overflowed(s, expected)})
    overflow = [w for w in calls.warnings if "overflow" in w.get("message", "")]
    if overflow:
        fail(f"sigmoid(s) returned the right values, but numpy warned \"{overflow[0]['message']}\" "
             "while computing them.", inputs={"s": s}, mistake="sigmoid_overflow_warning")


@grades("activations.relu")
def test_relu_values_and_input_kept(student, ref, calls, rng):
    """relu(s) on random inputs of several shapes and of magnitudes up to 100, without modifying s"""
    check_elementwise(student, ref, calls, rng, "relu")
    s = rng.permutation(np.concatenate([rng.uniform(7.0, 100.0, 4), rng.uniform(0.1, 7.0, 2),
                                        -rng.uniform(0.1, 100.0, 6)]))   # a cap at 6 (ReLU6) cannot hide
    expect(student.activations.relu(s), ref.activations.relu(s), call="relu(s)", inputs={"s": s},
           hints=hints(ref, "relu", s))


@grades("activations.tanh")
def test_tanh_values(student, ref, calls, rng):
    """tanh(s) on random inputs"""
    check_elementwise(student, ref, calls, rng, "tanh")


@grades("activations.tanh", root_cause=False)
def test_tanh_is_stable_for_large_inputs(student, ref):
    """tanh(±1e4) is ±1, not nan"""
    s = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    expected = ref.activations.tanh(s)
    expect(student.activations.tanh(s), expected, call="tanh(s)", inputs={"s": s},
           mistakes_if={"tanh_overflow": overflowed(s, expected)})


@grades("activations.sigmoid_grad")
def test_sigmoid_grad_values(student, ref, calls, rng):
    """sigmoid_grad(s) = σ(s)(1 - σ(s)), evaluated at s"""
    sigmoid = ref.activations.sigmoid
    s = np.array([0.0, 2.0, -1.0])
    expect(student.activations.sigmoid_grad(s), ref.activations.sigmoid_grad(s), call="sigmoid_grad(s)",
           inputs={"s": s}, hints=hints(ref, "sigmoid_grad", s), mistakes_if={
               "grad_of_activation_output": lambda got: matches(got, s * (1 - s)),
               "sigmoid_applied_twice": lambda got: matches(got, sigmoid(sigmoid(s)) * (1 - sigmoid(sigmoid(s))))})
    check_elementwise(student, ref, calls, rng, "sigmoid_grad")


@grades("activations.relu_grad", weight=2)
def test_relu_grad_is_zero_at_zero(student):
    """relu_grad(s) is 0 for s <= 0 and 1 for s > 0, with 0 at exactly 0"""
    s = np.array([-1.0, 0.0, 2.0])
    expect(student.activations.relu_grad(s), np.array([0.0, 0.0, 1.0]), call="relu_grad(s)", inputs={"s": s},
           mistakes_if={"relu_grad_one_at_zero": lambda got: matches(got, [0.0, 1.0, 1.0]),
                        "relu_grad_half_at_zero": lambda got: matches(got, [0.0, 0.5, 1.0]),
                        "relu_grad_returns_relu": lambda got: matches(got, [0.0, 0.0, 2.0])})


@grades("activations.relu_grad")
def test_relu_grad_values(student, ref, calls, rng):
    """relu_grad(s) on random inputs"""
    check_elementwise(student, ref, calls, rng, "relu_grad")


@grades("activations.tanh_grad")
def test_tanh_grad_values(student, ref, calls, rng):
    """tanh_grad(s) = 1 - tanh(s)², evaluated at s"""
    s = np.array([0.0, 1.0, -0.5])
    expect(student.activations.tanh_grad(s), ref.activations.tanh_grad(s), call="tanh_grad(s)", inputs={"s": s},
           mistakes_if={"grad_of_activation_output": lambda got: matches(got, 1 - s ** 2)})
    check_elementwise(student, ref, calls, rng, "tanh_grad")

"""`ref.<module>` in a hidden test: the reference module, looked up once per test however often it is named."""
import pytest

from autograder.course import load_parts
from autograder.grading import _plugin


def test_a_reference_module_is_loaded_once_per_namespace(monkeypatch):
    loads = []
    real = _plugin.load_reference
    monkeypatch.setattr(_plugin, "load_reference", lambda part, module: loads.append((part, module)) or real(part, module))
    ref = _plugin.ReferenceNamespace(load_parts(["nn"]))
    for _ in range(1000):   # what a replay of a tiny run does, one step at a time
        forward = ref.network.forward
    assert loads == [("nn", "network")]
    assert forward is real("nn", "network").forward


def test_a_module_of_another_part_is_no_attribute():
    ref = _plugin.ReferenceNamespace(load_parts(["nn"]))
    with pytest.raises(AttributeError):
        getattr(ref, "train")   # noqa: B009  # word2vec is not graded here

"""The stubs, the reference and the manifests describe the same contract."""
import importlib.util
import inspect
import sys

import numpy as np
import pytest

from autograder.course import course_root, load_parts, load_reference, make_stub, outdated_stubs

FUNCTIONS = [(part.name, spec.module, spec.name) for part in load_parts() for spec in part.functions]


def load_stub(part, module):
    """Import assignments/<part>/<module>.py the way a student runs it (plain sibling imports)."""
    folder = course_root() / "assignments" / part
    saved_path, saved_modules = list(sys.path), dict(sys.modules)
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location(module, folder / f"{module}.py")
        stub = importlib.util.module_from_spec(spec)
        sys.modules[module] = stub
        spec.loader.exec_module(stub)
        return stub
    finally:
        sys.path[:] = saved_path
        sys.modules.clear()
        sys.modules.update(saved_modules)


def test_committed_stubs_are_generated_from_the_reference():
    assert outdated_stubs() == [], "run `autograder stubs build`"


@pytest.mark.parametrize("part, module, name", FUNCTIONS)
def test_stub_and_reference_have_the_same_signature(part, module, name):
    stub = getattr(load_stub(part, module), name)
    solved = getattr(load_reference(part, module), name)
    assert inspect.signature(stub) == inspect.signature(solved)
    if inspect.isclass(solved):
        for method, _ in inspect.getmembers(solved, inspect.isfunction):
            assert inspect.signature(getattr(stub, method)) == inspect.signature(getattr(solved, method))


@pytest.mark.parametrize("part, module, name", FUNCTIONS)
def test_every_stub_raises_not_implemented(part, module, name):
    stub = getattr(load_stub(part, module), name)
    arguments = [np.zeros(2)] * len(inspect.signature(stub).parameters)
    with pytest.raises(NotImplementedError):
        stub(*arguments)


@pytest.mark.parametrize("part", [part.name for part in load_parts()])
def test_manifest_lists_every_public_function_of_the_reference(part):
    manifest = load_parts([part])[0]
    listed = {(spec.module, spec.name) for spec in manifest.functions}
    public = set()
    for module in manifest.modules:
        reference = load_reference(part, module)
        public |= {(module, name) for name, value in vars(reference).items()
                   if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
                   and value.__module__ == reference.__name__}
    assert public == listed


def test_stub_keeps_docstrings_and_drops_private_helpers():
    source = '''"""Module doc."""
from .activations import relu


def _helper(x):
    return x


def public(x, y=1):
    """Doc with shapes."""
    value = _helper(x)
    return value + y
'''
    stub = make_stub(source)
    assert "_helper" not in stub and "from activations import relu" in stub
    assert '"""Doc with shapes."""\n    raise NotImplementedError' in stub
    assert "return value" not in stub


def test_parameter_names_follow_an_edit_of_the_reference(tmp_path, monkeypatch):
    """The names are parsed once per version of a reference file: an edited file is read again."""
    from autograder.course._stubs import parameter_names

    (tmp_path / "assignments").mkdir()
    module = tmp_path / "reference" / "nn" / "activations.py"
    module.parent.mkdir(parents=True)
    module.write_text("def relu(s):\n    return s\n\n\nclass Scaler:\n    def __init__(self, factor):\n        pass\n")
    nn = [part for part in load_parts() if part.name == "nn"]   # the course's part, read from this course's root
    monkeypatch.setenv("AUTOGRADER_COURSE", str(tmp_path))
    assert parameter_names(nn)[("activations", "relu")] == ["s"]
    assert parameter_names(nn)[("activations", "Scaler")] == ["factor"]
    module.write_text("def relu(scores, inplace=False):\n    return scores\n")
    assert parameter_names(nn)[("activations", "relu")] == ["scores", "inplace"]
    assert ("activations", "Scaler") not in parameter_names(nn)

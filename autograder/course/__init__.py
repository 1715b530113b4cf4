"""The course model: its parts as their manifests describe them, the reference, and the files made from them.

    settings = grading_settings()           # the grading process's own budgets (assignments/grading.yaml)
    parts = load_parts()                    # every part, in teaching order (assignments/*/assignment.yaml)
    part = load_parts(["nn"])[0]            # a `Part`: points, limits, functions (`FunctionSpec`), examples
    module = load_reference("nn", "activations")   # the hidden reference, for the grading process only

The course root is the checkout this package was installed from, or the folder
named by AUTOGRADER_COURSE; its secret (`course_secret`, the file `course-secret`)
keys the hidden tests' inputs and never ships to students.  The stubs in `assignments/` and the notebooks are
generated from the reference (`stub_files`, `build_command`).
"""
from ._generated import build_command, outdated, write_outdated
from ._manifest import MANIFEST_SCHEMA, VISIBILITIES, Example, FunctionSpec, Limits, Part, Visibility, load_part
from ._root import course_root, grading_settings, load_parts, load_reference, reference_available
from ._secret import SECRET_FILE, course_secret
from ._settings import SETTINGS_SCHEMA, BatchJobLimits, GradingSettings, SubmissionBudgets, load_settings
from ._stubs import make_stub, outdated_stubs, parameter_names, stub_files

__all__ = [
           "MANIFEST_SCHEMA",
           "SECRET_FILE",
           "SETTINGS_SCHEMA",
           "VISIBILITIES",
           "BatchJobLimits",
           "Example",
           "FunctionSpec",
           "GradingSettings",
           "Limits",
           "Part",
           "SubmissionBudgets",
           "Visibility",
           "build_command",
           "course_root",
           "course_secret",
           "grading_settings",
           "load_part",
           "load_parts",
           "load_reference",
           "load_settings",
           "make_stub",
           "outdated",
           "outdated_stubs",
           "parameter_names",
           "reference_available",
           "stub_files",
           "write_outdated",
]

"""The student release: what students receive, with no trace of the reference.

The release is a folder with the stubs, the student READMEs and manifests, the
expected values of the visible examples (computed from the reference ahead of
time and stored as data), a copy of this package without its hidden suites (so
that `autograder check` works in it without the reference), the notebooks as
students receive them (nbgrader's own preprocessors remove the solutions and
hidden tests), and the student edition of every quiz in `quizzes/` (no
answers, explanations or feedback).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .._errors import UserError
from ..course import course_root, load_parts
from ..grading import write_expected
from ..quiz import write_student_editions

_PACKAGE_EXCLUDES = ("suites", "__pycache__", "*.pyc")
STUDENT_README = """\
# Week 5: neural networks and Word2Vec

Your assignments are in `assignments/`, one folder per part, each with its own
README.  Fill in the functions in the `.py` files, then check your work:

```bash
python3 -m venv .venv && .venv/bin/pip install -e .
.venv/bin/autograder check assignments
```

`check` runs the visible examples only.  It tells you how many points the
hidden tests hold: passing every visible example does not mean full marks.
Only numpy and the Python standard library are available to your code.

The quizzes are in `quizzes/`.  With `pip install -e '.[quiz]'`, see your own
variant with `autograder quiz show quizzes/week5.yaml --student YOUR-ID`, then
answer it with `autograder quiz take` (or `autograder quiz html`, for a page).
"""


def build_release(output: Path, part_names: list[str] | None = None) -> Path:
    """Write the release into output (which must not exist or be empty)."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise UserError("the release folder must be new or empty", output)
    root = course_root()
    parts = load_parts(part_names)
    output.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / "autograder", output / "autograder", ignore=shutil.ignore_patterns(*_PACKAGE_EXCLUDES))
    shutil.copy2(root / "pyproject.toml", output / "pyproject.toml")
    (output / "README.md").write_text(STUDENT_README, encoding="utf-8")
    (output / "assignments").mkdir()
    shutil.copy2(root / "assignments" / "grading.yaml", output / "assignments" / "grading.yaml")   # `check`'s budgets
    for part in parts:
        target = output / "assignments" / part.name
        shutil.copytree(part.folder, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".expected.json"))
        write_expected(part, target)
        source_notebook = root / "notebooks" / f"{part.name}.ipynb"
        if source_notebook.is_file():
            import nbformat

            from ..notebooks import student_notebook
            (output / "notebooks").mkdir(exist_ok=True)
            nbformat.write(student_notebook(source_notebook), output / "notebooks" / source_notebook.name)
    write_student_editions(root / "quizzes", output / "quizzes")
    return output

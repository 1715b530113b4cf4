"""`autograder grade` imports only what grading needs: the heavy optional libraries load when used.

Each of these costs a noticeable share of one grading's time when imported
(jsonschema with its format checkers, matplotlib, the HTML templates, pytest's
debugger and unittest support); a grade to JSON or text uses none of them.
"""
import subprocess
import sys

import pytest

NOT_FOR_GRADING = ("jsonschema", "matplotlib", "jinja2", "pdb", "unittest", "click_default_group", "nbformat",
                   "copydetect", "pebble", "lxml", "exrex")

# run the command in a fresh interpreter and list, at exit, which of the modules above it imported
PROBE = """
import atexit, sys
atexit.register(lambda: print("imported:", sorted(name for name in {names!r} if name in sys.modules)))
sys.argv = ["autograder", *{arguments!r}]
from autograder.cli import main
main()
"""


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_grading_imports_none_of_the_heavy_optional_libraries(reference_submission, output_format):
    arguments = ["grade", str(reference_submission), "--part", "scaling", "--format", output_format]
    run = subprocess.run([sys.executable, "-c", PROBE.format(names=NOT_FOR_GRADING, arguments=arguments)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "imported: []"

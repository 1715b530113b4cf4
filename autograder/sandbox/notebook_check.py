"""`check()` as the sandboxed grading kernel has it: the hidden tests are not in that kernel.

nbgrader's autograde runs the notebooks in the kernel `autograder nbgrader
install-kernel` installs, which has no view of the course.  There this file is
`autograder.notebooks.kernel`, so the test cells' hidden part
(`from autograder.notebooks.kernel import check; check("activations.relu")`)
runs, says where the function is graded, and leaves the visible asserts below
it to run.  The grades in nbgrader's gradebook are written afterwards by
`autograder nbgrader autograde`, which grades the submitted notebook in the
sandboxed worker; nothing this cell does, or a student's cell does to it,
reaches them.  Imports nothing (it runs beside the student's code).
"""


def check(function: str) -> None:
    """Say that the hidden tests of `module.function` run in the instructor's grader, not here."""
    print(f"The hidden tests of {function} run in the instructor's grader (autograder nbgrader autograde), "
          "outside this notebook; its score and feedback are written into the gradebook there.")

"""The hidden reference solution of the week.

Never shipped to students and never imported by student-facing code: only the
grading process loads it (see ``autograder._course.load_reference``).  Each module
here is the solved twin of a stub in ``assignments/``; the stubs are generated from
these files by ``autograder stubs build``, so docstrings written here are what
students read.
"""

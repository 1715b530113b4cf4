"""The trust boundary.

Everything in this folder runs inside the student's process (the worker) and
imports nothing but the standard library and numpy: never the rest of
`autograder`, never the reference, never the suites.  The grading process talks
to it only through `protocol`, which both sides share.
"""

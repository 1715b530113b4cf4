"""The hidden test suites: one pytest file per assignment module.

Never shipped to students.  `autograder.grading` runs them in the grading
process, where the reference lives; student code is reached only through the
`student` fixture, which calls into the isolated worker.
"""

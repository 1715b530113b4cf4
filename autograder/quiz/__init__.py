"""YAML quizzes: a question bank, per-student variants, taking, grading and LMS export.

    quiz = load_quiz("quizzes/week5.yaml")          # validated; problems are located UserErrors
    variant = build_variant(quiz, "s1234567")       # that student's questions, numbers and choice order
    result = grade_answers(quiz, load_answers("s1234567.yaml", quiz.id))   # a GradingResult
    write_student_edition("quizzes/week5.yaml", "release/quizzes/week5.yaml")   # no answer keys: show and take only

The command line is `autograder quiz …` (autograder/quiz/cli.py); the file
formats are described in README "Quizzes".
"""
from ._answers import AnswersFile, load_answers
from ._grading import add_quiz_part, failed_quiz_result, grade_answers
from ._model import Question, Quiz, load_quiz
from ._student_edition import write_student_edition, write_student_editions
from ._variants import Variant, build_variant

__all__ = ["AnswersFile", "Question", "Quiz", "Variant", "add_quiz_part", "build_variant", "failed_quiz_result",
           "grade_answers", "load_answers", "load_quiz", "write_student_edition", "write_student_editions"]

"""`autograder quiz html`: a self-contained page on which a student answers their variant.

One HTML file with inline CSS and JavaScript and maths as MathML: it works
offline, from a file:// URL.  The "Download answers" button builds the answers
file (JSON, the format of README "Quizzes") in the browser and offers it as a
download; nothing is sent anywhere.  The page is rendered from the student's
variant only: it contains no answers, explanations or feedback.
"""
from __future__ import annotations

import functools

import jinja2
from markupsafe import Markup

from ._markup import inline_html, to_html
from ._render_terminal import scoring_rule
from ._variants import Variant


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("autograder.quiz", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def _question_view(prepared) -> dict:
    question = prepared.question
    return {
        "id": question.id,
        "number": prepared.number,
        "type": question.type,
        "points": f"{question.points:g}",
        "prompt": Markup(to_html(prepared.prompt)),
        "rule": scoring_rule(prepared),
        "options": [{"key": key, "html": Markup(inline_html(prepared.texts[key]))} for key in prepared.order],
    }


def render_page(variant: Variant) -> str:
    """The answer page of one student's variant, as one HTML string."""
    quiz = variant.quiz
    return _environment().get_template("answer_page.html.j2").render(
        quiz_id=quiz.id, title=quiz.title, student=variant.student,
        description=Markup(to_html(quiz.description)) if quiz.description else "",
        points=f"{variant.points:g}", questions=[_question_view(prepared) for prepared in variant.questions],
        file_name=f"{variant.student}-{quiz.id}.json",
    )

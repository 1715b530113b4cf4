"""A text question's pattern written out as accepted answers for an LMS (exrex), or a reason it cannot be."""
import re

import pytest

from autograder.quiz._text_forms import accepted_forms, pattern_note


def test_a_finite_pattern_is_written_out_completely():
    forms = accepted_forms(("BERT",), "bert|roberta|(distil)?bert", case_sensitive=False)
    assert sorted(text.casefold() for text in forms.texts) == ["bert", "distilbert", "roberta"]
    assert forms.complete and pattern_note("q", forms, "Moodle") is None


def test_optional_spaces_become_one_space_or_none_and_are_noted():
    forms = accepted_forms((), r"N\s*x\s*1", case_sensitive=False)
    assert sorted(forms.texts) == ["N x 1", "N x1", "Nx 1", "Nx1"]
    assert not forms.complete
    assert "one space or none wherever spaces may go" in pattern_note("shape", forms, "Canvas")


def test_every_listed_form_matches_the_pattern():
    pattern = r"\(?\s*N\s*[x×*,]\s*1\s*\)?"
    forms = accepted_forms((), pattern, case_sensitive=False)
    assert len(forms.texts) > 100
    assert all(re.fullmatch(pattern, text, re.IGNORECASE) for text in forms.texts)


def test_accepted_texts_come_first_and_are_not_repeated():
    forms = accepted_forms(("N x 1",), r"N ?x ?1", case_sensitive=False)
    assert forms.texts[0] == "N x 1" and len(forms.texts) == len({t.casefold() for t in forms.texts}) == 4


@pytest.mark.parametrize("pattern, reason", [
    (r".*", "any length"),
    (r"[a-z]+", "any length"),
    (r"[a-z]{5}", "too many forms"),
    (r"(?=x)y", "matches it"),
])
def test_patterns_that_cannot_be_listed_say_why(pattern, reason):
    forms = accepted_forms(("kept",), pattern, case_sensitive=False)
    assert forms.texts == ("kept",) and reason in forms.problem
    assert "only the accepted answers are exported" in pattern_note("q", forms, "Moodle")

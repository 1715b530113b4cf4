"""The class dashboard answers an instructor's questions first: who is where, whose code did not run, and why."""
from __future__ import annotations

import html
import re

import pytest
from _class_samples import IMPORT_ERROR, MISTAKE, sample_class

from autograder.render.dashboard import SimilarityPair, SimilaritySection, render_dashboard
from autograder.results import FAILED, Feedback


@pytest.fixture(scope="module")
def results():
    return sample_class()


@pytest.fixture(scope="module")
def page(results) -> str:
    return render_dashboard(results)


def _table(page: str, table_id: str) -> str:
    start = page.index(f'<table id="{table_id}"')
    return page[start:page.index("</table>", start)]


def test_the_students_table_comes_before_the_charts_and_the_pass_rates(page):
    assert page.index('id="students"') < page.index('id="distribution"') < page.index('id="hardest"')


def test_the_students_table_has_a_row_per_student_with_status_and_first_mistake(page, results):
    table = _table(page, "students")
    assert table.count("<tr>") == len(results) + 1
    assert "did not import" in table and "timed out" in table and "could not be graded" in table
    assert MISTAKE[1] in table


def test_the_students_table_sorts_by_score(page):
    header = _table(page, "students").split("</thead>")[0]
    assert re.search(r'<button type="button" data-column="\d+">Total</button>', header)
    assert 'data-sort="' in _table(page, "students").split("</thead>")[1]


def test_a_submission_that_did_not_import_is_listed_with_its_error(page):
    table = _table(page, "trouble")
    row = next(row for row in table.split("<tr>") if "student001" in row)
    assert "did not import" in row and IMPORT_ERROR in html.unescape(row)


def test_a_refused_submission_and_a_time_out_are_listed_with_the_reason(page):
    table = _table(page, "trouble")
    assert "could not be graded" in table and "not a readable zip file" in table
    assert "timed out" in table


def test_a_named_mistake_counts_each_student_once(results):
    mistaken = [result for result in results
                if any(test.feedback and test.feedback.mistake == MISTAKE[0] for test in result.tests())]
    assert any(sum(bool(t.feedback and t.feedback.mistake) for t in result.tests()) > 1 for result in mistaken)
    row = next(row for row in _table(render_dashboard(results), "mistakes").split("<tr>") if MISTAKE[1] in row)
    assert f'<td class="num">{len(mistaken)}</td>' in row


def test_every_distinct_test_has_one_pass_rate_row(page, results):
    ids = {test.id for result in results if not result.error for test in result.tests()}
    assert _table(page, "rates").count("<tr>") == len(ids) + 1
    assert _table(page, "hardest").count("<tr>") < 20


def test_the_per_part_chart_names_the_parts(page):
    svg = page[page.index("Average share of the points"):]
    svg = svg[:svg.index("</svg>")]
    labels = re.findall(r">([^<>]+)</text>", svg)
    assert {"nn", "word2vec", "scaling"} <= {label.strip() for label in labels}


def test_the_score_histogram_has_whole_student_ticks(page):
    svg = page[page.index("How many students got how many points"):]
    svg = svg[:svg.index("</svg>")]
    ticks = [label.strip() for label in re.findall(r">([^<>]+)</text>", svg)]
    assert ticks and not [tick for tick in ticks if re.fullmatch(r"\d+\.\d+", tick)]


def test_without_a_similarity_check_the_section_says_so(page):
    assert "The similarity check did not run" in page


def test_similar_pairs_are_listed_per_part_with_a_link_to_their_side_by_side_view(results):
    pair = SimilarityPair(part="nn", first="student010", second="student011", first_share=0.9, second_share=0.8,
                          overlap_tokens=400, view="similarity/nn/student010--student011.html")
    page = render_dashboard(results, similarity=SimilaritySection(pairs=[pair], compared={"nn": 119, "scaling": 119},
                                                                   csv="similarity.csv"))
    section = page[page.index('id="similarity-title"'):page.index('id="rates-title"')]
    assert 'href="similarity/nn/student010--student011.html"' in section
    assert "90%" in section and "119 submissions compared" in section
    assert "No two submissions share code beyond the stub" in section   # scaling had no pair


NOT_RUN = ("Calling relu(s) was not run: an earlier call of relu timed out, ran out of memory or stopped the "
           "grader's worker, and so did 2 calls of part nn (the limit is 2).")
SYMPTOM = ("Your relu fails its own tests (see them), and forward builds on it: fix relu first, then look at this "
           "test again. Calling forward(X, params) raised RuntimeError: relu was not run: the grader stopped it "
           "after its calls hit the time limit (or another limit) too often; see the tests of relu.")


@pytest.mark.parametrize(("failure", "label"), [
    ("Calling relu(s) crashed with a segmentation fault (deep recursion can cause this).", "crashed"),
    ("Calling relu(s) ended the process (exit status 3).", "crashed"),
    ("Calling relu(s) ran out of memory (MemoryError).", "ran out of memory"),
    ("Calling relu(s) wrote more than 64 KiB straight to its output (the limit), so it was stopped.",
     "wrote too much output"),
    ("Calling relu(s) timed out after 1 s.", "timed out"),
])
def test_the_trouble_label_comes_from_the_first_real_failure_not_from_the_calls_it_stopped(failure, label):
    """The example that runs later says "was not run: ... timed out, ran out of memory ..." whatever happened;
    so do the tests of the functions built on it: neither may name the kind."""
    result = sample_class(4)[0]   # every test failed with a wrong result
    tests = result.part("nn").tests
    feedbacks = [Feedback(message=NOT_RUN), Feedback(message=failure), Feedback(message=NOT_RUN),
                 Feedback(message=SYMPTOM, root_cause="module0.function0")]
    for test, feedback in zip(tests, feedbacks):
        test.status, test.score, test.feedback = FAILED, 0.0, feedback
    rows = [row for row in _table(render_dashboard([result]), "trouble").split("<tr>") if "<td>" in row]
    assert [re.findall(r"<td>([^<]*)</td>", row)[0] for row in rows] == [label]


def test_an_exception_whose_message_names_a_limit_is_no_trouble():
    result = sample_class(4)[0]   # every test failed with a wrong result
    test = result.part("nn").tests[0]
    test.status, test.score = FAILED, 0.0
    test.feedback = Feedback(message="Calling relu(s) raised ValueError: timed out waiting for nothing.")
    assert 'id="trouble"' not in render_dashboard([result])

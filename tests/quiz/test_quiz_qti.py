"""Canvas QTI export, read back with lxml: valid against IMS's QTI 1.2.1 ASI DTD, and scored as Canvas scores it.

The DTD is IMS's ims_qtiasiv1p2p1.dtd as shipped in pyslet's source distribution
on PyPI (scripts/fetch_qti_dtd.py puts it in the virtual environment; setup.sh
runs it).  DTDs know nothing of XML namespaces, so the default namespace is
taken off before validating, and the one Canvas extension element the file uses
inside an IMS extension point (`points_per_item` in `selection_extension`,
declared ANY) is declared.  Canvas's scoring is simulated from its importer and
quiz code: numerical exact answers take the margin upper bound − answer in
BigDecimal; multiple answers earn points/right per right choice and lose as
much per wrong one, never below 0; matching adds each pair's share.
"""
from __future__ import annotations

import io
import itertools
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from autograder.quiz import load_quiz
from autograder.quiz._export import ExportGroup, export_plan
from autograder.quiz._grading import score_fraction
from autograder.quiz._qti import build_qti_zip
from autograder.quiz._variants import prepare_question

ROOT = Path(__file__).resolve().parents[2]
CANVAS_EXTENSIONS = b"\n<!ELEMENT points_per_item (#PCDATA)>\n"

EDGE_CASES = """quiz: edges
title: Edge cases
questions:
  - id: all-or-nothing-pick
    type: multiple
    points: 2
    scoring: all_or_nothing
    shuffle: false
    prompt: Pick the even ones.
    choices: {two: "2", three: "3", four: "4"}
    answer: [two, four]
    explanation: Even.
  - id: exact-zero
    type: numeric
    points: 1
    prompt: Zero?
    answer: 0
    tolerance: {absolute: 0}
    explanation: Zero.
  - id: shout
    type: text
    points: 1
    prompt: Say it loud.
    accept: [HELLO]
    case_sensitive: true
    explanation: Loud.
"""


@pytest.fixture(scope="session")
def qti_dtd() -> etree.DTD:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from fetch_qti_dtd import fetch
    finally:
        sys.path.pop(0)
    return etree.DTD(io.BytesIO(fetch().read_bytes() + CANVAS_EXTENSIONS))


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _assessment(files: dict[str, bytes]) -> etree._Element:
    [name] = [n for n in files if n.endswith(".xml") and not n.endswith(("assessment_meta.xml", "imsmanifest.xml"))]
    root = etree.fromstring(files[name])
    for element in root.iter():
        element.tag = etree.QName(element).localname          # the DTD has no namespaces
    etree.cleanup_namespaces(root)
    return root


@pytest.fixture(scope="module")
def canvas(bank):
    data, notes = build_qti_zip(bank, 3)
    files = _unzip(data)
    return files, _assessment(files), notes


def _metadata(item: etree._Element, label: str) -> str:
    for field in item.iter("qtimetadatafield"):
        if field.findtext("fieldlabel") == label:
            return field.findtext("fieldentry") or ""
    raise KeyError(label)


def _items(assessment, question_id: str) -> list[etree._Element]:
    return [item for item in assessment.iter("item") if item.get("title").split(" (variant")[0] == question_id]


def _prepared_by_title(bank, count: int) -> dict[str, object]:
    """Each exported question as the quiz model prepares it (values of each pre-drawn variant)."""
    plan, _ = export_plan(bank, count)
    found = {}
    for entry in plan:
        if isinstance(entry, ExportGroup):
            for number, prepared in enumerate(entry.questions, start=1):
                found[prepared.id + (f" (variant {number})" if entry.kind == "variants" else "")] = prepared
        else:
            found[entry.id] = entry
    return found


def test_the_assessment_is_valid_against_the_ims_qti_dtd(canvas, qti_dtd):
    _, assessment, _ = canvas
    assert qti_dtd.validate(assessment), qti_dtd.error_log.filter_from_errors()


def test_a_broken_assessment_fails_the_dtd(canvas, qti_dtd):
    _, assessment, _ = canvas
    broken = etree.fromstring(etree.tostring(assessment))
    next(broken.iter("render_choice")).set("shuffle", "Maybe")
    assert not qti_dtd.validate(broken)


def test_every_numeric_bound_is_the_answer_plus_or_minus_the_tolerance_exactly(bank, canvas):
    _, assessment, _ = canvas
    prepared = _prepared_by_title(bank, 3)
    numerical = [item for item in assessment.iter("item") if _metadata(item, "question_type") == "numerical_question"]
    assert len(numerical) > 30
    for item in numerical:
        question_variant = prepared[item.get("title")]
        question = question_variant.question
        exact_text = item.findtext(".//or/varequal")
        low, high = Decimal(item.findtext(".//and/vargte")), Decimal(item.findtext(".//and/varlte"))
        exact = Decimal(exact_text)
        assert exact == Decimal(repr(question_variant.expected)) if question.type == "numeric" \
            else exact == question_variant.expected
        margin = max(question.absolute_tolerance, question.relative_tolerance * abs(question_variant.expected))
        assert high - exact == exact - low == (Decimal(repr(margin)) if question.type == "numeric" else 0), item.get("title")


def _canvas_accepts_numeric(item, answer: Decimal) -> bool:
    """Canvas's exact answer with margin: margin = upper bound − answer (BigDecimal), |given − answer| ≤ margin."""
    exact = Decimal(item.findtext(".//or/varequal"))
    margin = Decimal(item.findtext(".//and/varlte")) - exact
    return abs(answer - exact) <= margin


def test_canvas_and_the_quiz_agree_on_answers_near_each_bound(bank, canvas):
    _, assessment, _ = canvas
    prepared = _prepared_by_title(bank, 3)
    for item in assessment.iter("item"):
        if _metadata(item, "question_type") != "numerical_question":
            continue
        variant = prepared[item.get("title")]
        if variant.question.type != "numeric":
            continue
        exact, margin = Decimal(repr(variant.expected)), Decimal(item.findtext(".//and/varlte")) - \
            Decimal(item.findtext(".//or/varequal"))
        for factor, accepted in (("0.999", True), ("-0.999", True), ("1.001", False), ("-1.001", False)):
            answer = exact + margin * Decimal(factor)
            assert _canvas_accepts_numeric(item, answer) is accepted
            assert score_fraction(variant, float(answer)) == float(accepted), (item.get("title"), factor)


def test_groups_are_titled_by_pool_and_question_with_their_picks_and_points(bank, canvas):
    _, assessment, _ = canvas
    sections = {s.get("title"): s for s in assessment.iter("section") if s.get("ident") != "root_section"}
    for pool in bank.pools:
        section = sections[f"{pool.id}: {pool.title}"]
        assert section.findtext(".//selection_number") == str(pool.draw)
        assert float(section.findtext(".//points_per_item")) == bank.questions[pool.question_ids[0]].points
    section = sections["q3-iterations-per-epoch (one of 3 variants)"]
    assert section.findtext(".//selection_number") == "1" and section.findtext(".//points_per_item") == "2"
    assert "Group" not in sections


def test_every_item_carries_its_points(bank, canvas):
    _, assessment, _ = canvas
    for item in assessment.iter("item"):
        question = bank.questions[item.get("title").split(" (variant")[0]]
        assert float(_metadata(item, "points_possible")) == question.points


def test_the_quiz_total_is_what_one_student_can_score(bank, canvas, variant_of):
    files, _, _ = canvas
    [meta] = [data for name, data in files.items() if name.endswith("assessment_meta.xml")]
    points = etree.fromstring(meta).findtext("{http://canvas.instructure.com/xsd/cccv1p0}points_possible")
    assert float(points) == variant_of("anyone").points


def test_choices_shuffle_per_item_as_the_quiz_says(bank, canvas):
    files, assessment, _ = canvas
    for question in (q for q in bank.questions.values() if q.type in ("single", "multiple")):
        for item in _items(assessment, question.id):
            assert item.find(".//render_choice").get("shuffle") == ("Yes" if question.shuffle else "No")
    [meta] = [data for name, data in files.items() if name.endswith("assessment_meta.xml")]
    assert etree.fromstring(meta).findtext("{http://canvas.instructure.com/xsd/cccv1p0}shuffle_answers") == "true"


def _canvas_multiple_answers(item, selected: set[str]) -> float:
    """Canvas Classic: points/right per right choice picked, the same taken per wrong one, never below 0."""
    right = {v.text for v in item.find(".//respcondition/conditionvar/and").findall("varequal")}
    gained = len(selected & right) - len(selected - right)
    return max(0.0, gained / len(right))


def test_canvas_scores_multiple_select_like_right_minus_wrong(bank, canvas):
    _, assessment, _ = canvas
    for question in (q for q in bank.questions.values() if q.type == "multiple"):
        [item] = _items(assessment, question.id)
        assert _metadata(item, "question_type") == "multiple_answers_question"
        idents = {label.get("ident"): label for label in item.iter("response_label")}
        key_of = {ident: ident[len(item.get("ident")) + 1:] for ident in idents}     # "<item>-<choice key>"
        prepared = prepare_question(bank, question, "anyone")
        keys = [key_of[ident] for ident in idents]
        assert sorted(keys) == sorted(k.replace(".", "_") for k in question.choices)
        for size in range(len(idents) + 1):
            for picked in itertools.combinations(idents, size):
                ours = score_fraction(prepared, {key_of[ident] for ident in picked})
                assert _canvas_multiple_answers(item, set(picked)) == pytest.approx(ours), (question.id, picked)


def test_a_right_positions_ordering_becomes_matching_scored_per_item(bank, canvas):
    _, assessment, notes = canvas
    question = bank.questions["backprop-order"]
    [item] = _items(assessment, question.id)
    assert _metadata(item, "question_type") == "matching_question"
    conditions = [c for c in item.iter("respcondition") if c.find("setvar") is not None]
    assert all(c.get("continue") == "Yes" and c.find("setvar").get("action") == "Add" for c in conditions)
    right = {c.find(".//varequal").get("respident"): c.find(".//varequal").text for c in conditions}
    share = {c.find(".//varequal").get("respident"): float(c.findtext("setvar")) for c in conditions}
    assert sum(share.values()) == pytest.approx(100, abs=1e-3)
    prepared = prepare_question(bank, question, "anyone")
    for order in itertools.permutations(question.answer):
        given = {f"response_{key}": right[f"response_{question.answer[position]}"].replace(
            f"position-{position + 1}", f"position-{order.index(key) + 1}") for position, key in
            enumerate(question.answer)}
        canvas_score = sum(share[r] for r, position in given.items() if position == right[r]) / 100
        assert canvas_score == pytest.approx(score_fraction(prepared, list(order)), abs=1e-4)
    assert any(note.startswith("backprop-order: ordering exported as a matching question") for note in notes)


def test_an_all_or_nothing_ordering_is_a_choice_among_all_its_orders(bank, canvas):
    _, assessment, notes = canvas
    question = bank.questions["kaplan-exponent-order"]
    [item] = _items(assessment, question.id)
    assert _metadata(item, "question_type") == "multiple_choice_question"
    labels = item.findall(".//response_label")
    assert len(labels) == 6 and len({label.findtext(".//mattext") for label in labels}) == 6
    assert len([c for c in item.iter("respcondition") if c.findtext("setvar") == "100"]) == 1
    assert any("kaplan-exponent-order: all-or-nothing ordering exported as a single choice among all 6" in note
               for note in notes)


def test_text_answers_list_every_form_the_quiz_accepts(bank, canvas):
    _, assessment, _ = canvas
    for question in (q for q in bank.questions.values() if q.type == "text"):
        [item] = _items(assessment, question.id)
        answers = [v.text for v in item.find(".//respcondition[@continue='No']/conditionvar").findall("varequal")]
        prepared = prepare_question(bank, question, "anyone")
        assert all(score_fraction(prepared, answer) == 1.0 for answer in answers)
        assert set(question.accept) <= set(answers)
    [item] = _items(assessment, "output-shape")
    answers = {v.text.casefold() for v in item.iter("varequal")}
    assert {"nx1", "(n, 1)", "n×1", "n*1", "(n,1)"} <= answers


def test_rules_canvas_cannot_express_become_notes(tmp_path, qti_dtd):
    quiz_file = tmp_path / "edges.yaml"
    quiz_file.write_text(EDGE_CASES)
    data, notes = build_qti_zip(load_quiz(quiz_file), 1)
    files = _unzip(data)
    assessment = _assessment(files)
    assert qti_dtd.validate(assessment), qti_dtd.error_log.filter_from_errors()
    assert any(note.startswith("all-or-nothing-pick: all-or-nothing multiple select") for note in notes)
    assert any(note.startswith("shout: Canvas compares short answers without regard to case") for note in notes)
    assert any("shuffle answers for the whole quiz" in note for note in notes)
    [meta] = [d for n, d in files.items() if n.endswith("assessment_meta.xml")]
    assert etree.fromstring(meta).findtext("{http://canvas.instructure.com/xsd/cccv1p0}shuffle_answers") == "false"
    [pick] = _items(assessment, "all-or-nothing-pick")
    assert pick.find(".//render_choice").get("shuffle") == "No"
    [zero] = _items(assessment, "exact-zero")
    assert zero.findtext(".//and/vargte") == zero.findtext(".//and/varlte") == zero.findtext(".//or/varequal") == "0"

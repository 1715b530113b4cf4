"""LMS export: GIFT read back by a strict independent reader, QTI zips parsed as XML (see also test_quiz_qti.py)."""
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.quiz._export import render_gift

from .quiz_gift_grammar import GiftError, parse_gift

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"

NASTY = r"""quiz: nasty
title: "Braces {and} colons: ~tilde =equals #hash"
questions:
  - id: special-characters
    type: single
    points: 1
    prompt: "Which of {a}, b=c, #d, ~e or f: g is \\ odd?"
    choices:
      braces: "{a}"
      equals: "b=c"
      hash: "a #d"
      tilde: "~e"
      colon: "f: g"
    answer: colon
    feedback:
      braces: "Braces {} are fine #1"
    explanation: "Colons: they need escaping ~ = # { }"
  - id: count
    type: integer
    points: 1
    parameters:
      n: {min: 1, max: 2}
    prompt: "{{ n }} + 1?"
    answer: n + 1
    explanation: Add one.
"""


def _export(tmp_path, quiz_file, target, variants=None):
    output = tmp_path / f"out.{target}"
    args = ["quiz", "export", str(quiz_file), "--to", target, "-o", str(output)]
    if variants:
        args += ["--variants", str(variants)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return output


def test_the_gift_export_reads_back_with_every_question_and_variant(bank, bank_path, tmp_path):
    questions = parse_gift(_export(tmp_path, bank_path, "gift").read_text())
    fixed = [q for q in bank.entries if hasattr(q, "type") and not bank.parameters_of(q)]
    parameterised = [q for q in bank.questions.values() if bank.parameters_of(q)]
    pooled = [qid for pool in bank.pools for qid in pool.question_ids]
    assert len(questions) == len(fixed) + len(pooled) + 5 * len(parameterised)       # 5 variants by default
    categories = Counter(q.category for q in questions)
    assert categories["$course$/week5"] == len(fixed)
    assert categories["$course$/week5/q3-iterations-per-epoch"] == 5
    assert categories["$course$/week5/pool scaling-history"] == 3
    kinds = Counter(q.kind for q in questions)
    assert kinds["matching"] == 2 and kinds["shortanswer"] == 2 and kinds["multiple"] == 5


def test_gift_answers_match_the_bank(bank, tmp_path):
    by_title = {q.title: q for q in parse_gift(render_gift(bank, 3)[0])}
    relu = by_title["q1-deep-learning-activation"]
    assert [a.text for a in relu.answers if a.prefix == "="] == ["ReLU"]
    assert relu.general_feedback.startswith("<p>ReLU, \\(\\max(0, z)\\)")
    negative = by_title["activations-with-negative-outputs"]
    assert sorted(a.weight for a in negative.answers) == [-33.33333, -33.33333, 33.33333, 33.33333, 33.33333]
    assert by_title["q4-context-independent"].truth is False
    pairs = by_title["q3-iterations-per-epoch (variant 1)"]
    assert pairs.kind == "numerical" and pairs.tolerance == 0 and pairs.number == int(pairs.number)
    order = by_title["backprop-order"]
    assert [a.text.split(" -> ")[1] for a in order.answers] == ["1st", "2nd", "3rd", "4th"]


def test_special_characters_survive_the_gift_export(tmp_path):
    quiz_file = tmp_path / "nasty.yaml"
    quiz_file.write_text(NASTY)
    questions = parse_gift(_export(tmp_path, quiz_file, "gift", variants=4).read_text())
    special = questions[0]
    assert "{a}, b=c, #d, ~e or f: g is \\ odd?" in special.text
    assert [a.text for a in special.answers] == ["{a}", "b=c", "a #d", "~e", "f: g"]
    assert special.answers[0].feedback == "Braces {} are fine #1"
    assert "Colons: they need escaping ~ = # { }" in special.general_feedback
    assert sorted(q.number for q in questions[1:]) == [2, 3]        # only 2 distinct variants exist


@pytest.mark.parametrize("broken, complaint", [
    ("::a::What {=yes ~no}", ""),
    ("::a::What is 1+1={#2:0}", "unescaped '='"),
    ("::a::Pick {=a\n\n~b}", "expected text{answers}"),
    ("::a::Pick {~%35%a ~%65%b}", "not one Moodle accepts"),
    ("::a::Pick {~%50%a ~%-50%b}", "add up to 50"),
    ("::a::Match {=a -> 1 =b -> 2}", "at least 3 pairs"),
    ("::a::Two {=a ~b} more", "nothing after the closing brace"),
    ("No title {=a ~b}", "without a ::title::"),
])
def test_the_gift_reader_is_strict(broken, complaint):
    if not complaint:
        assert parse_gift(broken)[0].kind == "single"
        return
    with pytest.raises(GiftError, match=complaint.replace("{", r"\{").replace("+", r"\+")):
        parse_gift(broken)


def test_the_qti_export_is_a_zip_of_well_formed_qti_with_every_item(bank, bank_path, tmp_path):
    archive = _export(tmp_path, bank_path, "qti", variants=2)
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        assert "imsmanifest.xml" in names
        [assessment_name] = [n for n in names if n.endswith(".xml") and "assessment_meta" not in n
                             and n != "imsmanifest.xml"]
        documents = {name: ET.fromstring(zipped.read(name)) for name in names if name.endswith(".xml")}
    assessment = documents[assessment_name]
    assert assessment.tag == f"{QTI}questestinterop"
    items = assessment.findall(f".//{QTI}item")
    fixed = [q for q in bank.entries if hasattr(q, "type") and not bank.parameters_of(q)]
    pooled = [qid for pool in bank.pools for qid in pool.question_ids]
    parameterised = [q for q in bank.questions.values() if bank.parameters_of(q)]
    assert len(items) == len(fixed) + len(pooled) + 2 * len(parameterised)
    assert Counter(item.get("title").split(" (variant")[0] for item in items)["skipgram-pairs"] == 2
    picks = [int(node.text) for node in assessment.iter(f"{QTI}selection_number")]
    assert sorted(picks) == sorted([1] * len(parameterised) + [pool.draw for pool in bank.pools])
    types = Counter(field.findtext(f"{QTI}fieldentry") for field in assessment.iter(f"{QTI}qtimetadatafield")
                    if field.findtext(f"{QTI}fieldlabel") == "question_type")
    by_type = Counter(q.type for q in bank.questions.values())
    assert types["true_false_question"] == by_type["true_false"] == 6
    assert types["multiple_answers_question"] == by_type["multiple"] == 5
    assert types["short_answer_question"] == 2

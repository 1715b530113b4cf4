"""Control and bidi characters from a student's code are shown as escapes in every rendering, never obeyed."""
from __future__ import annotations

import json
import re

import pytest
from _samples import sample_result

from autograder import results
from autograder.render import render_result
from autograder.render._visible import visible_controls

# what a terminal, a browser or a JSON viewer would obey: C0 and C1 controls but tab and newline, bidi controls
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SPOOF = "\u202eot stnioP\x1b[2J\x00\r"


def result_with_spoofing_text():
    result = sample_result(with_figures=False)
    result.parts[0].tests.append(results.TestResult(
        id="nn::activations.relu::spoof", title="relu on random inputs", part="nn", function="activations.relu",
        kind=results.HIDDEN, score=0.0, max_score=1.0, status=results.FAILED, output="printed " + SPOOF,
        feedback=results.Feedback(message=f"Calling relu(s) raised ValueError: {SPOOF} (36 tests failed because of it)",
                          got="'" + SPOOF + "'")))
    result.student = "alice" + SPOOF
    return result


@pytest.mark.parametrize("output_format", ["text", "html", "json"])
def test_control_and_bidi_characters_are_written_as_escapes(output_format):
    rendered = render_result(result_with_spoofing_text(), output_format)
    shown = rendered
    if output_format == "json":   # JSON escapes C0 controls itself: what counts is what a viewer of its strings sees
        document = json.loads(rendered)
        shown = "\n".join([document["output"], *(test["output"] for test in document["tests"])])
    assert OBEYED.findall(shown) == []
    assert "raised ValueError: \\u202eot stnioP\\x1b[2J\\x00" in shown


def test_tabs_newlines_and_other_scripts_are_left_as_they_are():
    text = "a\tb\nc\r\nd é 中 \U0001f600 \u05d0"   # Hebrew is right-to-left by itself: no override, kept
    assert visible_controls(text) == "a\tb\nc\nd é 中 \U0001f600 \u05d0"

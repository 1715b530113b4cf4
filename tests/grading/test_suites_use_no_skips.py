"""No hidden suite skips or expects a failure: the grading runs pytest without its `skipping` plugin.

With that plugin off (`_plugin._UNUSED_PLUGINS`, it costs every test a hook
call), a skip or xfail mark would be ignored and a `pytest.skip()` call would
not be graded as the suite's author meant.  A suite that needs one must turn
the plugin back on; this check says so before a student's grade does.
"""
from __future__ import annotations

import ast
from pathlib import Path

from autograder.grading._plugin import _UNUSED_PLUGINS

SUITES = Path(__file__).resolve().parents[2] / "autograder" / "suites"
SKIPPING = {"skip", "skipif", "xfail", "importorskip"}


def skipping_uses(source: str) -> list[str]:
    """`pytest.skip(...)`, `pytest.mark.xfail`, `mark.skipif` and the like in source, as "line: text"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in SKIPPING:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and any(alias.name in SKIPPING for alias in node.names):
            found.append(f"{node.lineno}: from {node.module} import ...")
    return sorted(found, key=lambda use: int(use.split(":")[0]))


def test_the_finder_sees_every_spelling_of_a_skip():
    source = ("import pytest\nfrom pytest import importorskip\n@pytest.mark.skipif(True, reason='x')\ndef test_a():\n"
              "    pytest.skip('no')\n@pytest.mark.xfail\ndef test_b():\n    pytest.xfail('no')\n")
    assert [use.split(":")[0] for use in skipping_uses(source)] == ["2", "3", "5", "6", "8"]


def test_no_suite_skips_while_the_skipping_plugin_is_off():
    assert "skipping" in _UNUSED_PLUGINS
    suites = sorted(SUITES.rglob("*.py"))
    assert len(suites) > 10
    uses = {str(path.relative_to(SUITES)): skipping_uses(path.read_text()) for path in suites}
    assert {path: found for path, found in uses.items() if found} == {}

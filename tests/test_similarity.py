"""Similarity across the class: copydetect's fingerprints flag alike pairs per part for a person; the stub never counts."""
import csv
import json
import re
import shutil
import sys

import pytest
from conftest import reference_as_submission

from autograder.batch._discover import Entry
from autograder.batch._similarity import check_similarity
from autograder.course import course_root, load_parts

pytest.importorskip("copydetect")


def renamed(source: str) -> str:
    """The same code with other local names and comments: what a copier does to hide a copy."""
    source = re.sub(r"#.*", "# my own work", source)
    for old, new in (("probabilities", "probs"), ("shifted", "moved"), ("n_samples", "count"), ("weights", "ws")):
        source = re.sub(rf"\b{old}\b", new, source)
    return source


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """ada: the reference; bo: ada's code renamed; cy: the loop-based example; dee: the untouched stubs."""
    folder = tmp_path_factory.mktemp("similar-class")
    reference_as_submission(folder / "ada")
    shutil.copytree(folder / "ada", folder / "bo")
    for path in (folder / "bo").rglob("*.py"):
        path.write_text(renamed(path.read_text()))
    shutil.copytree(course_root() / "examples" / "submissions" / "full_marks", folder / "cy")
    for part in load_parts():
        shutil.copytree(part.folder, folder / "dee" / part.name, ignore=shutil.ignore_patterns("*.md", "*.yaml"))
    return folder


def entries(folder):
    return [Entry(path.name, path) for path in sorted(folder.iterdir())]


@pytest.fixture(scope="module")
def checked(classroom, tmp_path_factory):
    output = tmp_path_factory.mktemp("similar-out")
    return check_similarity(entries(classroom), load_parts(), output), output


def test_a_renamed_copy_is_the_most_similar_pair_of_every_part(checked):
    section, _ = checked
    for part, pairs in section.by_part().items():
        assert (pairs[0].first, pairs[0].second) == ("ada", "bo"), part
        assert pairs[0].first_share > 0.8 and pairs[0].second_share > 0.8


def test_untouched_stubs_share_nothing_with_anyone(checked):
    section, _ = checked
    assert not [pair for pair in section.pairs if "dee" in (pair.first, pair.second)]
    assert section.compared == {"nn": 4, "word2vec": 4, "scaling": 4}


def test_each_pair_links_to_a_side_by_side_page_with_the_shared_code_marked(checked):
    section, output = checked
    pair = section.by_part()["scaling"][0]
    page = (output / pair.view).read_text()
    assert pair.view == "similarity/scaling/ada~bo.html"
    assert page.count("<mark>") >= 2 and 'href="../../reports/bo.html"' in page
    assert "changes no grade" in page


def test_the_csv_lists_every_compared_pair(checked):
    _, output = checked
    with open(output / "similarity.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["part"] for row in rows} == {"nn", "word2vec", "scaling"}
    assert {"student_a", "student_b", "share_a", "share_b", "overlap_tokens", "view"} <= set(rows[0])


def test_student_code_is_escaped_on_the_side_by_side_page(tmp_path):
    hostile = '\n# </pre><script>alert(1)</script>\nHOSTILE = "<img src=x onerror=alert(1)>"\n'
    for student in ("ann", "ben"):
        reference_as_submission(tmp_path / "class" / student, ["scaling"])
        laws = tmp_path / "class" / student / "scaling" / "laws.py"
        laws.write_text(laws.read_text() + hostile)
    section = check_similarity(entries(tmp_path / "class"), load_parts(["scaling"]), tmp_path)
    page = (tmp_path / section.pairs[0].view).read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_a_notebook_is_compared_by_the_code_of_its_cells(tmp_path):
    reference_as_submission(tmp_path / "class" / "ann", ["scaling"])
    code = (tmp_path / "class" / "ann" / "scaling" / "laws.py").read_text()
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": renamed(code)}]}
    (tmp_path / "class" / "ben.ipynb").write_text(json.dumps(notebook))
    section = check_similarity(entries(tmp_path / "class"), load_parts(["scaling"]), tmp_path)
    assert [(pair.first, pair.second) for pair in section.pairs] == [("ann", "ben.ipynb")]
    assert section.pairs[0].share > 0.8


def test_without_copydetect_the_check_says_it_did_not_run(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "copydetect", None)   # import copydetect now raises ImportError
    section = check_similarity([], load_parts(), tmp_path)
    assert section.pairs == [] and "copydetect" in section.missing


def test_copydetect_is_imported_without_matplotlib_and_still_fingerprints():
    """The check runs beside the grading: copydetect's import of matplotlib (for its own report) is left out."""
    import subprocess

    probe = ("import sys; from autograder.batch._similarity import _fingerprint, _import_copydetect; "
             "cd = _import_copydetect(); print(sorted(m for m in sys.modules if m.startswith('matplotlib'))); "
             "print(len(_fingerprint(cd, 'def relu(s):\\n    return [max(0.0, x) for x in s]\\n' * 5).hashes) > 0)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "True"]


def test_two_pairs_whose_ids_join_to_the_same_text_get_pages_of_their_own():
    from autograder.batch._discover import _safe
    from autograder.batch._similarity import pair_view

    assert _safe("a~b") == "a_b"   # the joining character is never part of an id
    ids = ["a", "a--b", "b--c", "c", "a-", "-b"]
    views = {pair_view("nn", first, second) for first in ids for second in ids if first != second}
    assert len(views) == len(ids) * (len(ids) - 1)

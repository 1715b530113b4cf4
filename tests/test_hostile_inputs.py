"""The grading process never chokes on what a student hands in: each attack of hostile_inputs is bounded.

Each test states its bound in seconds and MiB (peak of the grading process's
Python allocations, by tracemalloc), measured around the step that used to hang,
crash or blow up.  The budgets are those of assignments/grading.yaml.
"""
from __future__ import annotations

import os
import time
import tracemalloc
from contextlib import contextmanager

import pytest
from hostile_inputs import (
    COLLIDING_NAMES,
    FORMULA_NAMES,
    answers_link_to_kmsg,
    billion_laughs,
    fifo_in_folder,
    magics_notebook,
    nested_folders,
    remove_nested_folders,
    sparse_file,
    sparse_notebooks,
    undecodable_name,
    zip_of_big_notebooks,
)

from autograder._errors import UserError
from autograder.batch._discover import discover
from autograder.batch._gradebook import gradebook_rows
from autograder.batch._state import submission_fingerprint
from autograder.course import load_parts
from autograder.grading import failed_result
from autograder.grading._submission import locate


class Bound:
    seconds: float = 0.0
    mib: float = 0.0


@contextmanager
def bounded(seconds: float, mib: float):
    """Measure the block; fail when it took longer or allocated more at its peak."""
    bound = Bound()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield bound
    finally:
        bound.seconds = time.perf_counter() - started
        bound.mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert bound.seconds < seconds, f"took {bound.seconds:.1f} s (bound {seconds} s)"
    assert bound.mib < mib, f"peaked at {bound.mib:.0f} MiB (bound {mib} MiB)"


@pytest.fixture(scope="module")
def parts():
    return load_parts()


def test_a_notebook_of_magics_is_cleaned_in_a_few_parses(tmp_path, parts):
    path = magics_notebook(tmp_path)
    with bounded(seconds=5, mib=32):
        submission = locate(path, parts)
    assert submission.has_module("nn", "activations")
    assert any("IPython magics" in note for note in submission.notes)


def test_a_zip_of_notebooks_at_the_size_cap_is_read_within_the_byte_budget(tmp_path, parts):
    path = zip_of_big_notebooks(tmp_path)
    assert path.stat().st_size < 8 * 2**20   # a few MB that unpack to nearly 1 GB
    with bounded(seconds=20, mib=128):
        submission = locate(path, parts)
    assert not submission.modules
    assert any("JSON values" in note for note in submission.notes)
    assert any("64 MiB in all" in note for note in submission.notes)


def test_sparse_notebooks_are_read_one_at_a_time_within_the_byte_budget(tmp_path, parts):
    folder = sparse_notebooks(tmp_path / "class")
    with bounded(seconds=15, mib=96):
        submission = locate(folder, parts)
    assert sum("64 MiB in all" in note for note in submission.notes) >= 90


def test_a_fifo_where_a_module_is_expected_is_never_opened(tmp_path, parts):
    folder = fifo_in_folder(tmp_path / "mallory")
    with bounded(seconds=2, mib=16):
        submission = locate(folder, parts)
        fingerprint = submission_fingerprint(folder)
    assert not submission.has_module("nn", "activations") and fingerprint
    assert any("FIFOs" in note and "nn/activations.py" in note for note in submission.notes)


def test_an_8_gb_sparse_module_is_refused_by_its_size_and_fingerprinted_without_reading_it(tmp_path, parts):
    folder = sparse_file(tmp_path / "mallory")
    with bounded(seconds=2, mib=16):
        submission = locate(folder, parts)
        fingerprint = submission_fingerprint(folder)
    assert not submission.modules and len(fingerprint) == 64
    assert any("is 8589934592 bytes" in note for note in submission.notes)


def test_1200_nested_folders_are_walked_without_recursion_to_the_depth_limit(tmp_path, parts):
    folder = nested_folders(tmp_path / "mallory")
    try:
        with bounded(seconds=5, mib=16):
            submission = locate(folder, parts)
            submission_fingerprint(folder)
    finally:
        remove_nested_folders(folder)
    assert not submission.modules
    assert any("more than 12 levels deep" in note for note in submission.notes)


def test_a_name_that_is_not_utf8_becomes_a_readable_student_id(tmp_path, parts):
    folder = undecodable_name(tmp_path / "class")
    [entry] = discover(folder.parent)
    assert entry.student == "caf_-" and entry.path == folder
    submission = locate(entry.path, parts, entry.student)
    assert submission.has_module("nn", "activations")
    assert failed_result(entry.path, "x", ["nn"], entry.student).submission.endswith("caf\ufffd-\ufffd")


def test_an_answers_file_of_nested_aliases_is_refused_where_the_first_alias_stands(tmp_path):
    from autograder.quiz import load_answers

    path = billion_laughs(tmp_path)
    with bounded(seconds=1, mib=16), pytest.raises(UserError) as refused:
        load_answers(path)
    assert refused.value.line == 2 and "aliases" in refused.value.message


def test_an_answers_file_linked_to_a_kernel_file_is_never_opened(tmp_path):
    from quiz.conftest import BANK

    from autograder.batch._quiz import quiz_result_for

    folder = answers_link_to_kmsg(tmp_path / "s1")
    # opening the link would block for ever; the quiz bank's own loading takes seconds on a loaded machine
    with bounded(seconds=60, mib=64):
        result = quiz_result_for(folder, "s1", str(BANK))
    assert result.score == 0 and "no quiz answers file" in result.error


def test_names_that_collide_once_made_safe_get_ids_of_their_own(tmp_path):
    for name in COLLIDING_NAMES:
        (tmp_path / name).mkdir()
    ids = {entry.folder: entry.student for entry in discover(tmp_path)}
    assert ids == {"alice": "alice", "alice-2": "alice-2", "alice!": "alice-3"}


def test_a_folder_keeps_its_id_when_a_folder_of_that_name_appears_later(tmp_path):
    for name in COLLIDING_NAMES:
        (tmp_path / name).mkdir()
    first = {entry.folder: entry.student for entry in discover(tmp_path)}
    (tmp_path / "alice-3").mkdir()
    again = {entry.folder: entry.student for entry in discover(tmp_path, first)}
    assert {folder: again[folder] for folder in first} == first
    assert again["alice-3"] == "alice-3-2"


def test_gradebook_cells_a_spreadsheet_would_evaluate_are_written_as_text(tmp_path):
    results = [failed_result(tmp_path / name, f"=cmd|' /C calc'!A0 {name}", ["scaling"], f"id{index}")
               for index, name in enumerate(FORMULA_NAMES)]
    folders = {f"id{index}": name for index, name in enumerate(FORMULA_NAMES)}
    _, rows = gradebook_rows(results, folders)
    cells = [value for row in rows for value in row.values()]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert sorted(row["folder"] for row in rows) == sorted("'" + name for name in FORMULA_NAMES)


def test_a_billion_laughs_does_not_cost_the_yaml_positions_an_exponential_walk(tmp_path):
    from autograder._yamlio import load_yaml

    path = billion_laughs(tmp_path)
    with bounded(seconds=2, mib=32):
        document = load_yaml(path)   # the trusted loader (quiz files, manifests) accepts aliases, walks each node once
    line, _ = document.position(("answers", "q"))   # never assert on `document`: its repr spells out a billion strings
    assert line == 9   # where the value the alias stands for is written


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_fifo_given_as_the_submission_is_a_one_line_error(tmp_path, parts):
    from autograder.grading import MalformedSubmission

    path = tmp_path / "alice.py"
    os.mkfifo(path)
    with bounded(seconds=2, mib=16), pytest.raises(MalformedSubmission) as refused:
        locate(path, parts)
    assert str(refused.value).startswith(f"{path}: ") and "not a regular file" in str(refused.value)


def test_budgets_come_from_the_course_settings_file(tmp_path, parts, monkeypatch):
    import shutil

    from autograder.course import course_root

    shutil.copytree(course_root() / "assignments", tmp_path / "assignments")
    settings = tmp_path / "assignments" / "grading.yaml"
    settings.write_text(settings.read_text().replace("max_module_kib: 1024", "max_module_kib: 1"))
    monkeypatch.setenv("AUTOGRADER_COURSE", str(tmp_path))
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "activations.py").write_text("x = 1\n" * 400)
    submission = locate(folder, parts)
    assert not submission.modules and any("at most 1024 are read" in note for note in submission.notes)


def test_a_settings_file_with_a_wrong_value_is_a_located_error(tmp_path):
    import shutil

    from autograder.course import course_root, load_settings

    shutil.copytree(course_root() / "assignments", tmp_path / "assignments")
    settings = tmp_path / "assignments" / "grading.yaml"
    settings.write_text(settings.read_text().replace("max_depth: 12", "max_depth: deep"))
    with pytest.raises(UserError) as refused:
        load_settings(tmp_path)
    assert refused.value.path == str(settings) and refused.value.line is not None and "max_depth" in str(refused.value)


def test_every_budget_of_the_settings_file_is_documented_in_the_readme():
    import yaml

    from autograder.course import course_root

    readme = (course_root() / "README.md").read_text()
    settings = yaml.safe_load((course_root() / "assignments" / "grading.yaml").read_text())
    for block in settings.values():
        for key in block:
            assert f"`{key}`" in readme, key


def test_a_folder_of_more_files_than_the_budget_is_looked_at_only_up_to_it(tmp_path, parts):
    folder = tmp_path / "mallory"
    folder.mkdir()
    for index in range(2500):
        (folder / f"f{index:04}.txt").touch()
    with bounded(seconds=2, mib=16):
        submission = locate(folder, parts)
    assert any("more than 2000 files and folders" in note for note in submission.notes)


def test_a_zip_of_more_members_than_the_budget_is_refused_before_any_is_read(tmp_path, parts):
    import zipfile

    from autograder.grading import MalformedSubmission

    path = tmp_path / "mallory.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(2001):
            archive.writestr(f"f{index}.py", "")
    with bounded(seconds=2, mib=16), pytest.raises(MalformedSubmission) as refused:
        locate(path, parts)
    assert "at most 2000 are accepted" in str(refused.value)


def test_a_notebook_that_spells_a_lone_surrogate_reads_as_a_replacement_character():
    from autograder.grading._submission_notebook import read_cells

    data = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", ' \
           b'"metadata": {}, "outputs": [], "execution_count": null, "source": "x = \\"\\ud800\\""}]}'
    (cell,) = read_cells(data)
    assert cell.source == 'x = "\ufffd"'


@pytest.mark.parametrize("suffix, text", [(".json", '{"answers": {"q1": "\\ud800 \\udfff"}}'),
                                          (".yaml", 'answers:\n  q1: "\\ud800 \\udfff"\n')])
def test_an_answers_file_that_spells_lone_surrogates_reads_as_replacement_characters(tmp_path, suffix, text):
    from autograder.quiz._answers import load_answers

    path = tmp_path / f"student{suffix}"
    path.write_text(text, encoding="utf-8")
    assert load_answers(path).answers == {"q1": "\ufffd \ufffd"}

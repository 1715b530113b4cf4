"""Submissions that attack the grading process itself (not the worker), made at test time.

Git cannot hold most of them (FIFOs, sparse files of gigabytes, names that are
not UTF-8, 1,200 nested folders), so each is a function that writes one into a
folder and returns its path.  Those git can hold are in fixtures/hostile_inputs/.
Each docstring says what the attack did before the grader had budgets.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "hostile_inputs"
RELU = "import numpy as np\n\n\ndef relu(s):\n    return np.maximum(s, 0.0)\n"


def notebook(cells: list[str]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "source": source, "metadata": {}, "outputs": [],
                                  "execution_count": None} for source in cells]})


def magics_notebook(folder: Path) -> Path:
    """72 KB of IPython magics in one cell: each magic line used to re-parse the whole cell (198 s)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "nn.ipynb"
    path.write_text(notebook([RELU + "%time x = 1\n" * 6000]))
    return path


def zip_of_big_notebooks(folder: Path, count: int = 60, size: int = 16 * 2**20 - 1024) -> Path:
    """A 1.5 MB zip of 60 notebooks just under the per-file cap, each a list of millions of numbers:
    all of them used to be unpacked into memory at once, then parsed (2 GB)."""
    folder.mkdir(parents=True, exist_ok=True)
    numbers = ",".join(["1000"] * ((size - 100) // 5))
    body = '{"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": [' + numbers + ']}, "cells": []}'
    path = folder / "notebooks.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for index in range(count):
            archive.writestr(f"nb{index:02}.ipynb", body)
    return path


def sparse_notebooks(folder: Path, count: int = 100, size: int = 16 * 2**20 - 1) -> Path:
    """100 sparse notebook files just under the cap (12 KB on disk): all used to be read at once (3.4 GB)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        with open(folder / f"nb{index:03}.ipynb", "wb") as handle:
            handle.truncate(size)
    return folder


def sparse_file(folder: Path, name: str = "activations.py", size: int = 8 * 2**30) -> Path:
    """An 8 GB sparse file: the batch's fingerprint used to read every file whole (and crash)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "wb") as handle:
        handle.truncate(size)
    return folder


def fifo_in_folder(folder: Path, name: str = "activations.py") -> Path:
    """A FIFO where a module is expected: opening it blocked the batch before anyone was graded."""
    (folder / "nn").mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "nn" / name)
    return folder


def answers_link_to_kmsg(folder: Path) -> Path:
    """An answers file that is a link to /proc/kmsg: reading it blocked a --quiz job forever."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "s1.answers.yaml").symlink_to("/proc/kmsg")
    return folder


def nested_folders(folder: Path, depth: int = 1200) -> Path:
    """1,200 nested folders with a module at the bottom: the recursive walks raised RecursionError."""
    folder.mkdir(parents=True, exist_ok=True)
    path = str(folder)
    for _ in range(depth):   # one level at a time: pathlib's own mkdir(parents=True) recurses
        path += "/d"
        os.mkdir(path)
    with open(path + "/activations.py", "w") as handle:
        handle.write(RELU)
    return folder


def remove_nested_folders(folder: Path) -> None:
    """Remove what nested_folders made, deepest first (shutil.rmtree recurses too)."""
    path = str(folder)
    depth = 0
    while os.path.isdir(path + "/d"):
        path, depth = path + "/d", depth + 1
    os.unlink(path + "/activations.py")
    for _ in range(depth):
        os.rmdir(path)
        path = path[: -len("/d")]


def undecodable_name(folder: Path) -> Path:
    """A folder whose name is not UTF-8: printing or storing the name crashed every run."""
    path = Path(os.fsdecode(bytes(folder) + b"/caf\xe9-\xff"))
    (path / "nn").mkdir(parents=True)
    (path / "nn" / "activations.py").write_text(RELU)
    return path


def billion_laughs(folder: Path) -> Path:
    """359 bytes of nested YAML aliases standing for a billion strings (exhausted memory)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "s1.answers.yaml"
    path.write_bytes((FIXTURES / "billion_laughs.answers.yaml").read_bytes())
    return path


FORMULA_NAMES = ['=HYPERLINK("evil.example","x")', "+A1", "@SUM(A1:A9)", "-2+3", "\tTAB"]
COLLIDING_NAMES = ["alice", "alice!", "alice-2"]

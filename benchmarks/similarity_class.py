"""Benchmark: the batch's similarity check (copydetect's winnowing) on a generated class of 200 submissions.

Uses the class of batch_class.py (many near-copies of the reference: a worst
case for the number of alike pairs) and prints, per part, how many submissions
were fingerprinted, how many pairs were flagged and the seconds it took, then
the total.  Nothing is graded: only the students' code is read.
Run: .venv/bin/python benchmarks/similarity_class.py [class size]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from autograder.batch import check_similarity, discover
from autograder.course import load_parts

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_class import make_class


def main(size: int = 200) -> None:
    with tempfile.TemporaryDirectory() as folder:
        submissions, output = Path(folder) / "class", Path(folder) / "out"
        submissions.mkdir()
        output.mkdir()
        make_class(submissions, size)
        entries = discover(submissions)
        started = time.perf_counter()
        section = check_similarity(entries, load_parts(), output)
        total = time.perf_counter() - started
        for part, pairs in section.by_part().items():
            print(f"{part}: {section.compared.get(part, 0)} submissions, {len(pairs)} pairs shown")
        csv_rows = (output / "similarity.csv").read_text().count("\n") - 1
        print(f"similarity check of {len(entries)} submissions x {len(load_parts())} parts: {total:.1f} s "
              f"({csv_rows} compared pairs in similarity.csv){'; ' + section.note if section.note else ''}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

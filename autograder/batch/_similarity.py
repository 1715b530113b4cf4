"""Similarity across the class: the most alike pairs of submissions, per part, for a person to look at.

Fingerprints are copydetect's (winnowing, as in MOSS: the code is tokenised by
Pygments, names and strings are normalised, k-grams hashed), with the stub's
own code given as boilerplate so the signatures and docstrings every student
received never count.  The pairs sharing the most fingerprints are compared
with copydetect's `compare_files`, which gives each side's share of copied code
and where it is; every pair on the dashboard links to a side-by-side page.

It flags, never judges: nothing here touches a grade.  copydetect is optional
(the `batch` extra): without it the dashboard says the check did not run.
"""
from __future__ import annotations

import csv
import io
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .._errors import UserError
from ..course import Part
from ..grading import student_sources
from ..render.dashboard import SimilarityPair, SimilaritySection, render_similarity_pair
from ._discover import Entry

NOISE_TOKENS = 25         # copydetect's defaults: shared runs shorter than this are noise ...
GUARANTEE_TOKENS = 25     # ... and every shared run at least this long is found
CANDIDATES = 40           # pairs per part compared in full, picked by their shared fingerprints
SHOWN = 10                # pairs per part on the dashboard (all compared pairs go to the CSV)
MIN_OVERLAP_TOKENS = 60   # less shared code than this is what any two solutions of a small function share
TIME_BUDGET = 300.0       # seconds for the whole check; the parts not reached by then are said to be skipped
CSV_NAME = "similarity.csv"


@dataclass
class _Fingerprinted:
    student: str
    code: str
    print: Any   # copydetect.CodeFingerprint (an optional dependency)


def check_similarity(entries: list[Entry], parts: list[Part], output: Path) -> SimilaritySection:
    """Compare every pair of submissions per part; write similarity.csv and the side-by-side pages into output."""
    try:
        copydetect = _import_copydetect()
    except ImportError:
        return SimilaritySection(missing="The similarity check needs copydetect, which is not installed "
                                         "(pip install 'week5-autograder[batch]').")
    started = time.monotonic()
    codes: dict[str, dict[str, str]] = {part.name: {} for part in parts}
    for entry in entries:
        try:
            found = student_sources(entry.path, parts)
        except UserError:   # unreadable: the gradebook already says why
            continue
        for part_name, code in found.items():
            codes[part_name][entry.student] = code
    section = SimilaritySection(csv=CSV_NAME)
    skipped, every_pair = [], []
    for part in parts:
        if time.monotonic() - started > TIME_BUDGET:
            skipped.append(part.name)
            continue
        section.compared[part.name] = len(codes[part.name])
        compared = _compare_part(copydetect, part, codes[part.name])
        every_pair += [pair for pair, _, _ in compared]
        for pair, first, second in compared[:SHOWN]:
            path = output / pair.view
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_similarity_pair(pair, first, second), encoding="utf-8")
            section.pairs.append(pair)
    _write_csv(every_pair, output / CSV_NAME)
    if skipped:
        section.note = f"Stopped after {TIME_BUDGET:g} s: part {', '.join(skipped)} was not compared."
    return section


def pair_view(part: str, first: str, second: str) -> str:
    """The side-by-side page of two students' code, relative to the batch's output folder.

    "~" joins the ids because no student id holds it (`_discover`), so the
    pair (a, b--c) and the pair (a--b, c) never share a page.
    """
    return f"similarity/{part}/{first}~{second}.html"


def _import_copydetect() -> ModuleType:
    """copydetect, without matplotlib.

    copydetect imports matplotlib.pyplot (0.7 s) for the figures of its own HTML
    report, which the batch never asks for; the check runs beside the grading,
    so that time was taken from the students' jobs.  While copydetect imports,
    matplotlib and its pyplot are stand-ins that refuse any use.
    """
    if "copydetect" in sys.modules or "matplotlib.pyplot" in sys.modules:
        import copydetect
        return copydetect
    stand_ins = {name: _Refusing(name) for name in ("matplotlib", "matplotlib.pyplot")}
    vars(stand_ins["matplotlib"])["pyplot"] = stand_ins["matplotlib.pyplot"]   # what `import matplotlib.pyplot as plt` binds
    saved = {name: sys.modules.get(name) for name in stand_ins}
    sys.modules.update(stand_ins)
    try:
        import copydetect
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return copydetect


class _Refusing(ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(f"{self.__name__}.{name}: matplotlib is not loaded for copydetect (its report is not used)")


def _fingerprint(copydetect, code: str, boilerplate=None):
    # language given: finding Pygments' lexer from the file name scans every lexer (0.3 s the first time)
    return copydetect.CodeFingerprint("submission.py", NOISE_TOKENS, GUARANTEE_TOKENS - NOISE_TOKENS + 1,
                                      boilerplate=boilerplate, language="python", fp=io.StringIO(code))


def _boilerplate(copydetect, part: Part):
    """The fingerprints of the stubs the students received: shared by everyone, so never evidence."""
    import numpy as np

    hashes: set = set()
    for path in sorted(part.folder.glob("*.py")):
        hashes |= _fingerprint(copydetect, path.read_text(encoding="utf-8")).hashes
    return np.array(sorted(hashes))


def _compare_part(copydetect, part: Part, codes: dict[str, str]) -> list[tuple[SimilarityPair, list, list]]:
    """The pairs of this part sharing the most code, most alike first, each with both codes cut into
    (text, shared) pieces for the side-by-side page."""
    boilerplate = _boilerplate(copydetect, part)
    # Tokenising is nearly all the cost, and many hand in the same code (untouched stubs, one shared
    # solution): each distinct code is fingerprinted once; a fingerprint is never changed once made.
    distinct = {code: _fingerprint(copydetect, code, boilerplate) for code in set(codes.values())}
    prints = [_Fingerprinted(student, code, distinct[code]) for student, code in sorted(codes.items())]
    prints = [item for item in prints if item.print.hashes]   # an untouched stub has nothing of its own
    # Cheap first pass: how many fingerprints two submissions share, relative to the smaller.
    scored = []
    for a, b in itertools.combinations(prints, 2):
        shared = len(a.print.hashes & b.print.hashes)
        if shared:
            scored.append((shared / min(len(a.print.hashes), len(b.print.hashes)), a, b))
    scored.sort(key=lambda item: (-item[0], item[1].student, item[2].student))
    compared = []
    for _, a, b in scored[:CANDIDATES]:
        overlap, (share_a, share_b), (slices_a, slices_b) = copydetect.compare_files(a.print, b.print)
        if overlap < MIN_OVERLAP_TOKENS:
            continue
        pair = SimilarityPair(part=part.name, first=a.student, second=b.student,
                              first_share=float(min(1.0, share_a)), second_share=float(min(1.0, share_b)),
                              overlap_tokens=int(overlap), view=pair_view(part.name, a.student, b.student))
        compared.append((pair, _segments(a.code, slices_a), _segments(b.code, slices_b)))
    return sorted(compared, key=lambda item: (-item[0].share, -item[0].overlap_tokens, item[0].first, item[0].second))


def _write_csv(pairs: list[SimilarityPair], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["part", "student_a", "student_b", "share_a", "share_b", "overlap_tokens", "view"])
    for pair in pairs:
        writer.writerow([pair.part, pair.first, pair.second, f"{pair.first_share:.3f}", f"{pair.second_share:.3f}",
                         pair.overlap_tokens, pair.view])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _segments(code: str, slices) -> list[tuple[str, bool]]:
    """The code cut into (text, shared) pieces by copydetect's slices (a 2×N array of start and end offsets)."""
    pieces, position = [], 0
    if len(slices) == 2 and len(slices[0]):
        for start, end in sorted(zip((int(s) for s in slices[0]), (int(e) for e in slices[1]))):
            start, end = max(start, position), min(end, len(code))
            if start >= end:
                continue
            pieces.append((code[position:start], False))
            pieces.append((code[start:end], True))
            position = end
    pieces.append((code[position:], False))
    return [(text, shared) for text, shared in pieces if text]

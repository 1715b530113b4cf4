"""Benchmark: how often feedback diagnoses mistakes nobody catalogued (issue 15).

Grades every held-out wrong implementation of the held-out sets (tests/fixtures/heldout/,
on which the detectors were improved, tests/fixtures/heldout2/, written blind to them, and
tests/fixtures/heldout3/, written blind and tuned on by nobody) alone
(the reference of its part with the wrong definitions appended) and judges the
feedback of the part's failed tests (see tests/heldout.py):

  (a) names an acceptable mistake     a catalogue id listed in the case's acceptable_mistakes
  (b) names a wrong mistake           any other catalogue id
  (c) localises it                    one of the case's `localise` strings is in a message, expected or got text,
                                      as a whole word (heldout.mentions: not "exp" inside "expected")
  headline                            (a or c) and not (b)

and prints these shares per set (per part, then the set) and over all the sets, the cases that lose no points
(grader holes), then grades the correct variants of tests/variants/ (as .py
files and as notebooks) and prints every mistake name they receive.  Target of
issue 15: headline ≥ 80%, no mistake name on a correct variant.

Run: .venv/bin/python benchmarks/diagnosis_rate.py [-v] [--set NAME ...] [--no-variants]
(-v: one line per case; --set: only the named sets, heldout, heldout2 or heldout3; --no-variants: skip the variants)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import heldout  # noqa: E402
import variants  # noqa: E402

from autograder.grading import grade_submission  # noqa: E402


def share(count: int, total: int) -> str:
    return f"{count:3d}/{total:<3d} {100 * count / total:5.1f}%" if total else "  -"


def grade_cases(cases: list[heldout.Case], scratch: Path, verbose: bool) -> list[heldout.Verdict]:
    verdicts = []
    for case in cases:
        folder = heldout.write_submission([case], scratch / case.set / case.part / case.name)
        result = grade_submission(folder, [case.part])
        if result.error:
            raise SystemExit(f"{case.id}: grading failed: {result.error}")
        verdict = heldout.judge(case, result.part(case.part).tests)
        verdicts.append(verdict)
        if verbose:
            marks = "".join(flag if on else "." for flag, on in (("a", verdict.acceptable_names),
                                                                  ("b", verdict.wrong_names),
                                                                  ("c", verdict.localised_by)))
            details = [f"named {', '.join(verdict.acceptable_names)}"] if verdict.acceptable_names else []
            details += [f"WRONG NAME {', '.join(verdict.wrong_names)}"] if verdict.wrong_names else []
            details += [f"localised by {verdict.localised_by}"] if verdict.localised_by else []
            details += [] if verdict.lost_points else ["LOSES NO POINTS"]
            print(f"  {'✓' if verdict.diagnosed else '✗'} {marks} {case.id:<64} {'; '.join(details)}")
    return verdicts


def print_rates(verdicts: list[heldout.Verdict]) -> None:
    print(f"\n{'':18} {'(a) right name':>16} {'(b) wrong name':>16} {'(c) localised':>16} {'headline':>16}"
          f" {'loses points':>16}")
    groups: dict[str, list[heldout.Verdict]] = {}
    sets = list(dict.fromkeys(v.case.set for v in verdicts))
    for set_name in sets:
        in_set = [v for v in verdicts if v.case.set == set_name]
        for part in dict.fromkeys(v.case.part for v in in_set):
            groups[f"{set_name} {part}"] = [v for v in in_set if v.case.part == part]
        groups[f"{set_name} all"] = in_set
    if len(sets) > 1:
        groups["overall"] = verdicts
    for name, group in groups.items():
        counts = [sum(bool(v.acceptable_names) for v in group), sum(bool(v.wrong_names) for v in group),
                  sum(bool(v.localised_by) for v in group), sum(v.diagnosed for v in group),
                  sum(v.lost_points for v in group)]
        print(f"{name:18} " + " ".join(f"{share(count, len(group)):>16}" for count in counts))
    for set_name in sets:
        losing = [v for v in verdicts if v.lost_points and v.case.set == set_name]
        print(f"{set_name:18} headline over the cases that lose points: "
              f"{share(sum(v.diagnosed for v in losing), len(losing))}")
    missed = [v for v in verdicts if v.lost_points and not v.diagnosed]
    if missed:
        print("\ncases that lose points but are neither named nor localised:")
        for verdict in missed:
            print(f"  {verdict.case.id}: {verdict.case.bug}")
    holes = [v.case for v in verdicts if not v.lost_points]
    if holes:
        print("\ncases that lose no points (grader holes):")
        for case in holes:
            print(f"  {case.id}: {case.grader_hole or case.bug}")
    wrong = [v for v in verdicts if v.wrong_names]
    if wrong:
        print("\nwrong names:")
        for verdict in wrong:
            print(f"  {verdict.case.id}: {', '.join(verdict.wrong_names)}  (the bug: {verdict.case.bug})")


def grade_variants(scratch: Path) -> None:
    print("\ncorrect variants: points lost and mistake names received")
    for name in variants.SUBMISSIONS:
        for form in variants.FORMS:
            chosen = variants.SUBMISSIONS[name]
            result = grade_submission(variants.write_submission(chosen, scratch / "variants" / name / form, form),
                                      variants.parts_changed(chosen))
            named = sorted({f"{test.function}: {test.feedback.mistake}" for test in result.tests()
                            if test.feedback and test.feedback.mistake})
            lost = sorted({test.function for test in result.tests() if test.score < test.max_score})
            print(f"  {name:<16} {form:<9} {result.score:g}/{result.max_score:g}"
                  f"  mistake names: {', '.join(named) or 'none'}"
                  + (f"  (points lost in {', '.join(lost)})" if lost else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    parser.add_argument("--set", action="append", choices=list(heldout.SETS), dest="sets",
                        help="grade only this held-out set (repeatable; default: every set)")
    parser.add_argument("--no-variants", action="store_true", help="do not grade the correct variants")
    options = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="diagnosis-rate-") as scratch:
        verdicts = grade_cases(heldout.load_sets(options.sets), Path(scratch), options.verbose)
        print_rates(verdicts)
        if not options.no_variants:
            grade_variants(Path(scratch))
    graded_variants = 0 if options.no_variants else len(variants.SUBMISSIONS) * len(variants.FORMS)
    print(f"\n{len(verdicts)} held-out cases and {graded_variants} variant "
          f"submissions graded in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

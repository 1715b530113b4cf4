"""Benchmark: how often feedback diagnoses mistakes nobody catalogued (issue 15).

Grades every held-out wrong implementation of tests/fixtures/heldout/ alone
(the reference of its part with the wrong definitions appended) and judges the
feedback of the part's failed tests (see tests/heldout.py):

  (a) names an acceptable mistake     a catalogue id listed in the case's acceptable_mistakes
  (b) names a wrong mistake           any other catalogue id
  (c) localises it                    one of the case's `localise` strings is in a message, expected or got text
  headline                            (a or c) and not (b)

and prints these shares per part and overall, the cases that lose no points
(grader holes), then grades the correct variants of tests/variants/ (as .py
files and as notebooks) and prints every mistake name they receive.  Target of
issue 15: headline ≥ 80%, no mistake name on a correct variant.

Run: .venv/bin/python benchmarks/diagnosis_rate.py [-v]   (-v: one line per case)
"""
from __future__ import annotations

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


def grade_cases(scratch: Path, verbose: bool) -> list[heldout.Verdict]:
    verdicts = []
    for case in heldout.load_cases():
        folder = heldout.write_submission([case], scratch / "heldout" / case.part / case.name)
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
            print(f"  {'✓' if verdict.diagnosed else '✗'} {marks} {case.id:<55} {'; '.join(details)}")
    return verdicts


def print_rates(verdicts: list[heldout.Verdict]) -> None:
    print(f"\n{'':10} {'(a) right name':>16} {'(b) wrong name':>16} {'(c) localised':>16} {'headline':>16}"
          f" {'loses points':>16}")
    groups = {part: [v for v in verdicts if v.case.part == part] for part in dict.fromkeys(v.case.part for v in verdicts)}
    groups["overall"] = verdicts
    for name, group in groups.items():
        counts = [sum(bool(v.acceptable_names) for v in group), sum(bool(v.wrong_names) for v in group),
                  sum(bool(v.localised_by) for v in group), sum(v.diagnosed for v in group),
                  sum(v.lost_points for v in group)]
        print(f"{name:10} " + " ".join(f"{share(count, len(group)):>16}" for count in counts))
    losing = [v for v in verdicts if v.lost_points]
    print(f"{'':10} headline over the cases that lose points: {share(sum(v.diagnosed for v in losing), len(losing))}")
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
    verbose = "-v" in sys.argv[1:]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="diagnosis-rate-") as scratch:
        verdicts = grade_cases(Path(scratch), verbose)
        print_rates(verdicts)
        grade_variants(Path(scratch))
    print(f"\n{len(verdicts)} held-out cases and {len(variants.SUBMISSIONS) * len(variants.FORMS)} variant "
          f"submissions graded in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

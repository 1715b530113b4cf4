#!/usr/bin/env bash
# Set up (scripts/setup.sh), then check the code (ruff, mypy) and run the project's whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check --quiet .
.venv/bin/mypy --no-error-summary
export AUTOGRADER_REQUIRE_SANDBOX=1   # CI must exercise the bubblewrap path, not skip it
# two processes (one per core here), each test file in one of them so its module fixtures are built once
exec .venv/bin/python -m pytest -q -n auto --dist loadfile "$@"

#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the project's whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export AUTOGRADER_REQUIRE_SANDBOX=1   # CI must exercise the bubblewrap path, not skip it
exec .venv/bin/python -m pytest -q "$@"

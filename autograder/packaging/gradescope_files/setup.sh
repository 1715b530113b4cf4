#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
# It installs Python, bubblewrap (used when the container allows namespaces),
# libseccomp's Python bindings (the worker's system-call filter in every mode)
# and this package with its dependencies into $ROOT/venv.
set -euo pipefail
ROOT="${AUTOGRADER_GRADESCOPE_ROOT:-/autograder}"
missing=()
command -v python3 >/dev/null || missing+=(python3 python3-venv python3-pip)
python3 -c "import venv, ensurepip" 2>/dev/null || missing+=(python3-venv)
command -v bwrap >/dev/null || missing+=(bubblewrap)
/usr/bin/python3 -c "import seccomp" 2>/dev/null || missing+=(python3-seccomp)   # the worker's system-call filter
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
python3 -m venv "$ROOT/venv"
# editable: the package stays inside source/, which the grader closes to the student's user
"$ROOT/venv/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT/source"
# bytecode once here, not compiled from source by every grading process (an editable install has none)
"$ROOT/venv/bin/python" -m compileall -q "$ROOT/source/autograder" "$ROOT/source/reference" >/dev/null || true
"$ROOT/venv/bin/autograder" overview >/dev/null

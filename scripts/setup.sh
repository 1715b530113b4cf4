#!/usr/bin/env bash
# Set up everything the project needs on a fresh machine, idempotently:
# system packages (bubblewrap for the sandbox, python3-seccomp for the worker's
# system-call filter, chromium for browser tests) when
# running as root on Debian, then a virtual environment in .venv with the
# package installed in editable mode with all its extras.
set -euo pipefail
cd "$(dirname "$0")/.."

need_packages=()
command -v bwrap >/dev/null 2>&1 || need_packages+=(bubblewrap)
# libseccomp's Python bindings build the worker's system-call filter (run by the system Python)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import seccomp" 2>/dev/null || need_packages+=(python3-seccomp)
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
if [ ${#need_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing ${need_packages[*]} with apt-get" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
    else
        echo "setup: warning: ${need_packages[*]} missing and cannot be installed here; the sandbox or browser tests will not run" >&2
    fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
    # pip compiles what it installs file by file, on one core; compileall -j 0 does it on all of them
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-compile -e '.[all]'
    .venv/bin/python -m compileall -q -j 0 .venv/lib/python3*/site-packages >/dev/null 2>&1 || true
    rm -f .venv/.installed-*
    touch "$stamp"
fi
# bytecode for the package, the reference and the suites (an editable install has none, and a grading
# process that runs with PYTHONDONTWRITEBYTECODE would compile them from source every time)
.venv/bin/python -m compileall -q autograder reference >/dev/null || true

# IMS's QTI 1.2.1 DTD, which the tests validate the Canvas export against (from a PyPI package; see the script)
if [ ! -f .venv/share/ims-qti/ims_qtiasiv1p2p1.dtd ]; then
    .venv/bin/python scripts/fetch_qti_dtd.py >/dev/null || echo "setup: warning: could not fetch the QTI DTD; the QTI validation test will fetch it or fail" >&2
fi

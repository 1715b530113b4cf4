#!/usr/bin/env python3
"""Put IMS's QTI 1.2.1 ASI DTD (ims_qtiasiv1p2p1.dtd) where the tests look for it.

The tests validate the Canvas QTI export against this DTD.  It is not committed
here: it comes, unchanged, from a package on PyPI that ships it, the source
distribution of pyslet 0.7.20170805 (its file
unittests/data_imsqtiv1p2p1/ims_qtiasiv1p2p1.dtd, IMS's "Final release" of
14 Feb 2003), fetched with `pip download` and checked against a pinned sha256.

    python scripts/fetch_qti_dtd.py [DESTINATION]     # default: <venv>/share/ims-qti/ims_qtiasiv1p2p1.dtd
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "pyslet==0.7.20170805"
MEMBER = "pyslet-0.7.20170805/unittests/data_imsqtiv1p2p1/ims_qtiasiv1p2p1.dtd"
SHA256 = "c991ca648247cde8f228500a4ffb7e3578505c451f54150f43258b7f1ab445bd"
DEFAULT = Path(sys.prefix) / "share" / "ims-qti" / "ims_qtiasiv1p2p1.dtd"


def fetch(destination: Path = DEFAULT) -> Path:
    """The DTD at destination, downloaded first if it is not there yet (or not the pinned file)."""
    destination = Path(destination)
    if destination.is_file() and hashlib.sha256(destination.read_bytes()).hexdigest() == SHA256:
        return destination
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--disable-pip-version-check", "--dest", folder, PACKAGE], check=True)
        [archive] = Path(folder).glob("pyslet-*.tar.gz")
        with tarfile.open(archive) as sdist:
            data = sdist.extractfile(MEMBER).read()
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise SystemExit(f"fetch_qti_dtd: {MEMBER} in {PACKAGE} is not the expected file (sha256 differs)")
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(data)
    return destination


if __name__ == "__main__":
    print(fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))

"""The seed of a submission's hidden tests: drawn from its content, keyed by the course secret.

For each part, the digest is sha256 over the part's modules exactly as the
engine grades them (the located `<part>/<module>.py` files, in name order, each
as its name, length and bytes), then over every other file the worker sees (the
other parts' modules, the student's helper modules and data files, of every
part: as their path in the scratch folder, length and bytes, in path order).
The folder's name, file times and a zip against a folder change nothing; any
byte changed in anything the worker can read changes it.  That matters because
the student's code can read all of it: if a helper (or a file of another part)
did not count, a lookup table of the last feedback's answers put there would
meet the very same hidden inputs again.  A part handed in alone, without extra
files, keeps the digest it had before helpers were copied; grading some parts
only (`--part`) shows the worker less, and so draws other inputs.

The seed is the first 63 bits of HMAC-SHA256(course secret, part name +
digest): unpredictable without the secret, the same on every run and machine.
Without a secret (a copy of the course that has none and cannot write one) it
is the first 63 bits of sha256(FALLBACK_LABEL + part name + digest): still one
seed per content, but one anyone holding the grader can compute.
"""
from __future__ import annotations

import hashlib
import hmac

from ._submission import Submission

FALLBACK_LABEL = b"autograder seed without a course secret, v1\0"


def part_digest(submission: Submission, part: str) -> bytes:
    """sha256 of the part's located modules (name, length, bytes; in module-name order), then of the rest the
    worker sees (path in the scratch folder, length, bytes; in path order), if there is any."""
    digest = hashlib.sha256(b"autograder part digest, v1\0")
    rest = []
    for (part_name, module), located in sorted(submission.modules.items()):
        if part_name == part:
            _add(digest, module, located.source)
        else:
            rest.append((f"{part_name}/{module}.py", located.source))
    rest += [(f"{part_name}/{name}", extra.data) for (part_name, name), extra in submission.extras.items()]
    if rest:
        digest.update(b"\0everything else the worker sees, v2\0")
        for path, data in sorted(rest):
            _add(digest, path, data)
    return digest.digest()


def _add(digest, name: str, data: bytes) -> None:
    encoded = name.encode("utf-8", errors="surrogateescape")
    digest.update(len(encoded).to_bytes(8, "big") + encoded + len(data).to_bytes(8, "big"))
    digest.update(data)


def part_seed(secret: bytes | None, part: str, digest: bytes) -> int:
    """A non-negative seed below 2**63 (fits any int64 column) from the part's digest and the course secret."""
    message = part.encode("utf-8") + b"\0" + digest
    if secret is None:
        value = hashlib.sha256(FALLBACK_LABEL + message).digest()
    else:
        value = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(value[:8], "big") >> 1

"""The seed of a submission's hidden tests: drawn from its content, keyed by the course secret.

For each part, the digest is sha256 over the part's modules exactly as the
engine grades them (the located `<part>/<module>.py` files, in name order, each
as its name, length and bytes), so the folder's name, file times and a zip
against a folder change nothing, and any byte changed in a graded file changes
it.  The seed is the first 63 bits of HMAC-SHA256(course secret, part name +
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
    """sha256 of the part's located modules (name, length, bytes; in module-name order)."""
    digest = hashlib.sha256(b"autograder part digest, v1\0")
    for (part_name, module), located in sorted(submission.modules.items()):
        if part_name == part:
            name = module.encode("utf-8")
            digest.update(len(name).to_bytes(8, "big") + name + len(located.source).to_bytes(8, "big"))
            digest.update(located.source)
    return digest.digest()


def part_seed(secret: bytes | None, part: str, digest: bytes) -> int:
    """A non-negative seed below 2**63 (fits any int64 column) from the part's digest and the course secret."""
    message = part.encode("utf-8") + b"\0" + digest
    if secret is None:
        value = hashlib.sha256(FALLBACK_LABEL + message).digest()
    else:
        value = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(value[:8], "big") >> 1

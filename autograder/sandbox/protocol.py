"""Messages between the grading process and the worker: framing and value encoding.

A message is a JSON document plus a list of arrays in numpy's .npy format,
written with `allow_pickle=False` and read back the same way, so nothing that
crosses the boundary can run code when it is decoded.  Frame layout:

    b"AGW1" | json length (uint32) | array count (uint32) | json bytes
    | for each array: length (uint64) | .npy bytes

Values are encoded as JSON trees in which arrays, tuples and dicts are tagged:
{"$array": i} (index into the array list), {"$tuple": [...]},
{"$dict": {...}} (string keys only), {"$rng": seed} (a numpy Generator built
from that seed on the receiving side) and {"$unsupported": "<type name>"} for
anything else a student may return.  This module imports only the standard
library and numpy: it runs on both sides of the boundary.
"""
import io
import json
import struct

import numpy as np

MAGIC = b"AGW1"
MAX_JSON_BYTES = 16 * 2**20
MAX_ARRAYS = 4096
MAX_ARRAY_BYTES = 256 * 2**20
MAX_DEPTH = 40
MAX_ITEMS = 200_000
_ARRAY_KINDS = "biufc"   # bool, int, uint, float, complex: no objects, strings or records


class ProtocolError(Exception):
    """A frame that breaks the protocol (truncated, oversized or malformed)."""


class GeneratorSeed:
    """Stands for `np.random.default_rng(seed)`: a Generator is built on the receiving side.

    Student functions such as minibatch_indices(n, batch, rng) take a numpy
    Generator, which cannot cross the boundary as data; its seed can.
    """

    def __init__(self, seed):
        self.seed = int(seed)

    def __repr__(self):
        return f"np.random.default_rng({self.seed})"


class Unsupported:
    """Stands for a value the worker could not encode (an object of the student's own type, ...)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<object of type {self.type_name}>"

    def __eq__(self, other):
        return isinstance(other, Unsupported) and other.type_name == self.type_name

    __hash__ = None  # type: ignore[assignment]  # equal by value, so not hashable


def _describe_type(value):
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", "?")
    return name if module in ("builtins", "") else f"{module}.{name}"


def encode_value(value, arrays, _depth=0, _count=None):
    """Turn a Python value into a JSON tree, appending ndarrays to `arrays`.

    Runs in the worker on values the student returned, so it must survive
    anything: unknown types become {"$unsupported": name}, never an exception.
    """
    if _count is None:
        _count = [0]
    _count[0] += 1
    if _depth > MAX_DEPTH or _count[0] > MAX_ITEMS:
        return {"$unsupported": "a structure too deep or too large"}
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value if -2**63 <= value < 2**64 else float(value)
    if kind is float:
        return value
    if kind is GeneratorSeed:
        return {"$rng": value.seed}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind not in _ARRAY_KINDS or array.dtype.hasobject:
            return {"$unsupported": f"numpy array of dtype {array.dtype}"}
        if len(arrays) >= MAX_ARRAYS or array.nbytes > MAX_ARRAY_BYTES:
            return {"$unsupported": "an array too large to return"}
        arrays.append(array if array.flags.c_contiguous else array.copy(order="C"))
        return {"$array": len(arrays) - 1}
    if kind in (list, tuple):
        items = [encode_value(item, arrays, _depth + 1, _count) for item in value]
        return items if kind is list else {"$tuple": items}
    if kind is dict:
        if not all(type(key) is str for key in value):
            return {"$unsupported": "dict with non-string keys"}
        return {"$dict": {key: encode_value(item, arrays, _depth + 1, _count) for key, item in value.items()}}
    return {"$unsupported": _describe_type(value)}


def decode_value(tree, arrays, _depth=0):
    """Inverse of encode_value.  Runs in the grader on data from the worker."""
    if _depth > MAX_DEPTH + 2:
        raise ProtocolError("message nested too deeply")
    if isinstance(tree, list):
        return [decode_value(item, arrays, _depth + 1) for item in tree]
    if isinstance(tree, dict):
        if "$array" in tree:
            index = tree["$array"]
            if type(index) is not int or not 0 <= index < len(arrays):
                raise ProtocolError("array reference out of range")
            return arrays[index]
        if "$tuple" in tree:
            return tuple(decode_value(item, arrays, _depth + 1) for item in tree["$tuple"])
        if "$dict" in tree and isinstance(tree["$dict"], dict):
            return {str(key): decode_value(item, arrays, _depth + 1) for key, item in tree["$dict"].items()}
        if "$rng" in tree and type(tree["$rng"]) is int:
            return np.random.default_rng(tree["$rng"])
        if "$unsupported" in tree:
            return Unsupported(str(tree["$unsupported"])[:200])
        raise ProtocolError("unknown tag in message")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    raise ProtocolError("unexpected JSON value")


def pack(message, arrays=()):
    """Serialise a JSON-able message and its arrays into one frame (bytes)."""
    document = json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
    parts = [MAGIC, struct.pack("<II", len(document), len(arrays)), document]
    for array in arrays:
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        blob = buffer.getvalue()
        parts.append(struct.pack("<Q", len(blob)))
        parts.append(blob)
    return b"".join(parts)


def read_exactly(read, size):
    """Read size bytes with read(n) -> bytes; raise EOFError if the stream ends first."""
    chunks, remaining = [], size
    while remaining:
        chunk = read(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("stream ended in the middle of a message")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def unpack(read):
    """Read one frame with read(n) -> bytes.  Returns (message, arrays).

    Enforces the size limits before allocating, and loads arrays with
    allow_pickle=False, so a hostile sender can neither exhaust memory nor
    smuggle objects in.
    """
    header = read_exactly(read, 12)
    if header[:4] != MAGIC:
        raise ProtocolError("bad frame header")
    json_length, count = struct.unpack("<II", header[4:])
    if json_length > MAX_JSON_BYTES or count > MAX_ARRAYS:
        raise ProtocolError("frame too large")
    try:
        message = json.loads(read_exactly(read, json_length).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError(f"malformed message: {exc.__class__.__name__}") from None
    arrays = []
    for _ in range(count):
        (length,) = struct.unpack("<Q", read_exactly(read, 8))
        if length > MAX_ARRAY_BYTES + 4096:
            raise ProtocolError("array too large")
        try:
            array = np.load(io.BytesIO(read_exactly(read, length)), allow_pickle=False)
        except Exception as exc:  # np.load reports a bad header in many ways
            raise ProtocolError(f"malformed array: {exc.__class__.__name__}") from None
        if not isinstance(array, np.ndarray) or array.dtype.kind not in _ARRAY_KINDS:
            raise ProtocolError("array of an unsupported dtype")
        arrays.append(array)
    return message, arrays

"""Messages between the grading process and the worker: framing and value encoding.

A message is a JSON document plus a list of arrays, each sent as a compact
binary frame: a dtype code from an allow-list (booleans, integers, floats,
complex numbers; never objects, strings or records), its shape, and its raw
bytes in C order.  The size a frame declares is checked against the limits
before anything is allocated, and nothing is ever unpickled, so nothing that
crosses the boundary can run code or exhaust memory when it is decoded.
Frame layout (integers little-endian):

    b"AGW2" | json length (uint32) | array count (uint32) | json bytes
    | for each array: dtype code (uint8) | ndim (uint8) | shape (uint64 each) | raw bytes

Values are encoded as JSON trees in which arrays, tuples and dicts are tagged:
{"$array": i} (index into the array list), {"$tuple": [...]},
{"$dict": {...}} (string keys only), {"$rng": seed} (a numpy Generator built
from that seed on the receiving side) and {"$unsupported": "<type name>"} for
anything else a student may return.  This module imports only the standard
library and numpy: it runs on both sides of the boundary.
"""
import json
import re
import struct

import numpy as np

MAGIC = b"AGW2"
MAX_JSON_BYTES = 16 * 2**20
MAX_ARRAYS = 4096
MAX_ARRAY_BYTES = 256 * 2**20
MAX_FRAME_ARRAY_BYTES = 512 * 2**20   # all arrays of one frame together
MAX_NDIM = 32
MAX_DEPTH = 40
MAX_ITEMS = 200_000
# The only dtypes that cross, by their one-byte code: bool, integers, floats and complex numbers of the usual
# sizes, little-endian.  No objects, strings, records, datetimes or extended precision.
DTYPES = tuple(np.dtype(code) for code in ("|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8",
                                           "<f2", "<f4", "<f8", "<c8", "<c16"))
_DTYPE_CODES = {dtype: code for code, dtype in enumerate(DTYPES)}
_HEADER = struct.Struct("<4sII")
# JSON may spell a lone UTF-16 surrogate (\\ud800), which Python keeps as a str no UTF-8 file can hold.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ARRAY_HEADER = struct.Struct("<BB")


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
        if -2**63 <= value < 2**64:
            return value
        try:
            return float(value)
        except OverflowError:
            return {"$unsupported": "int too large for a float"}
    if kind is float:
        return value
    if kind is GeneratorSeed:
        return {"$rng": value.seed}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        wire = _wire_dtype(array.dtype)
        if wire is None:
            return {"$unsupported": f"numpy array of dtype {array.dtype}"}
        if len(arrays) >= MAX_ARRAYS or array.nbytes > MAX_ARRAY_BYTES:
            return {"$unsupported": "an array too large to return"}
        arrays.append(array if array.dtype == wire and array.flags.c_contiguous
                      else np.ascontiguousarray(array, dtype=wire))
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


def replace_lone_surrogates(value):
    """The value json.loads returned, with each lone UTF-16 surrogate in its strings and keys replaced by U+FFFD.

    json.loads turns the escape \\ud800 into a str that cannot be written as
    UTF-8 (a report holding one could not be written).  Lists and dicts are
    changed in place, without recursion, however deeply they nest.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    pending = [value] if isinstance(value, (list, dict)) else []
    while pending:
        container = pending.pop()
        items = list(container.items()) if isinstance(container, dict) else list(enumerate(container))
        if isinstance(container, dict):
            container.clear()
        for key, item in items:
            if isinstance(item, str):
                item = _SURROGATE.sub("\ufffd", item)
            elif isinstance(item, (list, dict)):
                pending.append(item)
            container[_SURROGATE.sub("\ufffd", key) if isinstance(key, str) else key] = item
    return value


def _wire_dtype(dtype):
    """The allow-listed dtype an array of this dtype crosses as (the same, little-endian), or None."""
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        return None
    wire = dtype.newbyteorder("<") if dtype.byteorder == ">" else dtype
    return wire if wire in _DTYPE_CODES else None


def pack(message, arrays=()):
    """Serialise a JSON-able message and its arrays into one frame (bytes).

    arrays: C-contiguous ndarrays of an allow-listed dtype (what encode_value collects).
    """
    document = json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
    parts = [_HEADER.pack(MAGIC, len(document), len(arrays)), document]
    for array in arrays:
        wire = _wire_dtype(array.dtype)
        if wire is None or array.ndim > MAX_NDIM:
            raise ProtocolError(f"an array of dtype {array.dtype} cannot cross the boundary")
        if array.dtype != wire or not array.flags.c_contiguous:
            array = np.ascontiguousarray(array, dtype=wire)
        parts.append(_ARRAY_HEADER.pack(_DTYPE_CODES[wire], array.ndim))
        parts.append(struct.pack(f"<{array.ndim}Q", *array.shape))
        parts.append(array.data.cast("B") if array.size else b"")
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


def _read_array(read, budget):
    """One array frame, its declared size checked against the limits (and `budget`, the bytes
    the frame may still hold) before the array is allocated.  Returns (array, bytes used)."""
    code, ndim = _ARRAY_HEADER.unpack(read_exactly(read, _ARRAY_HEADER.size))
    if code >= len(DTYPES):
        raise ProtocolError("array of an unsupported dtype")
    if ndim > MAX_NDIM:
        raise ProtocolError("array of too many dimensions")
    dtype = DTYPES[code]
    shape = struct.unpack(f"<{ndim}Q", read_exactly(read, 8 * ndim))
    size = dtype.itemsize
    for extent in shape:   # exact integers: a product that would overflow an int64 cannot slip through
        size *= extent
        if size > MAX_ARRAY_BYTES or size > budget:
            raise ProtocolError("array too large")
    if 0 in shape:
        return np.zeros(shape, dtype), 0
    array = np.empty(shape, dtype)
    target = memoryview(array.reshape(-1).view(np.uint8))
    done = 0
    while done < size:
        chunk = read(min(size - done, 1 << 20))
        if not chunk:
            raise EOFError("stream ended in the middle of a message")
        target[done:done + len(chunk)] = chunk
        done += len(chunk)
    return array, size


def unpack(read):
    """Read one frame with read(n) -> bytes.  Returns (message, arrays).

    Enforces the size limits before allocating, and builds arrays only of the
    allow-listed dtypes from raw bytes, so a hostile sender can neither exhaust
    memory nor smuggle objects in.
    """
    magic, json_length, count = _HEADER.unpack(read_exactly(read, _HEADER.size))
    if magic != MAGIC:
        raise ProtocolError("bad frame header")
    if json_length > MAX_JSON_BYTES or count > MAX_ARRAYS:
        raise ProtocolError("frame too large")
    document = read_exactly(read, json_length)
    try:
        message = json.loads(document.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError(f"malformed message: {exc.__class__.__name__}") from None
    if _SURROGATE_ESCAPE.search(document):   # rare: only then walk the message
        message = replace_lone_surrogates(message)
    arrays, budget = [], MAX_FRAME_ARRAY_BYTES
    for _ in range(count):
        array, used = _read_array(read, budget)
        budget -= used
        arrays.append(array)
    return message, arrays

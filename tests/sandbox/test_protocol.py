"""The frame arrays cross the boundary in: allow-listed dtypes, sizes checked before anything is allocated."""
import io
import struct

import numpy as np
import pytest

from autograder.sandbox import protocol


def round_trip(values):
    arrays: list = []
    tree = protocol.encode_value(values, arrays)
    message, received = protocol.unpack(io.BytesIO(protocol.pack({"v": tree}, arrays)).read)
    return protocol.decode_value(message["v"], received)


def frame_with_array_header(code: int, shape: tuple[int, ...], payload: bytes = b"") -> bytes:
    document = b'{"v":{"$array":0}}'
    return (struct.pack("<4sII", protocol.MAGIC, len(document), 1) + document
            + struct.pack("<BB", code, len(shape)) + struct.pack(f"<{len(shape)}Q", *shape) + payload)


class Reader:
    """read(n) over a frame, counting the bytes handed out."""

    def __init__(self, frame: bytes):
        self.stream = io.BytesIO(frame)
        self.given = 0

    def read(self, size: int) -> bytes:
        chunk = self.stream.read(size)
        self.given += len(chunk)
        return chunk


@pytest.fixture
def no_allocation(monkeypatch):
    """Fails the test if the decoder allocates an array (np.empty or np.zeros)."""
    def refuse(*args, **kwargs):
        raise AssertionError("an array was allocated before the frame was refused")

    monkeypatch.setattr(np, "empty", refuse)
    monkeypatch.setattr(np, "zeros", refuse)


@pytest.mark.parametrize("value", [
    np.float64(3.5), np.int8(-3), np.array(True), np.arange(6, dtype=np.float32).reshape(2, 3),
    np.zeros((0, 3)), np.array([], dtype=np.uint16), np.arange(10)[::2], np.array([1, 2], dtype=">i4"),
    np.ones((2, 2), dtype=np.complex64), np.asfortranarray(np.random.default_rng(0).random((3, 4))),
    np.array([np.nan, np.inf, -0.0]), np.arange(24, dtype=np.uint8).reshape(2, 3, 4)])
def test_allow_listed_arrays_cross_with_their_values_shape_and_dtype(value):
    (received,) = round_trip([value])
    assert isinstance(received, np.ndarray) and received.shape == np.shape(value)
    assert received.dtype == np.asarray(value).dtype.newbyteorder("=")
    assert np.array_equal(received, value, equal_nan=True)
    assert received.flags.writeable and received.flags.c_contiguous


@pytest.mark.parametrize("value", [np.array([1, "a"], dtype=object), np.array(["ab"]), np.ones(2, np.longdouble),
                                   np.zeros(2, dtype=[("x", "f8")]), np.array(["2020-01-01"], dtype="M8[D]")])
def test_a_dtype_outside_the_allow_list_is_returned_as_unsupported(value):
    (received,) = round_trip([value])
    assert isinstance(received, protocol.Unsupported) and "dtype" in received.type_name


def test_an_object_array_is_never_packed():
    with pytest.raises(protocol.ProtocolError):
        protocol.pack({}, [np.array([object()], dtype=object)])


@pytest.mark.parametrize("shape", [(2**40,), (2**33, 2**33), (2**63, 2**63, 2**63), (1, protocol.MAX_ARRAY_BYTES)])
def test_a_huge_declared_shape_is_refused_before_allocating(shape, no_allocation):
    reader = Reader(frame_with_array_header(protocol.DTYPES.index(np.dtype("<f8")), shape))
    with pytest.raises(protocol.ProtocolError, match="too large"):
        protocol.unpack(reader.read)
    assert reader.given == len(reader.stream.getvalue())   # the header only: no payload was asked for


def test_an_unknown_dtype_code_is_refused(no_allocation):
    with pytest.raises(protocol.ProtocolError, match="dtype"):
        protocol.unpack(Reader(frame_with_array_header(len(protocol.DTYPES), (3,), b"\0" * 24)).read)


def test_too_many_dimensions_are_refused(no_allocation):
    with pytest.raises(protocol.ProtocolError, match="dimensions"):
        protocol.unpack(Reader(frame_with_array_header(0, (1,) * (protocol.MAX_NDIM + 1))).read)


def test_arrays_of_one_frame_together_are_held_to_the_frame_budget(monkeypatch):
    monkeypatch.setattr(protocol, "MAX_FRAME_ARRAY_BYTES", 3000)
    arrays = [np.zeros(200) for _ in range(2)]   # 1600 bytes each: the second passes the budget
    frame = protocol.pack({"v": protocol.encode_value(arrays, [])}, arrays)
    allocated: list = []
    real_empty = np.empty
    monkeypatch.setattr(np, "empty", lambda *a, **k: allocated.append(a) or real_empty(*a, **k))
    with pytest.raises(protocol.ProtocolError, match="too large"):
        protocol.unpack(io.BytesIO(frame).read)
    assert len(allocated) == 1


def test_a_truncated_payload_is_the_end_of_the_stream():
    frame = protocol.pack({"v": {"$array": 0}}, [np.arange(100.0)])
    with pytest.raises(EOFError):
        protocol.unpack(io.BytesIO(frame[:-1]).read)


def test_a_frame_of_another_version_is_refused():
    with pytest.raises(protocol.ProtocolError, match="header"):
        protocol.unpack(io.BytesIO(b"AGW1" + bytes(8)).read)


def test_a_lone_surrogate_from_the_worker_arrives_as_a_replacement_character():
    # a student's str with a lone surrogate: json.dumps escapes it, json.loads would give it back as is
    received = round_trip({"message \ud800": ["x\udfff", "\U0001f600 kept", ("\ud800",)]})
    assert received == {"message \ufffd": ["x\ufffd", "\U0001f600 kept", ("\ufffd",)]}
    for text in ("message \ufffd", *received["message \ufffd"][:2]):
        text.encode("utf-8")   # what a report does with it


def test_lone_surrogates_are_replaced_however_deeply_they_nest():
    value: list = ["\ud800"]
    for _ in range(3000):   # deeper than Python's recursion limit
        value = [value]
    protocol.replace_lone_surrogates(value)
    for _ in range(3000):
        value = value[0]
    assert value == ["\ufffd"]


@pytest.mark.parametrize("number", [10**400, -10**400], ids=["positive", "negative"])
def test_an_int_too_large_for_a_float_is_unsupported_not_a_crash(number):
    assert round_trip([number, 2**70]) == [protocol.Unsupported("int too large for a float"), float(2**70)]

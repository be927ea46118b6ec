"""The generated models on the wire: the rules of DESIGN.md "Wire format", checked on real JSON text."""

from __future__ import annotations

import json

import pydantic
import pytest
from v6r_memory import (
    AllocateRequest,
    MemoryAllocation,
    MemoryError,
    MemoryErrorCode,
    MemoryResult,
    MemorySize,
    MemoryUpdate,
    float32,
)

SEED_UPDATE = (
    '{"type": "memory_update", "session_id": "session-123", "snapshot": {"timestamp": 1640995200000, '
    '"session_id": "session-123", "platform": "v6r-medium", "total": {"bytes": 1073741824, "human_readable": '
    '"1.0GB"}, "used": {"bytes": 536870912, "human_readable": "512.0MB"}, "available": {"bytes": 536870912, '
    '"human_readable": "512.0MB"}, "fragmentation_ratio": 0.05}, "timestamp": 1640995200000}'
)


def test_seed_update_round_trips_to_the_same_json() -> None:
    update = MemoryUpdate.from_wire(SEED_UPDATE)
    assert json.loads(update.to_wire()) == json.loads(SEED_UPDATE)


@pytest.mark.parametrize("value", [0, 2**53 - 1, 2**53 + 1, 2**64 - 1])
def test_u64_edges_are_exact(value: int) -> None:
    size = MemorySize.from_wire(f'{{"bytes": {value}, "human_readable": "x"}}')
    assert size.bytes == value
    assert json.loads(size.to_wire())["bytes"] == value


@pytest.mark.parametrize("raw", ["-1", "18446744073709551616", '"1"', "1.0", "1e3", "true", "null"])
def test_out_of_range_and_wrong_types_are_rejected_with_a_path(raw: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        MemorySize.from_wire(f'{{"bytes": {raw}, "human_readable": "x"}}')
    assert info.value.errors()[0]["loc"] == ("bytes",)


def test_unknown_fields_are_ignored_and_unset_optionals_omitted() -> None:
    raw = (
        '{"id": "alloc-1", "session_id": "s", "size": {"bytes": 1, "human_readable": "1B"}, '
        '"purpose": "vm-heap", "offset": 0, "allocated_at": 5, "freed_at": null, "extra": {"a": 1}}'
    )
    allocation = MemoryAllocation.from_wire(raw)
    assert allocation.freed_at is None
    assert "freed_at" not in json.loads(allocation.to_wire())
    assert "extra" not in json.loads(allocation.to_wire())


def test_unknown_enum_values_are_rejected() -> None:
    with pytest.raises(pydantic.ValidationError):
        AllocateRequest.from_wire(
            '{"session_id": "s", "size": {"bytes": 1}, "purpose": "gpu-heap"}'
        )


@pytest.mark.parametrize("session_id", ["s1\n", "a b", "", "x" * 129, "é"])
def test_patterns_anchor_like_re2_and_ecmascript(session_id: str) -> None:
    # Python's re lets `$` match before a final newline; Go's RE2 and JavaScript do not, nor do we.
    body = json.dumps({"session_id": session_id, "size": {"bytes": 1}, "purpose": "vm-heap"})
    with pytest.raises(pydantic.ValidationError):
        AllocateRequest.from_wire(body)


@pytest.mark.parametrize(
    ("value", "printed"),
    [(0.05, "0.05"), (1 - 3 / 7, "0.5714286"), (0.0, "0.0"), (1.0, "1.0"), (1 / 3, "0.33333334")],
)
def test_float32_prints_the_shortest_float32_decimal(value: float, printed: str) -> None:
    # Expected texts are what Go's json prints for float32(value).
    assert repr(float32(value)) == printed


def test_result_envelope_has_exactly_one_side() -> None:
    error = MemoryError(code=MemoryErrorCode.INVALID_SIZE, message="m", timestamp=1)
    assert json.loads(MemoryResult[MemorySize].err(error).to_wire()) == {
        "error": {"code": "invalid-size", "message": "m", "timestamp": 1}
    }
    ok = MemoryResult[MemorySize].from_wire('{"value": {"bytes": 1, "human_readable": "1B"}}')
    assert ok.unwrap().bytes == 1
    for bad in [
        "{}",
        '{"value": {"bytes": 1, "human_readable": "1B"}, "error": ' + error.to_wire() + "}",
    ]:
        with pytest.raises(pydantic.ValidationError):
            MemoryResult[MemorySize].from_wire(bad)

"""Replay every pool trace (tests/conformance/traces/*.json, written by make_traces.py) through the
generated Python pool: each step's result envelope must be exactly its recorded `expect` text.

The Go pool replays the same traces in tests/go/traces_test.go.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import v6r_memory  # noqa: E402
from make_traces import CLOCK, run_step  # noqa: E402

TRACES: list[dict[str, Any]] = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((HERE / "traces").glob("*.json"))
]
OPS = {"configure", "allocate", "free", "snapshot", "stats", "allocations"}


def test_traces_present() -> None:
    assert len(TRACES) >= 50
    assert len({t["name"] for t in TRACES}) == len(TRACES), "trace names must be unique"
    assert max(len(t["steps"]) for t in TRACES) >= 2000
    codes = {
        json.loads(step["expect"]).get("error", {}).get("code")
        for t in TRACES
        for step in t["steps"]
    }
    assert codes >= {
        "fragmentation-error",
        "limit-exceeded",
        "invalid-size",
        "already-freed",
        "invalid-allocation",
        "invalid-request",
        "insufficient-memory",
        "session-not-found",
    }, codes


@pytest.mark.parametrize("trace", TRACES, ids=[t["name"] for t in TRACES])
def test_trace(trace: dict[str, Any]) -> None:
    pool = v6r_memory.MemoryPool(v6r_memory.PoolSettings(**trace["settings"]), clock=lambda: CLOCK)
    for index, step in enumerate(trace["steps"]):
        assert step["op"] in OPS, step
        actual = run_step(pool, v6r_memory, step)
        assert actual == step["expect"], (
            f"python: trace {trace['name']} step {index} ({step['op']} {step['args']}):\n"
            f" expected: {step['expect']}\n actual:   {actual}"
        )

"""Run every conformance vector through the Python binding (one test per case).

A valid case must decode and re-encode to exactly its canonical text; an invalid one must be rejected.
Cases named in expected-failures/python.txt must fail; one that passes fails test_expected_failures_not_stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pycodec import roundtrip

HERE = Path(__file__).resolve().parent
CASES: list[dict[str, Any]] = [
    case
    for path in sorted((HERE / "vectors").glob("*.json"))
    for case in json.loads(path.read_text())
]
EXPECTED = {
    line.split("#", 1)[0].strip()
    for line in (HERE / "expected-failures" / "python.txt").read_text().splitlines()
} - {""}


def problem(case: dict[str, Any]) -> str | None:
    """None when the binding agrees with the case, else what differs (expected vs actual)."""
    try:
        actual = roundtrip(case["type"], case["input"])
    except Exception as exc:  # any rejection counts as rejection
        if case["valid"]:
            return f"expected {case['canonical']!r}, got rejection: {str(exc)[:300]}"
        return None
    if not case["valid"]:
        return f"expected rejection, got {actual!r}"
    if actual != case["canonical"]:
        return f"expected {case['canonical']!r}, got {actual!r}"
    return None


def test_vectors_present() -> None:
    assert len(CASES) >= 300
    assert len({c["name"] for c in CASES}) == len(CASES), "case names must be unique"
    assert {c["name"] for c in CASES} >= EXPECTED, EXPECTED - {c["name"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case: dict[str, Any]) -> None:
    diff = problem(case)
    if case["name"] in EXPECTED:
        if diff is None:
            pytest.fail(
                f"python: {case['name']} is listed in expected-failures/python.txt but passes"
            )
        pytest.xfail(f"python: {case['name']}: {diff}")
    assert diff is None, f"python: {case['name']} ({case['type']}): {diff}"


def test_expected_failures_not_stale() -> None:
    stale = sorted(c["name"] for c in CASES if c["name"] in EXPECTED and problem(c) is None)
    assert not stale, f"python: listed in expected-failures/python.txt but now pass: {stale}"

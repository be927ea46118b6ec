"""The Python binding's size, usage and pressure rules against tests/conformance/rules.json, which
make_rules.py works out with exact fractions from the schema's constants (the Go and TypeScript tests read the
same file). Also checks that the committed file is what make_rules.py writes now."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_rules  # noqa: E402
from pycodec import ROOT  # noqa: E402,F401  (puts generated/python on sys.path)
from v6r_memory import sizes  # noqa: E402

RULES: dict[str, Any] = json.loads((HERE / "rules.json").read_text())


def test_rules_file_is_current() -> None:
    stale = "tests/conformance/rules.json is stale: run .venv/bin/python tests/conformance/make_rules.py"
    assert (HERE / "rules.json").read_text() == make_rules.render(), stale


def test_rules_cover_the_edges() -> None:
    sizes_listed = {int(n) for n, _ in RULES["human_readable"]}
    assert {0, 1023, 1024, 2**53 + 1, 2**64 - 1} <= sizes_listed and len(sizes_listed) >= 500
    parsed = dict(RULES["parse_size"])
    assert parsed["18446744073709551615"] == "18446744073709551615" and parsed["16777216TB"] is None
    assert len(RULES["usage_percentage"]) >= 100 and len(RULES["pressure_level"]) >= 10


@pytest.mark.parametrize("size,text", RULES["human_readable"])
def test_human_readable(size: str, text: str) -> None:
    assert sizes.human_readable(int(size)) == text


@pytest.mark.parametrize("text,size", RULES["parse_size"])
def test_parse_size(text: str, size: str | None) -> None:
    if size is None:
        with pytest.raises(ValueError):
            sizes.parse_size(text)
    else:
        assert sizes.parse_size(text) == int(size)


@pytest.mark.parametrize("used,total,percentage", RULES["usage_percentage"])
def test_usage_percentage(used: str, total: str, percentage: float) -> None:
    assert sizes.usage_percentage(int(used), int(total)) == percentage


@pytest.mark.parametrize("percentage,level", RULES["pressure_level"])
def test_pressure_level(percentage: float, level: str) -> None:
    assert sizes.pressure_level(percentage).value == level

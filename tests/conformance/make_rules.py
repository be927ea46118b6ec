"""Write tests/conformance/rules.json: the size, usage and pressure rules worked out from the schema's
constants with exact fractions, independently of every binding.

Run: .venv/bin/python tests/conformance/make_rules.py

The Python (test_rules.py), Go (tests/go/rules_test.go) and TypeScript (tests/typescript/codec.test.ts)
bindings each check their human-readable sizes, size parsing, usage percentages and pressure levels against
this file, so the claim that every binding prints the same text for every 64-bit size is tested, not assumed.
The cases are the edges (each unit step and its neighbours, every rounding boundary of the first units,
2^53 +- 1, 2^64 - 1) plus seeded random values over every magnitude.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "rules.json"
CONSTANTS: dict[str, Any] = {
    name: spec["value"]
    for name, spec in yaml.safe_load((ROOT / "schema" / "v6r-memory.yaml").read_text())[
        "constants"
    ].items()
}
BASE: int = CONSTANTS["size_unit_base"]
UNITS: list[str] = CONSTANTS["size_units"]
DECIMALS: int = CONSTANTS["size_decimals"]
THRESHOLDS: list[dict[str, Any]] = CONSTANTS["pressure_thresholds"]
U64 = 2**64 - 1


def human(n: int) -> str:
    """The schema's rule: bytes under one step, else n / step rounded half up to DECIMALS places."""
    unit = max(u for u in range(len(UNITS)) if n >= BASE**u) if n > 0 else 0
    if unit == 0:
        return f"{n}{UNITS[0]}"
    scaled = math.floor(Fraction(n, BASE**unit) * 10**DECIMALS + Fraction(1, 2))
    whole, fraction = divmod(scaled, 10**DECIMALS)
    return f"{whole}.{fraction:0{DECIMALS}d}{UNITS[unit]}" if DECIMALS else f"{whole}{UNITS[unit]}"


# Whitespace is ASCII space, tab, CR, LF and FF (Go's \s); digits and unit letters are ASCII.
SIZE_TEXT = re.compile(r"[ \t\r\n\f]*([0-9]+)(?:\.([0-9]+))?[ \t\r\n\f]*([A-Za-z]*)[ \t\r\n\f]*")


def parse(text: str) -> int | None:
    """Bytes of a size text, rounded down; None when it is no size or more than a u64 holds."""
    match = SIZE_TEXT.fullmatch(text)
    if match is None:
        return None
    digits, decimals, unit = match.group(1), match.group(2) or "", match.group(3).upper()
    units = [u.upper() for u in UNITS]
    if unit and unit not in units:
        return None
    power = units.index(unit) if unit else 0
    n = math.floor(Fraction(int(digits + decimals), 10 ** len(decimals)) * BASE**power)
    return n if n <= U64 else None


def usage(used: int, total: int) -> float:
    """used * 100 / total correctly rounded to a double (Fraction to float rounds once); 0 for no total."""
    return 0.0 if total == 0 else float(Fraction(used * 100, total))


def level(percentage: float) -> str:
    for threshold in THRESHOLDS:  # highest first
        if percentage >= threshold["min_usage_percent"]:
            return str(threshold["level"])
    return str(THRESHOLDS[-1]["level"])


def sizes(rng: random.Random) -> list[int]:
    out = {0, 1, 2**53 - 1, 2**53, 2**53 + 1, U64, U64 - 1}
    for unit in range(len(UNITS) + 1):
        step = BASE**unit
        if step <= U64:
            out |= {step - 1, step, step + 1, min(U64, 2 * step - 1)}
    # every rounding boundary of the first two units: where the last decimal goes up, and its neighbours
    scale = 10**DECIMALS
    for unit in (1, 2):
        step = BASE**unit
        for k in range(0, 2 * scale * 3):
            boundary = Fraction((2 * k + 1) * step, 2 * scale)
            for n in (math.floor(boundary) - 1, math.floor(boundary), math.ceil(boundary)):
                if n >= step:
                    out.add(n)
    for _ in range(300):
        out.add(rng.randrange(2 ** rng.randrange(1, 65)))
    return sorted(out)


def texts(rng: random.Random) -> list[str]:
    out = [
        "0", "1", "100", "100B", "1KB", "1kb", "1.5GB", " 2 MB ", "512MB", "0.5KB", "0.0009KB", "1.999KB",
        "16777215.99TB", "16777216TB", "18446744073709551615", "18446744073709551616", "18446744073709551615B",
        "1.5XB", "", "KB", "-1KB", "1e3", "1,5GB", "1.KB", ".5KB", "1 .5KB", "0x10", "\t1KB\n", "\v1KB",
        "\u00a01KB", "1KB\u2003", "\u0661KB", "\uff11KB", "1\u212aB",
    ]  # fmt: skip
    for _ in range(60):
        unit = rng.choice([*UNITS, ""])
        decimals = "" if rng.random() < 0.4 else "." + str(rng.randrange(10 ** rng.randrange(1, 6)))
        out.append(f"{rng.randrange(10 ** rng.randrange(1, 8))}{decimals}{unit}")
    return out


def usages(rng: random.Random) -> list[tuple[int, int]]:
    out = [
        (0, 0),
        (5, 0),
        (0, 1),
        (1, 3),
        (2, 3),
        (1, 1),
        (U64, U64),
        (2**53 + 1, U64),
        (U64, 2**53 + 1),
    ]
    out += [(1, 7 * 10**k) for k in range(12)]
    for _ in range(100):
        total = rng.randrange(1, 2 ** rng.randrange(1, 65))
        out.append((rng.randrange(total + 1), total))
    return out


def percentages() -> list[float]:
    out = [0.0, 100.0, 150.0]
    for threshold in THRESHOLDS:
        p = float(threshold["min_usage_percent"])
        out += [p, math.nextafter(p, -math.inf), math.nextafter(p, math.inf)]
    return sorted(set(out))


def rules() -> dict[str, Any]:
    rng = random.Random(6)
    return {
        "about": "written by tests/conformance/make_rules.py from the schema's constants; do not edit",
        # 64-bit integers are written as decimal strings, so every language reads them exactly
        "human_readable": [[str(n), human(n)] for n in sizes(rng)],
        "parse_size": [[t, None if (n := parse(t)) is None else str(n)] for t in texts(rng)],
        "usage_percentage": [[str(u), str(t), usage(u, t)] for u, t in usages(rng)],
        "pressure_level": [[p, level(p)] for p in percentages() if p >= 0],
    }


def render() -> str:
    return json.dumps(rules(), indent=None, separators=(",", ":")).replace("],[", "],\n[") + "\n"


def main() -> None:
    OUT.write_text(render())
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Write the cross-language conformance vectors (tests/conformance/vectors/*.json) deterministically.

Run: .venv/bin/python tests/conformance/make_vectors.py

Cases come from the schema (a valid value of every type, every enum value, every union tag, every
required field missing, every field of the wrong type, optional fields absent and null, unknown fields)
plus hand-written edge cases (64-bit integers, float32 rounding, string constraints, invalid JSON text,
deep nesting). The canonical text of a valid case is what the Python binding's to_wire() produces,
except where a case states the schema's rule explicitly (float32 fields are written as the shortest
decimal of the 32-bit value); every canonical text is checked to decode and re-encode to itself.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pycodec import ROOT, roundtrip  # noqa: E402

SCHEMA = yaml.safe_load((ROOT / "schema" / "v6r-memory.yaml").read_text())
TYPES: dict[str, Any] = SCHEMA["types"]
U64 = 2**64 - 1


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def size(n: int, human: str) -> dict[str, Any]:
    return {"bytes": n, "human_readable": human}


GB = size(1073741824, "1.0GB")
HALF = size(536870912, "512.0MB")
SNAPSHOT = {
    "timestamp": 1640995200000,
    "session_id": "session-123",
    "platform": "v6r-medium",
    "total": GB,
    "used": HALF,
    "available": HALF,
    "fragmentation_ratio": 0.25,
}
ALLOC = {
    "id": "alloc-1",
    "session_id": "session-123",
    "size": size(4096, "4.0KB"),
    "purpose": "vm-heap",
    "offset": 0,
    "allocated_at": 1640995200000,
    "freed_at": 1640995201000,
}
LIMITS = {
    "heap_max": HALF,
    "stack_max": size(8388608, "8.0MB"),
    "cache_max": size(134217728, "128.0MB"),
    "soft_limit": size(858993459, "819.2MB"),
    "hard_limit": GB,
}
CONFIG = {"session_id": "session-123", "user_id": "user-456", "vm_size": "medium"}
ERROR = {
    "code": "insufficient-memory",
    "message": "not enough memory",
    "details": "requested 2048, free 1024",
    "timestamp": 1640995200000,
}

# A full valid value of every object type (optional fields present).
SAMPLES: dict[str, dict[str, Any]] = {
    "MemorySize": GB,
    "SizeRequest": size(4096, "4.0KB"),
    "MemoryUsageSnapshot": SNAPSHOT,
    "MemoryAllocation": ALLOC,
    "MemoryLimits": LIMITS,
    "PressureThreshold": {"level": "high", "min_usage_percent": 75.5},
    "MemoryError": ERROR,
    "PurposeUsage": {"purpose": "asset-cache", "size": size(1024, "1.0KB")},
    "MemoryStats": {
        "total_allocations": 10,
        "active_allocations": 4,
        "peak_memory": GB,
        "current_memory": HALF,
        "average_allocation_size": size(4096, "4.0KB"),
        "usage_by_purpose": [
            {"purpose": "vm-heap", "size": HALF},
            {"purpose": "temporary", "size": size(512, "512B")},
        ],
        "efficiency_ratio": 0.75,
    },
    "MemoryTrend": {
        "snapshots": [SNAPSHOT, {**SNAPSHOT, "timestamp": 1640995202000}],
        "trend_direction": "increasing",
        "predicted_peak": GB,
    },
    "V6RMemoryConfig": CONFIG,
    "AllocateRequest": {
        "session_id": "session-123",
        "size": size(4096, "4.0KB"),
        "purpose": "component-stack",
    },
    "ConfigureRequest": {"user_id": "user-456", "vm_size": "large", "limits": LIMITS},
    "SessionConfiguration": {
        "config": CONFIG,
        "platform": "v6r-medium",
        "total": GB,
        "limits": LIMITS,
    },
    "AllocationList": {"session_id": "session-123", "allocations": [ALLOC, {**ALLOC, "id": "a2"}]},
    "HealthStatus": {"status": "ok", "timestamp": 1640995200000},
    "ServiceStatus": {
        "version": "1.0.0",
        "uptime_ms": 12345,
        "sessions": 3,
        "active_allocations": 7,
        "websocket_clients": 2,
    },
    "MemoryUpdate": {
        "type": "memory_update",
        "session_id": "session-123",
        "snapshot": SNAPSHOT,
        "timestamp": 1640995200000,
    },
    "MemoryPressureAlert": {
        "type": "memory_pressure_alert",
        "session_id": "session-123",
        "previous_level": "medium",
        "level": "high",
        "usage_percentage": 85.5,
        "snapshot": SNAPSHOT,
        "timestamp": 1640995200000,
    },
    "ErrorMessage": {"type": "error", "error": ERROR, "timestamp": 1640995200000},
}
for _name, _t in TYPES.items():
    props = _t.get("properties", {})
    if _name in SAMPLES or not props:
        continue
    const_key = next(k for k, v in props.items() if "const" in v)
    sample: dict[str, Any] = {const_key: props[const_key]["const"]}
    if "val" in props:
        sample["val"] = size(16777216, "16.0MB")
    if "session_id" in props:
        sample["session_id"] = "session-123"
    sample["timestamp"] = 1640995200000
    SAMPLES[_name] = {k: sample[k] for k in props}

STRING_ALIASES = [n for n, t in TYPES.items() if t.get("type") == "string" and "enum" not in t]
ENUMS = [n for n, t in TYPES.items() if "enum" in t]
OBJECTS = [n for n, t in TYPES.items() if "properties" in t]
UNIONS = [n for n, t in TYPES.items() if "oneOf" in t]
assert set(SAMPLES) == set(OBJECTS), set(OBJECTS) ^ set(SAMPLES)

# Explicit canonical texts that differ from what the Python binding writes (see the float32 cases).
cases: dict[str, list[dict[str, Any]]] = {}
names: set[str] = set()


def add(group: str, type_name: str, name: str, text: str, canonical: str | None = None) -> None:
    """A valid case when canonical is given (or "py": what Python writes), else an invalid one."""
    assert name not in names, name
    names.add(name)
    case: dict[str, Any] = {"type": type_name, "name": name, "input": text}
    if canonical is None:
        case["valid"] = False
    else:
        if canonical == "py":
            canonical = roundtrip(type_name, text)
        assert roundtrip(type_name, canonical) == canonical, (name, canonical)
        case["valid"] = True
        case["canonical"] = canonical
    cases.setdefault(group, []).append(case)


class Raw(str):
    """JSON text given as is (a plain str value is encoded as a JSON string)."""


def text_of(value: Any) -> str:
    return str(value) if isinstance(value, Raw) else compact(value)


def valid(group: str, type_name: str, name: str, value: Any, canonical: str | None = None) -> None:
    add(group, type_name, name, text_of(value), canonical or "py")


def invalid(group: str, type_name: str, name: str, value: Any) -> None:
    add(group, type_name, name, text_of(value))


def wrong_kind(prop: dict[str, Any]) -> Any:
    if "$ref" in prop:
        target = TYPES[prop["$ref"].rsplit("/", 1)[1]]
        return [] if "properties" in target else 12
    kind = prop.get("type")
    if "const" in prop:
        return 7
    return {"string": 12, "integer": "1", "number": "0.5", "array": {}, "object": []}[kind]


# --- String aliases ---------------------------------------------------------------------------------
for n in STRING_ALIASES:
    valid("strings", n, f"{n}/valid", "session-123")
    valid("strings", n, f"{n}/max-length-128", "a" * 128)
    invalid("strings", n, f"{n}/empty", "")
    invalid("strings", n, f"{n}/too-long-129", "a" * 129)
    invalid("strings", n, f"{n}/number", 123)
    invalid("strings", n, f"{n}/null", None)

# --- Enums ------------------------------------------------------------------------------------------
for n in ENUMS:
    for v in TYPES[n]["enum"]:
        valid("enums", n, f"{n}/value/{v}", v)
    invalid("enums", n, f"{n}/unknown-value", "no-such-value")
    invalid("enums", n, f"{n}/wrong-case", TYPES[n]["enum"][0].upper())
    invalid("enums", n, f"{n}/number", 0)
    invalid("enums", n, f"{n}/null", None)

# --- Objects, generated from the schema -------------------------------------------------------------
for n in OBJECTS:
    t, s = TYPES[n], SAMPLES[n]
    req = t.get("required", [])
    valid("objects", n, f"{n}/valid", s)
    spaced = json.dumps(dict(reversed(list(s.items()))), indent=2, ensure_ascii=False)
    valid("objects", n, f"{n}/valid-reordered-pretty", Raw(spaced), compact(s))
    valid("objects", n, f"{n}/unknown-fields-dropped", {**s, "zz_extra": {"a": [1, 2.5, None]}})
    invalid("objects", n, f"{n}/not-an-object-array", [s])
    invalid("objects", n, f"{n}/not-an-object-null", None)
    for k, prop in t["properties"].items():
        if k in req:
            invalid(
                "objects", n, f"{n}/missing-required/{k}", {x: y for x, y in s.items() if x != k}
            )
            invalid("objects", n, f"{n}/null-required/{k}", {**s, k: None})
        else:
            without = {x: y for x, y in s.items() if x != k}
            valid("objects", n, f"{n}/optional-absent/{k}", without)
            valid("objects", n, f"{n}/optional-null/{k}", {**s, k: None}, compact(without))
        invalid("objects", n, f"{n}/wrong-type/{k}", {**s, k: wrong_kind(prop)})
        if "const" in prop:
            invalid("objects", n, f"{n}/wrong-const/{k}", {**s, k: prop["const"] + "x"})

# --- Unions -----------------------------------------------------------------------------------------
for n in UNIONS:
    key = TYPES[n]["discriminator"]["propertyName"]
    for ref in TYPES[n]["oneOf"]:
        variant = ref["$ref"].rsplit("/", 1)[1]
        tag = TYPES[variant]["properties"][key]["const"]
        s = SAMPLES[variant]
        valid("unions", n, f"{n}/tag/{tag}", s)
        moved = {x: y for x, y in s.items() if x != key} | {key: tag}
        valid("unions", n, f"{n}/tag-last/{tag}", moved, compact(s))
        others = [k for k in TYPES[variant].get("required", []) if k != key]
        if others:
            invalid(
                "unions",
                n,
                f"{n}/tag/{tag}/missing-{others[-1]}",
                {x: y for x, y in s.items() if x != others[-1]},
            )
    first = SAMPLES[TYPES[n]["oneOf"][0]["$ref"].rsplit("/", 1)[1]]
    invalid("unions", n, f"{n}/unknown-tag", {**first, key: "no_such_tag"})
    invalid("unions", n, f"{n}/missing-tag", {x: y for x, y in first.items() if x != key})
    invalid("unions", n, f"{n}/null-tag", {**first, key: None})
    invalid("unions", n, f"{n}/numeric-tag", {**first, key: 1})
    invalid("unions", n, f"{n}/tag-wrong-case", {**first, key: first[key].upper()})
    invalid("unions", n, f"{n}/not-an-object", [first])

# --- Integers: 64-bit and 32-bit edges ---------------------------------------------------------------
for text in ["0", "9007199254740991", "9007199254740992", "9007199254740993", str(U64)]:
    valid(
        "integers",
        "MemorySize",
        f"u64/bytes/{text}",
        Raw(f'{{"bytes":{text},"human_readable":"x"}}'),
    )
    valid(
        "integers",
        "Ping",
        f"u64/ping-timestamp/{text}",
        Raw(f'{{"type":"ping","timestamp":{text}}}'),
    )
for label, text in [
    ("negative", "-1"),
    ("2^64", str(U64 + 1)),
    ("2^65", str(2 * (U64 + 1))),
    ("huge", "1" + "0" * 40),
    ("fraction-1.0", "1.0"),
    ("exponent-1e3", "1e3"),
    ("exponent-1E3", "1E3"),
    ("fraction-0.5", "0.5"),
    ("string", '"1"'),
    ("bool", "true"),
    ("leading-zero", "01"),
    ("plus-sign", "+1"),
]:
    invalid(
        "integers",
        "MemorySize",
        f"u64/bytes/{label}",
        Raw(f'{{"bytes":{text},"human_readable":"x"}}'),
    )
invalid(
    "integers",
    "ServerMessage",
    "u64/server-pong-timestamp/2^64",
    Raw(f'{{"type":"pong","timestamp":{U64 + 1}}}'),
)
invalid("integers", "MemoryAllocation", "u64/freed_at/negative", {**ALLOC, "freed_at": -5})
valid(
    "integers",
    "MemoryAllocation",
    "u64/offset-and-freed_at/max",
    {**ALLOC, "offset": U64, "freed_at": U64},
)
status = SAMPLES["ServiceStatus"]
for text in ["0", str(2**32 - 1)]:
    valid("integers", "ServiceStatus", f"u32/sessions/{text}", {**status, "sessions": int(text)})
for label, v in [
    ("2^32", "4294967296"),
    ("negative", "-1"),
    ("fraction", "1.0"),
    ("exponent", "2e1"),
]:
    text = compact(status).replace('"sessions":3', f'"sessions":{v}')
    invalid("integers", "ServiceStatus", f"u32/sessions/{label}", Raw(text))

# --- Floats -----------------------------------------------------------------------------------------
stats = SAMPLES["MemoryStats"]
stats_text = compact(stats)


def with_ratio(v: str) -> Raw:
    return Raw(stats_text.replace('"efficiency_ratio":0.75', f'"efficiency_ratio":{v}'))


for label, text, canonical in [
    ("0.1", "0.1", "0.1"),
    ("integer-1", "1", "1.0"),
    ("1.0", "1.0", "1.0"),
    ("zero", "0", "0.0"),
    ("exponent-2.5e-1", "2.5e-1", "0.25"),
    ("small-1e-7", "1e-7", "1e-7"),
    ("one-third-double", "0.3333333333333333", "0.33333334"),
    ("0.1-as-float32-digits", "0.100000001490116", "0.1"),
    ("2^24+1-rounds", "16777217", "16777216.0"),
    ("float32-max", "3.4028234663852886e38", "3.4028235e+38"),
    # the shortest text of the largest float32 is above it as a double, yet rounds to it: every binding
    # writes this text, so every binding must read it
    ("float32-max-shortest", "3.4028235e38", "3.4028235e+38"),
    ("below-float32-rounds-to-inf", "3.4028235677973e38", "3.4028235e+38"),
    ("negative-zero", "-0.0", "-0.0"),
    # an integer spelling is an integer, and integers have no negative zero (Python reads it so)
    ("integer-negative-zero", "-0", "0.0"),
]:
    valid(
        "floats",
        "MemoryStats",
        f"f32/efficiency_ratio/{label}",
        with_ratio(text),
        with_ratio(canonical),
    )
for label, text in [
    ("string", '"0.5"'),
    ("null", "null"),
    ("nan", "NaN"),
    ("infinity", "Infinity"),
    ("bool", "true"),
]:
    invalid("floats", "MemoryStats", f"f32/efficiency_ratio/{label}", with_ratio(text))
invalid("floats", "MemoryStats", "f32/efficiency_ratio/above-float32-max-1e39", with_ratio("1e39"))
invalid(
    "floats",
    "MemoryStats",
    "f32/efficiency_ratio/rounds-to-inf",
    with_ratio("3.4028235677973367e38"),
)
alert_text = compact(SAMPLES["MemoryPressureAlert"])
for label, text in [
    ("integer-100", "100"),
    ("0.1", "0.1"),
    ("one-third", "0.3333333333333333"),
    ("1e-7", "1e-7"),
    ("1e21", "1e21"),
    ("1.5e300", "1.5e300"),
    ("1e16", "1e16"),
    ("123456789012345.6", "123456789012345.6"),
    ("negative-zero", "-0.0"),
    ("integer-negative-zero", "-0"),
]:
    valid(
        "floats",
        "MemoryPressureAlert",
        f"f64/usage_percentage/{label}",
        Raw(alert_text.replace('"usage_percentage":85.5', f'"usage_percentage":{text}')),
    )
invalid(
    "floats",
    "MemoryPressureAlert",
    "f64/usage_percentage/1e400-overflow",
    Raw(alert_text.replace('"usage_percentage":85.5', '"usage_percentage":1e400')),
)

# --- Strings: patterns, lengths, escapes -------------------------------------------------------------
for label, sid in [
    ("newline-suffix", "s1\n"),
    ("empty", ""),
    ("129-chars", "s" * 129),
    ("space", "session 1"),
    ("slash", "a/b"),
    ("non-ascii", "sessión"),
    ("nul", "a\u0000b"),
    ("dot", "."),  # a URL path removes "." and ".." segments, so no client could address them
    ("dot-dot", ".."),
]:
    invalid(
        "strings", "V6RMemoryConfig", f"session_id/invalid/{label}", {**CONFIG, "session_id": sid}
    )
    invalid(
        "strings",
        "ClientMessage",
        f"session_id/subscribe-invalid/{label}",
        {**SAMPLES["MemorySubscribe"], "session_id": sid},
    )
for label, sid in [
    ("128-chars", "s" * 128),
    ("all-allowed-chars", "AZaz09._:-"),
    ("one-char", "x"),
    ("three-dots", "..."),
    ("dot-first", ".a"),
    ("dot-dot-first", "..a"),
]:
    valid("strings", "V6RMemoryConfig", f"session_id/valid/{label}", {**CONFIG, "session_id": sid})
for label, uid in [
    ("128-two-byte-chars", "é" * 128),
    ("128-astral-chars", "\U0001f600" * 128),
    ("escapes", 'q"b\\n\nt\tc\u0001\u001f'),
    ("html-chars", "<script>&'</script>"),
    ("line-separators", "a\u2028b\u2029c\u007f"),
]:
    valid("strings", "V6RMemoryConfig", f"user_id/valid/{label}", {**CONFIG, "user_id": uid})
for label, uid in [
    ("129-two-byte-chars", "é" * 129),
    ("129-astral-chars", "\U0001f600" * 129),
    ("empty", ""),
]:
    invalid("strings", "V6RMemoryConfig", f"user_id/invalid/{label}", {**CONFIG, "user_id": uid})
valid(
    "strings",
    "MemoryError",
    "string/escaped-input-unescaped-output",
    Raw('{"code":"forbidden","message":"\\u00e9\\ud83d\\ude00\\/\\u0041","timestamp":1}'),
)
invalid(
    "strings",
    "MemoryError",
    "string/lone-surrogate-escape",
    Raw('{"code":"forbidden","message":"\\ud800","timestamp":1}'),
)
invalid(
    "strings",
    "MemoryError",
    "string/invalid-escape",
    Raw('{"code":"forbidden","message":"\\x41","timestamp":1}'),
)
invalid(
    "strings",
    "MemoryError",
    "string/raw-control-char",
    Raw('{"code":"forbidden","message":"a\tb","timestamp":1}'),
)

# --- JSON text ---------------------------------------------------------------------------------------
gb_text = compact(GB)
valid(
    "json", "MemorySize", "json/surrounding-whitespace", Raw(" \n\t" + gb_text + "\r\n "), gb_text
)
for label, text in [
    ("empty", ""),
    ("whitespace-only", "  "),
    ("truncated", gb_text[:-1]),
    ("trailing-comma", gb_text[:-1] + ",}"),
    ("trailing-garbage", gb_text + "x"),
    ("two-values", gb_text + gb_text),
    ("single-quotes", gb_text.replace('"', "'")),
    ("unquoted-key", gb_text.replace('"bytes"', "bytes")),
    ("comment", "/* c */" + gb_text),
]:
    invalid("json", "MemorySize", f"json/invalid/{label}", Raw(text))
# A name given twice: RFC 8259 leaves it open; every binding takes the last value (as ECMAScript's JSON.parse,
# Go's encoding/json and Python's json do), so what a validator saw is what a handler gets.
valid(
    "json",
    "MemorySize",
    "json/duplicate-name/last-wins",
    Raw('{"bytes":1,"bytes":2,"human_readable":"x"}'),
    '{"bytes":2,"human_readable":"x"}',
)
valid(
    "json",
    "MemorySize",
    "json/duplicate-name/earlier-wrong-type-ignored",
    Raw('{"bytes":"x","bytes":2,"human_readable":"x"}'),
    '{"bytes":2,"human_readable":"x"}',
)
invalid(
    "json",
    "MemorySize",
    "json/duplicate-name/later-wrong-type",
    Raw('{"bytes":2,"bytes":"x","human_readable":"x"}'),
)
valid(
    "json",
    "ServerMessage",
    "json/duplicate-name/union-tag",
    Raw('{"type":"ping","type":"pong","timestamp":1}'),
    '{"type":"pong","timestamp":1}',
)
valid(
    "json",
    "PlatformProfile",
    "json/duplicate-name/nested-value",
    Raw(
        '{"tag":"psp","val":{"bytes":1,"human_readable":"a"},"val":{"bytes":2,"human_readable":"b"}}'
    ),
    '{"tag":"psp","val":{"bytes":2,"human_readable":"b"}}',
)


# --- Nesting ----------------------------------------------------------------------------------------
def nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"n": value}
    return value


valid(
    "nesting", "MemorySize", "nesting/unknown-field-depth-64", {**GB, "deep": nested(64)}, gb_text
)
# no value may be inside more than 200 arrays and objects (Python's parser's limit, held in every binding):
# the innermost 1 is inside the record and 199 (valid) or 200 (invalid) more
valid(
    "nesting", "MemorySize", "nesting/unknown-field-depth-200", {**GB, "deep": nested(199)}, gb_text
)
invalid("nesting", "MemorySize", "nesting/unknown-field-depth-201", {**GB, "deep": nested(200)})
valid(
    "nesting",
    "ServerMessage",
    "nesting/unknown-field-deep-in-update",
    {**SAMPLES["MemoryUpdate"], "snapshot": {**SNAPSHOT, "x": nested(32)}},
)
long_trend = {
    "snapshots": [{**SNAPSHOT, "timestamp": i} for i in range(50)],
    "trend_direction": "volatile",
}
valid("nesting", "MemoryTrend", "nesting/trend-50-snapshots-no-peak", long_trend)
valid(
    "nesting",
    "MemoryTrend",
    "nesting/trend-empty-snapshots",
    {"snapshots": [], "trend_direction": "stable"},
)
bad_trend = copy.deepcopy(long_trend)
bad_trend["snapshots"][49]["used"]["bytes"] = -1
invalid("nesting", "MemoryTrend", "nesting/trend-bad-bytes-in-last-snapshot", bad_trend)
bad_stats = copy.deepcopy(stats)
bad_stats["usage_by_purpose"][1]["purpose"] = "gpu"
invalid("nesting", "MemoryStats", "nesting/stats-unknown-purpose-in-list", bad_stats)
bad_conf = copy.deepcopy(SAMPLES["SessionConfiguration"])
del bad_conf["limits"]["hard_limit"]["human_readable"]
invalid("nesting", "SessionConfiguration", "nesting/configuration-missing-deep-field", bad_conf)
bad_list = copy.deepcopy(SAMPLES["AllocationList"])
bad_list["allocations"][1]["session_id"] = "bad id"
invalid("nesting", "AllocationList", "nesting/allocation-list-bad-session-id", bad_list)
bad_err = copy.deepcopy(SAMPLES["ErrorMessage"])
bad_err["error"]["code"] = "teapot"
invalid("nesting", "ServerMessage", "nesting/error-message-unknown-code", bad_err)
invalid("nesting", "MemoryStats", "nesting/list-item-null", {**stats, "usage_by_purpose": [None]})


def main() -> None:
    out = HERE / "vectors"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    total = 0
    for group, items in sorted(cases.items()):
        (out / f"{group}.json").write_text(json.dumps(items, indent=1, ensure_ascii=True) + "\n")
        total += len(items)
        print(f"{group}: {len(items)} cases")
    print(f"total: {total} cases")


if __name__ == "__main__":
    main()

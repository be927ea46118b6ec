// Codecs of the generated package: 64-bit edges, unknown fields, precise error paths, round trips.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decode, encode,
  float32, humanReadable, parseSize, usagePercentage, pressureLevel, pressureColor, platformFor,
  defaultMemorySize, validateV6RConfig, MemoryEventEmitter, parseJson, JsonNumber, VM_SIZE_BYTES,
  type MemoryResult, type MemoryUsageSnapshot,
} from "@flight/v6r-memory-types";
import * as constants from "@flight/v6r-memory-types/constants";
import * as core from "@flight/v6r-memory-types";

function ok<T>(result: MemoryResult<T>): T {
  if (result.tag === "err") assert.fail(`expected ok, got ${result.val.message}`);
  return result.val;
}
function err<T>(result: MemoryResult<T>): string {
  if (result.tag === "ok") assert.fail("expected an error");
  assert.equal(result.val.code, "invalid-request");
  return result.val.message;
}

const SEED_UPDATE = `{
  "type": "memory_update",
  "session_id": "session-123",
  "snapshot": {
    "timestamp": 1640995200000,
    "session_id": "session-123",
    "platform": "v6r-medium",
    "total": {"bytes": 1073741824, "human_readable": "1.0GB"},
    "used": {"bytes": 536870912, "human_readable": "512.0MB"},
    "available": {"bytes": 536870912, "human_readable": "512.0MB"},
    "fragmentation_ratio": 0.05
  },
  "timestamp": 1640995200000
}`;

test("u64 edges decode exactly and encode back to the same text", () => {
  for (const text of ["0", "9007199254740991", "9007199254740993", "18446744073709551615"]) {
    const size = ok(decode("MemorySize", `{"bytes": ${text}, "human_readable": "x"}`));
    assert.equal(typeof size.bytes, "bigint");
    assert.equal(size.bytes, BigInt(text));
    assert.equal(encode("MemorySize", size), `{"bytes":${text},"human_readable":"x"}`);
  }
});

test("u64 out of range, negative, fractional, exponent and string are precise errors", () => {
  const cases: [string, string][] = [
    ["18446744073709551616", "bytes: expected unsigned integer from 0 to 18446744073709551615"],
    ["-1", "bytes: expected unsigned integer from 0 to 18446744073709551615"],
    ["1.0", "bytes: expected unsigned integer"],
    ["1e3", "bytes: expected unsigned integer"],
    ['"1"', "bytes: expected unsigned integer"],
    ["null", "bytes: expected unsigned integer"],
  ];
  for (const [value, message] of cases) {
    assert.equal(err(decode("MemorySize", `{"bytes": ${value}, "human_readable": "x"}`)), message);
  }
});

test("the seed's memory_update decodes key for key and round-trips", () => {
  const update = ok(decode("MemoryUpdate", SEED_UPDATE));
  assert.equal(update.sessionId, "session-123");
  assert.equal(update.snapshot.timestamp, 1640995200000n);
  assert.equal(update.snapshot.used.humanReadable, "512.0MB");
  assert.equal(update.snapshot.fragmentationRatio, 0.05);
  assert.deepEqual(JSON.parse(encode("MemoryUpdate", update)), JSON.parse(SEED_UPDATE));
  const again = ok(decode("MemoryUpdate", encode("MemoryUpdate", update)));
  assert.deepEqual(again, update);
});

test("nested errors name the full path", () => {
  const bad = SEED_UPDATE.replace('"bytes": 1073741824', '"bytes": "big"');
  assert.equal(err(decode("MemoryUpdate", bad)), "snapshot.total.bytes: expected unsigned integer");
  const missing = SEED_UPDATE.replace('"platform": "v6r-medium",', "");
  assert.equal(err(decode("MemoryUpdate", missing)), "snapshot.platform: missing required field");
  const wrongType = SEED_UPDATE.replace('"type": "memory_update"', '"type": "memory_updated"');
  assert.equal(err(decode("MemoryUpdate", wrongType)), 'type: expected "memory_update"');
  assert.equal(err(decode("MemoryUpdate", "[]")), "$: expected object");
  assert.match(err(decode("MemoryUpdate", "{")), /^\$: invalid JSON: /);
  assert.match(err(decode("MemoryUpdate", '{"a": 1,}')), /^\$: invalid JSON: /);
  // The platform's message, with the position in the caller's text (not in the marked text the parser reads).
  const trailing = err(decode("MemoryUpdate", SEED_UPDATE + " x"));
  assert.match(trailing, /^\$: invalid JSON: /);
  assert.ok(trailing.endsWith(`position ${SEED_UPDATE.length + 1}`), trailing);
  const badRatio = SEED_UPDATE.replace("0.05", "1e39");
  assert.equal(err(decode("MemoryUpdate", badRatio)), "snapshot.fragmentation_ratio: number out of range");
  const badId = SEED_UPDATE.replace('"session_id": "session-123",\n  "snapshot"', '"session_id": "bad id!",\n  "snapshot"');
  assert.equal(err(decode("MemoryUpdate", badId)), "session_id: expected a string matching ^(?:[A-Za-z0-9_:-]|\\.[A-Za-z0-9_:-]|\\.\\.[A-Za-z0-9._:-])[A-Za-z0-9._:-]*$");
  const empty = SEED_UPDATE.replace('"session_id": "session-123",\n  "snapshot"', '"session_id": "",\n  "snapshot"');
  assert.equal(err(decode("MemoryUpdate", empty)), "session_id: expected at least 1 characters");
  assert.equal(err(decode("MemoryUpdate", `{"type": "memory_update", "session_id": "s", "snapshot": 1, "timestamp": 1}`)), "snapshot: expected object");
});

test("unknown fields are ignored; optional fields accept absent and null and are omitted when unset", () => {
  const base = `"id": "alloc-1", "session_id": "s", "size": {"bytes": 64, "human_readable": "64B"}, "purpose": "vm-heap", "offset": 0, "allocated_at": 5`;
  const a = ok(decode("MemoryAllocation", `{${base}, "surprise": {"deep": [1, 2]}}`));
  assert.equal("freedAt" in a, false);
  assert.equal(encode("MemoryAllocation", a).includes("freed_at"), false);
  const b = ok(decode("MemoryAllocation", `{${base}, "freed_at": null}`));
  assert.equal("freedAt" in b, false);
  const c = ok(decode("MemoryAllocation", `{${base}, "freed_at": 18446744073709551615}`));
  assert.equal(c.freedAt, 18446744073709551615n);
  assert.ok(encode("MemoryAllocation", c).includes('"freed_at":18446744073709551615'));
});

test("unknown enum values are rejected with their path; unknown message types are an error, not a crash", () => {
  const base = `"id": "alloc-1", "session_id": "s", "size": {"bytes": 64, "human_readable": "64B"}, "offset": 0, "allocated_at": 5`;
  assert.match(err(decode("MemoryAllocation", `{${base}, "purpose": "gpu"}`)), /^purpose: expected one of "vm-heap", /);
  assert.match(err(decode("ServerMessage", `{"type": "memory_future", "x": 1}`)), /^type: expected one of "memory_update", /);
  assert.equal(err(decode("ServerMessage", `{"x": 1}`)), "type: missing required field");
  assert.match(err(decode("ConfigureRequest", `{"user_id": "u", "vm_size": "huge"}`)), /^vm_size: expected one of "small", "medium", "large"$/);
});

test("lists, unions, u32 and float32 fields", () => {
  const stats = ok(decode("MemoryStats", `{"total_allocations": 3, "active_allocations": 1, "peak_memory": {"bytes": 1, "human_readable": "1B"},
    "current_memory": {"bytes": 1, "human_readable": "1B"}, "average_allocation_size": {"bytes": 1, "human_readable": "1B"},
    "usage_by_purpose": [{"purpose": "temporary", "size": {"bytes": 1, "human_readable": "1B"}}], "efficiency_ratio": 0.5714285714285714}`));
  assert.match(encode("MemoryStats", stats), /"efficiency_ratio":0\.5714286/);
  assert.equal(err(decode("MemoryStats", encode("MemoryStats", stats).replace('"purpose":"temporary"', '"purpose":7'))), "usage_by_purpose[0].purpose: expected one of \"vm-heap\", \"component-stack\", \"asset-cache\", \"jit-code-cache\", \"system-reserved\", \"wasm-linear\", \"network-buffers\", \"temporary\"");
  const profile = ok(decode("PlatformProfile", `{"tag": "psp", "val": {"bytes": 67108864, "human_readable": "64.0MB"}}`));
  assert.deepEqual(profile, constants.PLATFORM_PROFILES[1]);
  assert.equal(encode("PlatformProfile", profile), `{"tag":"psp","val":{"bytes":67108864,"human_readable":"64.0MB"}}`);
  const status = `{"version":"1","uptime_ms":5,"sessions":4294967295,"active_allocations":0,"websocket_clients":0}`;
  assert.equal(encode("ServiceStatus", ok(decode("ServiceStatus", status))), status);
  assert.equal(err(decode("ServiceStatus", status.replace("4294967295", "4294967296"))), "sessions: expected unsigned integer from 0 to 4294967295");
  assert.equal(err(decode("MemoryError", `{"code": "nope", "message": "m", "timestamp": 1}`)).startsWith("code: expected one of"), true);
});

test("float32 is the shortest decimal that round-trips through Math.fround", () => {
  assert.equal(float32(1 - 3 / 7), 0.5714286);
  assert.equal(float32(0.05), 0.05);
  assert.equal(float32(0.1), 0.1);
  assert.equal(float32(1 / 3), 0.33333334);
});

test("the JSON parser keeps number text and refuses what JSON.parse refuses", () => {
  const parsed = parseJson(`{"a": [18446744073709551615, -0.5e-3, "\\u00e9\\n"], "__proto__": true}`);
  assert.ok(parsed instanceof Map);
  for (const bad of ["", "01", "[1,]", "{'a': 1}", "\"\u0001\"", "NaN", "tru", "[1 2]", "\"\\x\""]) {
    assert.throws(() => parseJson(bad), SyntaxError, bad);
    assert.throws(() => JSON.parse(bad), SyntaxError, bad);
  }
});

test("no value may be inside more than 200 arrays and objects, and the parser is usable after refusing one", () => {
  const nest = (n: number, inner: string): string => "[".repeat(n) + inner + "]".repeat(n);
  assert.ok(Array.isArray(parseJson(nest(201, "")))); // the innermost [] is inside 200
  assert.ok(Array.isArray(parseJson(nest(200, "1"))));
  for (const text of [nest(201, "1"), nest(202, ""), nest(201, '"x"'), nest(100_000, "")]) {
    assert.throws(() => parseJson(text), /nested more than 200 deep/);
  }
  assert.ok(Array.isArray(parseJson(nest(200, "1")))); // the depth count is back at 0 after a refusal
  const deep = `{"bytes": 1, "human_readable": "x", "deep": ${"{\"a\":".repeat(200)}1${"}".repeat(200)}}`;
  assert.equal(err(decode("MemorySize", deep)), "$: invalid JSON: nested more than 200 deep");
});

test("the JSON parser keeps keys in document order and numbers as their own text", () => {
  const parsed = parseJson(`{"b": 1, "2": 18446744073709551615, "a": [1e400, -0, 0.1], "b": "last"}`) as Map<string, unknown>;
  assert.deepEqual([...parsed.keys()], ["b", "2", "a"]); // JSON.parse would put "2" first
  assert.equal(parsed.get("b"), "last");
  assert.equal((parsed.get("2") as JsonNumber).text, "18446744073709551615");
  assert.deepEqual((parsed.get("a") as JsonNumber[]).map((n) => n.text), ["1e400", "-0", "0.1"]);
  assert.equal(parseJson(`"1 [2] {\\"3\\": 4}"`), `1 [2] {"3": 4}`); // digits and brackets inside strings stay text
  assert.throws(() => parseJson(`["\\ud800"]`), /lone surrogate/);
  assert.throws(() => parseJson(`{"\\udc00": 1}`), /lone surrogate/);
  assert.equal(parseJson(`"\\ud83d\\ude00"`), "\u{1F600}");
});

/** A deterministic generator of JSON texts, valid and nearly valid, for comparing parseJson with JSON.parse. */
function* jsonTexts(count: number): Generator<string> {
  let seed = 0x2545f491;
  const random = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const pick = <X>(items: readonly X[]): X => items[random(items.length)]!;
  const strings = ["", "a", "s", "n", "n1", "1", "__proto__", "é", "\\n", "\\\"", "\\\\", "\\u0000", "\\ud800", "\\udfff", "\\ud83d\\ude00", "x y", "\\/", "\u2028"];
  const numbers = ["0", "-0", "1", "-1", "18446744073709551615", "9007199254740993", "1.5", "-0.5e-3", "1e400", "2E+10", "123456789012345678901234567890"];
  const value = (depth: number): string => {
    switch (random(depth > 3 ? 4 : 6)) {
      case 0: return `"${pick(strings)}"`;
      case 1: return pick(numbers);
      case 2: return pick(["true", "false", "null"]);
      case 3: return pick(numbers);
      case 4: return `[${Array.from({ length: random(4) }, () => value(depth + 1)).join(pick([",", ", ", " ,\n"]))}]`;
      default: return `{${Array.from({ length: random(4) }, () => `"${pick(strings)}"${pick([":", " : "])}${value(depth + 1)}`).join(",")}}`;
    }
  };
  const noise = [..."\"\\{}[],:0123456789.-+eEnstrufal \t\n\r", "\u0001", "\ud800", "x"];
  for (let i = 0; i < count; i++) {
    let text = value(0);
    // Most texts get one to three edits: a character inserted, deleted or replaced anywhere.
    for (let edits = random(4); edits > 0; edits--) {
      const at = random(text.length + 1);
      const edit = random(3);
      text = text.slice(0, at) + (edit === 1 ? "" : pick(noise)) + text.slice(edit === 0 ? at : at + 1);
    }
    yield text;
  }
}

const hasLoneSurrogate = (value: unknown): boolean => {
  if (typeof value === "string") return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, item]) => hasLoneSurrogate(key) || hasLoneSurrogate(item));
};

/** parseJson's value in JSON.parse's shape (numbers as doubles), to compare the two. */
const plain = (value: unknown): unknown => {
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [key, plain(item)]));
  return value;
};

test("parseJson accepts exactly what JSON.parse accepts, less lone surrogates, on 30,000 generated texts", () => {
  let valid = 0;
  let surrogates = 0;
  for (const text of jsonTexts(30000)) {
    let expected: unknown;
    try {
      expected = JSON.parse(text);
    } catch {
      assert.throws(() => parseJson(text), SyntaxError, `parseJson accepted ${JSON.stringify(text)}`);
      continue;
    }
    if (hasLoneSurrogate(expected)) {
      surrogates++;
      assert.throws(() => parseJson(text), /lone surrogate/, JSON.stringify(text));
      continue;
    }
    valid++;
    assert.deepEqual(plain(parseJson(text)), expected, JSON.stringify(text));
  }
  // The generator must exercise both sides, or the comparison above proves little.
  assert.ok(valid > 5000 && valid < 25000 && surrogates > 100, `valid ${valid}, with lone surrogates ${surrogates}`);
});

test("sizes, usage and pressure follow the schema's rules", () => {
  assert.equal(humanReadable(0n), "0B");
  assert.equal(humanReadable(512), "512B");
  assert.equal(humanReadable(1023n), "1023B");
  assert.equal(humanReadable(1024n), "1.0KB");
  assert.equal(humanReadable(1280n), "1.3KB");
  assert.equal(humanReadable(1048575n), "1024.0KB");
  assert.equal(humanReadable(1n << 30n), "1.0GB");
  assert.equal(humanReadable(536870912n), "512.0MB");
  assert.equal(humanReadable(18446744073709551615n), "16777216.0TB");
  assert.equal(parseSize("1.5GB"), 1610612736n);
  assert.equal(parseSize("512mb"), 536870912n);
  assert.equal(parseSize("100"), 100n);
  assert.equal(parseSize("100B"), 100n);
  assert.equal(parseSize("1.5XB"), undefined);
  assert.equal(usagePercentage(1n, 3n), 100 / 3);
  assert.equal(usagePercentage(0n, 0n), 0);
  assert.equal(usagePercentage(18446744073709551615n, 18446744073709551615n), 100);
  assert.equal(usagePercentage(1n, 18446744073709551615n), 100 / 18446744073709551615);
  assert.equal(pressureLevel(95), "critical");
  assert.equal(pressureLevel(94.99), "high");
  assert.equal(pressureLevel(85), "high");
  assert.equal(pressureLevel(70), "medium");
  assert.equal(pressureLevel(69.9), "low");
  assert.equal(pressureColor("critical"), "#F44336");
  assert.equal(pressureColor("low"), "#4CAF50");
  assert.equal(platformFor("medium"), "v6r-medium");
  assert.deepEqual(defaultMemorySize("medium"), { bytes: 1073741824n, humanReadable: "1.0GB" });
  assert.equal(VM_SIZE_BYTES["large"], 2147483648n);
});

test("config validation and the event emitter", () => {
  assert.equal(validateV6RConfig({ sessionId: "session-123", userId: "user-456", vmSize: "medium" }).tag, "ok");
  const bad = validateV6RConfig({ sessionId: "bad id", userId: "user-456", vmSize: "medium" });
  assert.equal(bad.tag === "err" && bad.val.message, "session_id: expected a string matching ^(?:[A-Za-z0-9_:-]|\\.[A-Za-z0-9_:-]|\\.\\.[A-Za-z0-9._:-])[A-Za-z0-9._:-]*$");
  const emitter = new MemoryEventEmitter<MemoryUsageSnapshot | null>();
  const seen: unknown[] = [];
  const off = emitter.subscribe((e) => seen.push(e));
  emitter.emit(null);
  off();
  emitter.emit(null);
  assert.equal(seen.length, 1);
  assert.equal(emitter.size, 0);
});

test("the ./constants entry has every constant; the core shares its rules and has no other constant", () => {
  // the rules the utilities apply are one module: both entries export the very same objects
  for (const name of ["SIZE_UNIT_BASE", "SIZE_UNITS", "SIZE_DECIMALS", "VM_SIZE_BYTES", "PLATFORM_PREFIX", "PRESSURE_THRESHOLDS"]) {
    assert.ok(name in core && name in constants, name);
    assert.equal((core as Record<string, unknown>)[name], (constants as Record<string, unknown>)[name], name);
  }
  for (const name of ["PLATFORM_PROFILES", "DEFAULT_UPDATE_INTERVAL_MS", "memoryPurposeValues", "vmSizeValues"]) {
    assert.ok(name in constants && !(name in core), name);
  }
  // internal codec helpers are not part of the core's API
  for (const name of ["readJson", "writeJson"]) assert.ok(!(name in core), name);
  assert.deepEqual(constants.vmSizeValues, Object.keys(constants.VM_SIZE_BYTES));
  assert.equal(constants.DEFAULT_UPDATE_INTERVAL_MS, 2000);
});

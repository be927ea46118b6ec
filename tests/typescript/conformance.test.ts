// Cross-language conformance: every case in tests/conformance/vectors is decoded and re-encoded (a valid
// case must give its canonical text exactly) or rejected (an invalid case). Cases listed in
// tests/conformance/expected-failures/typescript.txt must fail; a listed case that passes fails the run.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as codec from "@flight/v6r-memory-types";

interface Case {
  type: string;
  name: string;
  input: string;
  valid: boolean;
  canonical?: string;
}

const ROOT = process.env["V6R_ROOT"] ?? new URL("../../../", import.meta.url).pathname; // run-tests.mjs sets it
const DIR = join(ROOT, "tests/conformance");
const CASES: Case[] = readdirSync(join(DIR, "vectors"))
  .filter((file) => file.endsWith(".json"))
  .sort()
  .flatMap((file) => JSON.parse(readFileSync(join(DIR, "vectors", file), "utf8")) as Case[]);
const EXPECTED = new Set(
  readFileSync(join(DIR, "expected-failures/typescript.txt"), "utf8")
    .split("\n")
    .map((line) => line.split("#")[0]!.trim())
    .filter((line) => line !== ""),
);
// Vectors name schema types at run time, so the typed decode and encode are called through a string signature.
const { decode, encode } = codec as unknown as {
  decode(type: string, text: string): { tag: "ok"; val: unknown } | { tag: "err"; val: { message: string } };
  encode(type: string, value: unknown): string;
};

/** undefined when the binding agrees with the case, else what differs (expected vs actual). */
function problem(c: Case): string | undefined {
  let result: ReturnType<typeof decode>;
  try {
    result = decode(c.type, c.input);
  } catch (error) {
    return `decode("${c.type}") threw instead of returning a result: ${String(error)}`;
  }
  if (result.tag === "err") return c.valid ? `expected ${JSON.stringify(c.canonical)}, got rejection: ${result.val.message}` : undefined;
  let actual: string;
  try {
    actual = encode(c.type, result.val);
  } catch (error) {
    return `encode("${c.type}") threw: ${String(error)}`;
  }
  if (!c.valid) return `expected rejection, got ${JSON.stringify(actual)}`;
  return actual === c.canonical ? undefined : difference(c.canonical ?? "", actual);
}

/** Expected vs actual around the first difference, so long texts stay readable. */
function difference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && expected[i] === actual[i]) i++;
  const from = Math.max(0, i - 30);
  const cut = (s: string) => JSON.stringify((from > 0 ? "..." : "") + s.slice(from, i + 40));
  return `at offset ${i}: expected ${cut(expected)}, got ${cut(actual)}`;
}

test("conformance vectors", () => {
  assert.ok(CASES.length >= 300, `only ${CASES.length} cases`);
  const names = new Set(CASES.map((c) => c.name));
  const errors: string[] = [];
  for (const name of EXPECTED) if (!names.has(name)) errors.push(`expected-failures/typescript.txt names ${name}, which is no case`);
  let passed = 0;
  let xfailed = 0;
  for (const c of CASES) {
    const diff = problem(c);
    if (EXPECTED.has(c.name)) {
      if (diff === undefined) errors.push(`typescript: ${c.name} is listed in expected-failures/typescript.txt but passes`);
      else xfailed++;
    } else if (diff !== undefined) errors.push(`typescript: ${c.name} (${c.type}): ${diff}`);
    else passed++;
  }
  console.log(`typescript conformance: ${CASES.length} cases, ${passed} passed, ${xfailed} expected failures`);
  if (errors.length > 0) assert.fail(`${errors.length} conformance problem(s):\n${errors.join("\n")}`);
});

// The size, usage and pressure rules against tests/conformance/rules.json, which make_rules.py works out with
// exact fractions from the schema's constants (the Python and Go tests read the same file). Sizes are decimal
// strings there, so 64-bit values reach BigInt exactly.
interface Rules {
  human_readable: [string, string][];
  parse_size: [string, string | null][];
  usage_percentage: [string, string, number][];
  pressure_level: [number, string][];
}

test("size, usage and pressure rules agree with rules.json", () => {
  const rules = JSON.parse(readFileSync(join(DIR, "rules.json"), "utf8")) as Rules;
  assert.ok(rules.human_readable.length >= 500 && rules.parse_size.length >= 50, "rules.json holds too few cases");
  assert.ok(rules.usage_percentage.length >= 100 && rules.pressure_level.length >= 10, "rules.json holds too few cases");
  const errors: string[] = [];
  for (const [size, text] of rules.human_readable) {
    const got = codec.humanReadable(BigInt(size));
    if (got !== text) errors.push(`humanReadable(${size}) = ${got}, want ${text}`);
  }
  for (const [text, size] of rules.parse_size) {
    const got = codec.parseSize(text);
    if (got !== (size === null ? undefined : BigInt(size))) errors.push(`parseSize(${JSON.stringify(text)}) = ${got}, want ${size}`);
  }
  for (const [used, total, percentage] of rules.usage_percentage) {
    const got = codec.usagePercentage(BigInt(used), BigInt(total));
    if (got !== percentage) errors.push(`usagePercentage(${used}, ${total}) = ${got}, want ${percentage}`);
  }
  for (const [percentage, level] of rules.pressure_level) {
    const got = codec.pressureLevel(percentage);
    if (got !== level) errors.push(`pressureLevel(${percentage}) = ${got}, want ${level}`);
  }
  if (errors.length > 0) assert.fail(`${errors.length} rule problem(s):\n${errors.join("\n")}`);
});

// Speed of the generated TypeScript codec: parseJson and decode/encode against the platform's JSON.parse and
// JSON.stringify (lossy for 64-bit integers, so only a yardstick), on one seed memory_update and on an allocation
// list of 2,000 entries. Rounds alternate between the contenders and the median round is reported, so the
// ratios hold on a shared, noisy machine even when the absolute times drift.
// Run: node bench/typescript_codec.mjs [package src folder ...] (default generated/typescript/src). Several
// folders are measured side by side, e.g. a git worktree of an older commit against the current package.
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "tests/typescript/package.json"));
const { build } = require("esbuild");

async function load(src) {
  const result = await build({
    entryPoints: [join(src, "index.ts")], bundle: true, format: "esm", target: "es2020", write: false,
    logLevel: "warning",
  });
  const url = "data:text/javascript;base64," + Buffer.from(result.outputFiles[0].text).toString("base64");
  const pkg = await import(url);
  // Packages from before the typed decode/encode pair had one function per type.
  const decode = pkg.decode ?? ((type, text) => pkg[`decode${type}`](text));
  const encode = pkg.encode ?? ((type, value) => pkg[`encode${type}`](value));
  return { parseJson: pkg.parseJson, decode, encode };
}

const update = JSON.stringify({
  type: "memory_update", session_id: "session-123", timestamp: 1700000000001,
  snapshot: {
    timestamp: 1700000000000, session_id: "session-123", platform: "v6r-medium",
    total: { bytes: 1073741824, human_readable: "1.0GB" }, used: { bytes: 536870912, human_readable: "512.0MB" },
    available: { bytes: 536870912, human_readable: "512.0MB" }, fragmentation_ratio: 0.125,
  },
});
const list = JSON.stringify({
  session_id: "s",
  allocations: Array.from({ length: 2000 }, (_, i) => ({
    id: `a${i}`, session_id: "s", size: { bytes: i * 64, human_readable: `${i * 64}B` }, purpose: "vm-heap",
    offset: i * 64, allocated_at: 1700000000000 + i,
  })),
});

function time(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1000 / iterations; // microseconds per call
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const folders = process.argv.length > 2 ? process.argv.slice(2) : [join(root, "generated/typescript/src")];
const packages = [];
for (const folder of folders) packages.push([resolve(folder), await load(resolve(folder))]);

const cases = [
  ["memory_update", "MemoryUpdate", update, 5000],
  ["2,000 allocations", "AllocationList", list, 10],
];
for (const [label, type, text, iterations] of cases) {
  const contenders = [["JSON.parse (lossy yardstick)", () => JSON.parse(text)]];
  for (const [folder, pkg] of packages) {
    const value = pkg.decode(type, text);
    if (value.tag !== "ok") throw new Error(`${folder}: ${label} did not decode: ${value.val.message}`);
    contenders.push([`${folder} parseJson`, () => pkg.parseJson(text)]);
    contenders.push([`${folder} decode`, () => pkg.decode(type, text)]);
    contenders.push([`${folder} encode`, () => pkg.encode(type, value.val)]);
  }
  const rounds = contenders.map(() => []);
  for (let round = 0; round < 15; round++) {
    contenders.forEach(([, fn], i) => rounds[i].push(time(fn, iterations)));
  }
  const base = median(rounds[0]);
  console.log(`\n${label} (${text.length} bytes), median of 15 rounds of ${iterations}:`);
  contenders.forEach(([name], i) => {
    const us = median(rounds[i]);
    console.log(`  ${name.padEnd(60)} ${us.toFixed(1).padStart(9)} us  x${(us / base).toFixed(2)}`);
  });
}

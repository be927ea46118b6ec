// Bundles smoke.ts with esbuild (as run-tests.mjs bundles the tests) and runs it against the server at the
// URL given as the first argument or in SMOKE_URL: `node smoke.mjs http://127.0.0.1:8080`.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const url = process.argv[2] ?? process.env.SMOKE_URL;
if (!url) {
  console.error("usage: node smoke.mjs URL (or set SMOKE_URL)");
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), "v6r-smoke-"));
const generated = join(here, "../../generated/typescript/src");
const outfile = join(out, "smoke.mjs");
await build({
  entryPoints: [join(here, "smoke.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  nodePaths: [join(here, "node_modules")],
  alias: { "@flight/v6r-memory-types": join(generated, "index.ts") },
  logLevel: "warning",
});
const run = spawnSync(process.execPath, ["--experimental-websocket", outfile], { stdio: "inherit", env: { ...process.env, SMOKE_URL: url } });
rmSync(out, { recursive: true, force: true });
process.exit(run.status ?? 1);

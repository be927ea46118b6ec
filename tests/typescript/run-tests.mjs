// Bundles each test with esbuild (React aliased per version) and runs it with node's test runner.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, ".build");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const generated = join(here, "../../generated/typescript/src");
const only = process.argv.slice(2);
const jobs = [
  { name: "codec", entry: "codec.test.ts" },
  { name: "conformance", entry: "conformance.test.ts" },
  { name: "server", entry: "server.test.ts" },
  { name: "hooks-react18", entry: "hooks.test.ts", react: "18" },
  { name: "hooks-react19", entry: "hooks.test.ts", react: "19" },
].filter((job) => only.length === 0 || only.includes(job.name));
// Every job runs by default; name some to run only those, e.g. `node run-tests.mjs hooks-react18`.

const files = [];
for (const job of jobs) {
  const alias = {
    "@flight/v6r-memory-types/react": join(generated, "react/index.ts"),
    "@flight/v6r-memory-types/constants": join(generated, "constants.ts"),
    "@flight/v6r-memory-types": join(generated, "index.ts"),
  };
  if (job.react === "18") Object.assign(alias, { react: "react18", "react-dom": "react-dom18" });
  const outfile = join(out, `${job.name}.test.mjs`);
  await build({
    entryPoints: [join(here, job.entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    nodePaths: [join(here, "node_modules")],
    alias,
    define: { "process.env.NODE_ENV": '"development"', __REACT_VERSION__: JSON.stringify(job.react ?? "") },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "warning",
  });
  files.push(outfile);
}
// The AsyncAPI check is plain JavaScript on a Node library, run as it is.
if (only.length === 0 || only.includes("asyncapi")) files.push(join(here, "asyncapi.test.mjs"));
const run = spawnSync(process.execPath, ["--experimental-websocket", "--test", "--test-concurrency=1", ...files], { stdio: "inherit", env: { ...process.env, V6R_ROOT: join(here, "../../") } });
process.exit(run.status ?? 1);

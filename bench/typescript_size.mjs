// Size of the generated TypeScript package's two entries: esbuild bundle, minified, then gzipped (level 9).
// Run: node bench/typescript_size.mjs (uses esbuild from tests/typescript/node_modules).
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "tests/typescript/package.json"));
const { build } = require("esbuild");
const entries = { core: "generated/typescript/src/index.ts", react: "generated/typescript/src/react/index.ts" };
for (const [name, entry] of Object.entries(entries)) {
  const result = await build({
    entryPoints: [join(root, entry)], bundle: true, minify: true, format: "esm", target: "es2020",
    write: false, external: ["react"], logLevel: "warning",
  });
  const code = result.outputFiles[0].contents;
  console.log(`${name}: ${code.length} bytes minified, ${gzipSync(code, { level: 9 }).length} bytes gzipped`);
}

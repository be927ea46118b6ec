// Size of the generated TypeScript package's three entries: esbuild bundle, minified, then gzipped (level 9).
// Run: node bench/typescript_size.mjs [--exports] (uses esbuild from tests/typescript/node_modules).
// It also prints what typical imports cost an application: a bundler keeps only what is imported
// (the package is ESM with sideEffects: false), so the whole core entry is the most any app pays.
// --exports also prints what each export of the core adds: the core's size minus the size of a bundle of every
// other export (code shared by several exports counts for none of them, so the column does not add up).
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "tests/typescript/package.json"));
const { build } = require("esbuild");
const src = join(root, "generated/typescript/src");

async function bundle(options) {
  const result = await build({
    ...options, bundle: true, minify: true, format: "esm", target: "es2020", write: false, external: ["react"],
    logLevel: "warning",
  });
  const code = result.outputFiles[0].contents;
  return { code, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

// a reader that stops early (`| head`) is not an error
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

const entries = {
  core: join(src, "index.ts"),
  react: join(src, "react/index.ts"),
  constants: join(src, "constants.ts"),
};
const sizes = {};
for (const [name, entry] of Object.entries(entries)) {
  sizes[name] = await bundle({ entryPoints: [entry] });
  console.log(`${name}: ${sizes[name].minified} bytes minified, ${sizes[name].gzipped} bytes gzipped`);
}

const typical = [
  "decode, encode",
  "MemoryClient",
  "MemorySocket",
  "MemoryClient, MemorySocket, humanReadable, usagePercentage, pressureLevel",
];
console.log("\nwhat typical imports cost an application, gzipped bytes:");
for (const names of typical) {
  const contents = `export { ${names} } from "./index.ts";`;
  const size = await bundle({ stdin: { contents, resolveDir: src, loader: "ts", sourcefile: join(src, "entry.ts") } });
  console.log(`${String(size.gzipped).padStart(6)}  import { ${names} }`);
}

if (process.argv.includes("--exports")) {
  const exported = /export\{([^}]*)\}\s*;?\s*$/.exec(new TextDecoder().decode(sizes.core.code));
  const names = exported[1].split(",").map((item) => item.split(" as ").pop());
  const without = async (name) => {
    const contents = `export { ${names.filter((n) => n !== name).join(", ")} } from "./index.ts";`;
    return (await bundle({ stdin: { contents, resolveDir: src, loader: "ts", sourcefile: join(src, "entry.ts") } })).gzipped;
  };
  const rows = [];
  for (const name of names) rows.push([name, sizes.core.gzipped - (await without(name))]);
  rows.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  console.log("\nwhat each export adds to the core, gzipped bytes:");
  for (const [name, bytes] of rows) console.log(`${String(bytes).padStart(6)}  ${name}`);
}

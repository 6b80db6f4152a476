// npm run bench [name...]: builds, then runs every benchmark in bench/ (or the named ones) one after
// another, so they never compete for this machine's cores. Each prints its own table and JSON.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tsx = require.resolve("tsx/cli");
const wanted = process.argv.slice(2);
const files = readdirSync("bench")
  .filter((f) => /^[a-z0-9-]+\.(mjs|ts)$/.test(f))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.(mjs|ts)$/, "")))
  .sort();
if (files.length === 0) {
  console.error(`bench: nothing to run (have: ${readdirSync("bench").join(", ")})`);
  process.exit(2);
}
execFileSync("bash", ["scripts/ensure-deps.sh"], { stdio: "inherit" });
execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
for (const f of files) {
  console.log(`\n=== bench/${f} ===`);
  const args = f.endsWith(".ts") ? [tsx, `bench/${f}`] : [`bench/${f}`];
  execFileSync(process.execPath, args, { stdio: "inherit" });
}

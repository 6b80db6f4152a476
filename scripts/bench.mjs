// npm run bench [name...] [--check]: builds, then runs every benchmark in bench/ (or the named ones)
// one after another, so they never compete for this machine's cores. Each prints its own table and
// writes its JSON to .cache/bench/<name>.json. With --check, each figure that has a target (issue
// #12; README, Performance) is compared with it, and the command exits 1 when one is missed or its
// benchmark did not run. A regression guard for a quiet machine, never part of npm test.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const tsx = require.resolve("tsx/cli");
const args = process.argv.slice(2);
const check = args.includes("--check");
const wanted = args.filter((a) => a !== "--check");
const OUT = join(".cache", "bench");

/** The targets: name, figure, limit (each benchmark's JSON names the figure). */
const TARGETS = {
  startup: (r) => [["ADD (dataplane none) median − VERSION median, ms", r.addMinusVersion, 10]],
  plugin: (r) => [["plugin ADD median / bridge+host-local's", r.ratio.add, 1.5], ["plugin DEL median / bridge+host-local's", r.ratio.del, 1.5]],
  cri: (r) => [["CRI RunPodSandbox p50 / bridge's", r.ratio.run, 1.15], ["CRI Stop+Remove p50 / bridge's", r.ratio.stopRemove, 1.15]],
};

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
mkdirSync(OUT, { recursive: true });
for (const f of files) {
  const name = f.replace(/\.(mjs|ts)$/, "");
  const json = join(OUT, `${name}.json`);
  rmSync(json, { force: true });
  console.log(`\n=== bench/${f} ===`);
  const cmd = f.endsWith(".ts") ? [tsx, `bench/${f}`] : [`bench/${f}`];
  execFileSync(process.execPath, [...cmd, "--json", json], { stdio: "inherit" });
}
if (!check) process.exit(0);

let missed = 0;
console.log("\n=== targets (--check) ===");
for (const f of files) {
  const name = f.replace(/\.(mjs|ts)$/, "");
  const target = TARGETS[name];
  if (target === undefined) continue;
  const json = join(OUT, `${name}.json`);
  if (!existsSync(json)) {
    console.log(`MISSED  ${name}: did not run (skipped here?), so nothing was checked`);
    missed++;
    continue;
  }
  for (const [what, value, limit] of target(JSON.parse(readFileSync(json, "utf8")))) {
    const ok = typeof value === "number" && value <= limit;
    if (!ok) missed++;
    console.log(`${ok ? "ok    " : "MISSED"}  ${what}: ${value} (target ≤ ${limit})`);
  }
}
process.exit(missed === 0 ? 0 : 1);

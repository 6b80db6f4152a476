// npm run bench [name...] [--check]: builds, then runs every benchmark in bench/ (or the named ones)
// one after another, so they never compete for this machine's cores. Each prints its own table and
// writes its JSON to .cache/bench/<name>.json. With --check, every figure that a benchmark lists in
// its JSON's top-level `targets` ([{ name, value, op: "<=" | ">=", limit, unit }], issue #12;
// README, Performance) is compared with its limit: one table, and exit 1 when one is missed, when a
// benchmark that has targets did not run (skipped: not root, no containerd), or when a benchmark
// failed. `--check --no-run` compares the JSON of the last run without running anything. A
// regression guard for a quiet machine, never part of npm test.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const tsx = require.resolve("tsx/cli");
const args = process.argv.slice(2);
const check = args.includes("--check");
/** --check --no-run: only compare the JSON the last run left in .cache/bench. */
const noRun = args.includes("--no-run");
const wanted = args.filter((a) => a !== "--check" && a !== "--no-run");
const OUT = join(".cache", "bench");
/** A benchmark's name (its file without the extension) and where its JSON goes. */
const benchName = (file) => file.replace(/\.(mjs|ts)$/, "");
const jsonOf = (name) => join(OUT, `${name}.json`);

/** Benchmarks whose JSON must carry targets under --check: not running them is a miss. */
const HAS_TARGETS = new Set(["apiserver", "cluster-mode", "cri", "ipamd", "plugin", "soak", "startup"]);

const files = readdirSync("bench")
  .filter((f) => /^[a-z0-9-]+\.(mjs|ts)$/.test(f))
  .filter((f) => wanted.length === 0 || wanted.includes(benchName(f)))
  .sort();
if (files.length === 0) {
  console.error(`bench: nothing to run (have: ${readdirSync("bench").join(", ")})`);
  process.exit(2);
}
if (noRun && !check) {
  console.error("bench: --no-run only goes with --check");
  process.exit(2);
}
if (!noRun) {
  execFileSync("bash", ["scripts/ensure-deps.sh"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
mkdirSync(OUT, { recursive: true });
const failed = [];
for (const f of noRun ? [] : files) {
  const name = benchName(f);
  const json = jsonOf(name);
  rmSync(json, { force: true });
  console.log(`\n=== bench/${f} ===`);
  const cmd = f.endsWith(".ts") ? [tsx, `bench/${f}`] : [`bench/${f}`];
  try {
    execFileSync(process.execPath, [...cmd, "--json", json], { stdio: "inherit" });
  } catch (e) {
    // Under --check the others still run and the table says which failed; without it, stop here.
    if (!check) throw e;
    failed.push(name);
  }
}
if (!check) process.exit(0);

const rows = [];
let missed = 0;
for (const f of files) {
  const name = benchName(f);
  const json = jsonOf(name);
  if (failed.includes(name)) {
    rows.push([name, "(the benchmark failed)", "", "", "MISSED"]);
    missed++;
    continue;
  }
  const targets = existsSync(json) ? JSON.parse(readFileSync(json, "utf8")).targets : undefined;
  if (!Array.isArray(targets)) {
    if (HAS_TARGETS.has(name)) {
      rows.push([name, existsSync(json) ? "(no targets in its JSON)" : "(did not run: skipped here?)", "", "", "MISSED"]);
      missed++;
    }
    continue;
  }
  for (const t of targets) {
    const ok = typeof t.value === "number" && Number.isFinite(t.value) && (t.op === ">=" ? t.value >= t.limit : t.value <= t.limit);
    if (!ok) missed++;
    rows.push([name, t.name, `${t.value}${t.unit ? ` ${t.unit}` : ""}`, `${t.op} ${t.limit}`, ok ? "ok" : "MISSED"]);
  }
}
console.log("\n=== targets (--check) ===");
console.log("| bench | figure | value | target | |\n|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(missed === 0 ? "every target met" : `${missed} target(s) missed`);
process.exit(missed === 0 ? 0 : 1);

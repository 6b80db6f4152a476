// Compares ways to ship mock-vpc-cni as one executable: `bun build --compile` (with and without
// --bytecode) and Node (a single-file bundle run by node, the start-up a Node SEA has; a real SEA
// when postject is installed). Measures VERSION start-up and, when mock-ipamd is built, ADD and
// DEL against it (dataplane "none", so only the binary and the gRPC call are timed).
// Usage: node scripts/measure-binary.mjs [--runs 30] [--json FILE]   (after npm run build)
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const RUNS = Number(opt("--runs", "30"));
const JSON_OUT = opt("--json", undefined);
const ENTRY = "cmd/mock-vpc-cni.ts";
const bun = join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");
const work = mkdtempSync(join(tmpdir(), "measure-binary-"));

function build() {
  const run = (args) => execFileSync(bun, args, { stdio: ["ignore", "ignore", "inherit"] });
  const c = [];
  run(["build", ENTRY, "--compile", "--bytecode", "--minify", "--outfile", join(work, "bun-bytecode")]);
  c.push({ name: "bun --compile --bytecode", argv: [join(work, "bun-bytecode")], file: join(work, "bun-bytecode") });
  run(["build", ENTRY, "--compile", "--minify", "--outfile", join(work, "bun-plain")]);
  c.push({ name: "bun --compile", argv: [join(work, "bun-plain")], file: join(work, "bun-plain") });
  run(["build", ENTRY, "--target=node", "--format=cjs", "--minify", "--outfile", join(work, "bundle.cjs")]);
  c.push({ name: "node bundle (SEA start-up)", argv: [process.execPath, join(work, "bundle.cjs")], file: process.execPath });
  const sea = buildSea();
  if (typeof sea === "string") console.error(`Node SEA: ${sea}`);
  else c.push(sea);
  return c;
}

/** A real Node SEA needs postject to inject the blob (Node 20 has no --build-sea). */
function buildSea() {
  let postject;
  try {
    postject = require.resolve("postject/dist/cli.js");
  } catch {
    return "not built: postject is not installed (npm package 'postject'); the node bundle row stands for its start-up";
  }
  const cfg = join(work, "sea-config.json");
  writeFileSync(cfg, JSON.stringify({ main: join(work, "bundle.cjs"), output: join(work, "sea.blob"), disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync(process.execPath, ["--experimental-sea-config", cfg], { stdio: "ignore" });
  const exe = join(work, "node-sea");
  copyFileSync(process.execPath, exe);
  execFileSync(process.execPath, [postject, exe, "NODE_SEA_BLOB", join(work, "sea.blob"), "--sentinel-fuse", "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"], { stdio: "ignore" });
  return { name: "node SEA", argv: [exe], file: exe };
}

function timeOnce(cand, env, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cand.argv[0], cand.argv.slice(1), { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env }, input, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cand.name} ${env.CNI_COMMAND} exit ${r.status}: ${r.stdout}${r.stderr}`);
  return ms;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: +q(0.5).toFixed(2), p90: +q(0.9).toFixed(2), n: s.length };
};

/** Alternates candidates run by run so machine load hits them all alike. */
function measure(cands, fn) {
  const samples = cands.map(() => []);
  for (let i = 0; i < RUNS; i++) cands.forEach((c, j) => samples[j].push(fn(c, i)));
  return samples.map(stats);
}

async function startDaemon() {
  const js = "dist/cmd/mock-ipamd.js";
  if (!existsSync(js)) return undefined;
  const dir = join(work, "ipamd");
  const child = spawn(process.execPath, [js, "--listen", `unix://${dir}/ipamd.sock`, "--state-dir", dir, "--introspection", "off", "--metrics", "off", "--host-links", "off", "--ip-cooldown", "0s"], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = await new Promise((res) => {
    const timer = setTimeout(() => res(false), 20000);
    createInterface({ input: child.stdout }).on("line", (l) => l.includes('"msg":"ready"') && (clearTimeout(timer), res(true)));
    child.once("exit", () => (clearTimeout(timer), res(false)));
  });
  if (!ready) { child.kill("SIGKILL"); return undefined; }
  return { address: `unix://${dir}/ipamd.sock`, stop: () => child.kill("SIGTERM") };
}

function addDel(daemon) {
  const conf = JSON.stringify({ cniVersion: "1.0.0", name: "measure", type: "mock-vpc-cni", ipamdAddress: daemon.address, dataplane: "none" });
  const env = (cmd, id) => ({ CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: "/var/run/netns/measure", CNI_IFNAME: "eth0", CNI_PATH: "/usr/lib/cni", CNI_ARGS: `K8S_POD_NAMESPACE=default;K8S_POD_NAME=measure-${id}` });
  const del = [];
  return (cand, i) => {
    const id = `m${i}${cand.name.length}x${Date.now() % 100000}`;
    const ms = timeOnce(cand, env("ADD", id), conf);
    del.push(timeOnce(cand, env("DEL", id), conf));
    return ms;
  };
}

const cands = build();
const version = measure(cands, (c) => timeOnce(c, { CNI_COMMAND: "VERSION" }, ""));
const daemon = await startDaemon();
let add;
let addNote = "mock-ipamd not built (dist/cmd/mock-ipamd.js): ADD not measured";
if (daemon) {
  try {
    add = measure(cands, addDel(daemon));
    addNote = "ADD with dataplane none against mock-ipamd on a Unix socket";
  } catch (e) {
    addNote = `ADD not measured: ${String(e).slice(0, 300)}`;
  } finally {
    daemon.stop();
  }
}
const rows = cands.map((c, i) => ({ candidate: c.name, sizeMB: +(statSync(c.file).size / 1e6).toFixed(1), version: version[i], add: add?.[i] }));
console.log(`runs per candidate: ${RUNS}; ${addNote}`);
console.log("| candidate | size MB | VERSION median ms | VERSION p90 | ADD median ms | ADD p90 |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.candidate} | ${r.sizeMB} | ${r.version.median} | ${r.version.p90} | ${r.add?.median ?? "-"} | ${r.add?.p90 ?? "-"} |`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ runs: RUNS, note: addNote, rows }, null, 2));
rmSync(work, { recursive: true, force: true });

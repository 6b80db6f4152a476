// Compares ways to ship mock-vpc-cni as one executable: `bun build --compile` (with and without
// --bytecode) and Node (a single-file bundle run by node, the start-up a Node SEA has; a real SEA
// when postject is installed). Measures VERSION start-up and, when mock-ipamd is built, ADD and
// DEL against it, else against a stub rpc.CNIBackend (dataplane "none", so only the binary and the
// gRPC call are timed). Alternates candidates run by run; medians and p90 in ms.
// Usage: node scripts/measure-binary.mjs [--runs 30] [--json FILE]   (after npm run build)
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { startStubIpamd } from "../bench/helpers/stub-ipamd.mjs";

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const RUNS = Number(opt("--runs", "30"));
const JSON_OUT = opt("--json", undefined);
const ENTRY = "cmd/mock-vpc-cni.ts";
const bun = join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin", "bun");
const NO_AUTOLOAD = ["--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];
const work = mkdtempSync(join(tmpdir(), "measure-binary-"));

function build() {
  const run = (args) => execFileSync(bun, args, { stdio: ["ignore", "ignore", "inherit"] });
  const c = [];
  // The first candidate is what scripts/build.mjs ships (keep the flags in step).
  run(["build", ENTRY, "--compile", "--bytecode", "--minify", "--format=esm", "--splitting", ...NO_AUTOLOAD, "--outfile", join(work, "bun-bytecode")]);
  c.push({ name: "bun --compile --bytecode (shipped)", argv: [join(work, "bun-bytecode")], file: join(work, "bun-bytecode") });
  run(["build", ENTRY, "--compile", "--bytecode", "--minify", ...NO_AUTOLOAD, "--outfile", join(work, "bun-bytecode-one")]);
  c.push({ name: "bun --compile --bytecode, one CommonJS file", argv: [join(work, "bun-bytecode-one")], file: join(work, "bun-bytecode-one") });
  run(["build", ENTRY, "--compile", "--minify", ...NO_AUTOLOAD, "--outfile", join(work, "bun-plain")]);
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

// GNU time (when installed) adds CPU time (user+sys): far less distorted than wall time by the
// load of a shared machine.
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const cpuFile = join(work, "cpu");

/** One exec, asynchronous so an in-process stub daemon can answer meanwhile; resolves { ms, cpu }. */
function timeOnce(cand, env, input) {
  const t0 = process.hrtime.bigint();
  const [cmd, args] = TIME ? [TIME, ["-f", "%U %S", "-o", cpuFile, ...cand.argv]] : [cand.argv[0], cand.argv.slice(1)];
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", rej);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return rej(new Error(`${cand.name} ${env.CNI_COMMAND} exit ${code}: ${out}`));
      const cpu = TIME ? readFileSync(cpuFile, "utf8").trim().split(/\s+/).slice(-2).map(Number) : [NaN, NaN];
      res({ ms, cpu: (cpu[0] + cpu[1]) * 1000 });
    });
    child.stdin.end(input);
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: +q(0.5).toFixed(2), p90: +q(0.9).toFixed(2), n: s.length };
};

/** Alternates candidates run by run so machine load hits them all alike. */
async function measure(cands, fn) {
  const wall = cands.map(() => []);
  const cpu = cands.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [j, c] of cands.entries()) {
      const r = await fn(c, i);
      wall[j].push(r.ms);
      cpu[j].push(r.cpu);
    }
  }
  return wall.map((w, j) => ({ ...stats(w), cpuMedian: stats(cpu[j]).median }));
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
  return { address: `unix://${dir}/ipamd.sock`, kind: "mock-ipamd", stop: async () => void child.kill("SIGTERM") };
}

function addDel(daemon) {
  const conf = JSON.stringify({ cniVersion: "1.0.0", name: "measure", type: "mock-vpc-cni", ipamdAddress: daemon.address, dataplane: "none" });
  const env = (cmd, id) => ({ CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: "/var/run/netns/measure", CNI_IFNAME: "eth0", CNI_PATH: "/usr/lib/cni", CNI_ARGS: `K8S_POD_NAMESPACE=default;K8S_POD_NAME=measure-${id}` });
  return async (cand, i) => {
    const id = `m${i}${cand.name.length}x${Date.now() % 100000}`;
    const r = await timeOnce(cand, env("ADD", id), conf);
    await timeOnce(cand, env("DEL", id), conf);
    return r;
  };
}

const cands = build();
const version = await measure(cands, (c) => timeOnce(c, { CNI_COMMAND: "VERSION" }, ""));
const daemon = (await startDaemon()) ?? (await startStubIpamd(process.cwd(), join(work, "stub.sock")));
let add;
let addNote;
try {
  add = await measure(cands, addDel(daemon));
  addNote = `ADD with dataplane none against ${daemon.kind} on a Unix socket`;
} catch (e) {
  addNote = `ADD not measured: ${String(e).slice(0, 300)}`;
} finally {
  await daemon.stop();
}
const rows = cands.map((c, i) => ({ candidate: c.name, sizeMB: +(statSync(c.file).size / 1e6).toFixed(1), version: version[i], add: add?.[i] }));
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`runs per candidate: ${RUNS}; ${addNote}; load average ${load}`);
console.log("| candidate | size MB | VERSION median ms | VERSION p90 | VERSION CPU ms | ADD median ms | ADD p90 | ADD CPU ms |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.candidate} | ${r.sizeMB} | ${r.version.median} | ${r.version.p90} | ${r.version.cpuMedian} | ${r.add?.median ?? "-"} | ${r.add?.p90 ?? "-"} | ${r.add?.cpuMedian ?? "-"} |`);
}
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ runs: RUNS, note: addNote, rows }, null, 2));
rmSync(work, { recursive: true, force: true });

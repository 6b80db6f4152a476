// Benchmark: ADD+DEL of dist/bin/mock-vpc-cni into a real netns (against mock-ipamd, or a stub
// rpc.CNIBackend when the daemon is not built) vs Debian's bridge + host-local, run alternately in
// one process. Reports median, p90 and the ratio ours/bridge. Needs root (network namespaces).
// Usage: node bench/plugin.mjs [--iterations 40] [--json FILE]   (after npm run build)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startStubIpamd } from "./helpers/stub-ipamd.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const ITER = Number(opt("--iterations", "40"));
const WARMUP = 3;
const JSON_OUT = opt("--json", undefined);
const OURS = join(ROOT, "dist", "bin", "mock-vpc-cni");
const DEBIAN = "/usr/lib/cni";

if (process.getuid?.() !== 0) {
  console.log("bench/plugin: skipped (needs root: network namespaces)");
  process.exit(0);
}
for (const f of [OURS, join(DEBIAN, "bridge"), join(DEBIAN, "host-local")]) {
  if (!existsSync(f)) throw new Error(`bench/plugin: ${f} missing (npm run build; apt-get install containernetworking-plugins)`);
}

const work = mkdtempSync(join(tmpdir(), "bench-plugin-"));
const tag = String(process.pid % 10000);
const bridgeName = `h2bench${tag}`;

// GNU time (when installed) adds the CPU time (user+sys, the plugin and every process it runs):
// a figure this shared 2-core machine's load distorts far less than wall time.
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const cpuFile = join(work, "cpu");

/** Execs a CNI plugin as a runtime does (env + stdin config); resolves { ms, cpuMs, stdout }. */
function execPlugin(file, env, config) {
  const t0 = process.hrtime.bigint();
  const [cmd, args] = TIME ? [TIME, ["-f", "%U %S", "-o", cpuFile, file]] : [file, []];
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", CNI_PATH: `${dirname(OURS)}:${DEBIAN}`, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", rej);
    child.on("close", (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) rej(new Error(`${file} ${env.CNI_COMMAND} exit ${code}: ${stdout}${stderr}`));
      else res({ ms, cpuMs: TIME ? readCpu() : NaN, stdout });
    });
    child.stdin.end(JSON.stringify(config));
  });
}

function readCpu() {
  const [u, sy] = readFileSync(cpuFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  return (u + sy) * 1000;
}

async function startRealDaemon() {
  const js = join(ROOT, "dist", "cmd", "mock-ipamd.js");
  if (!existsSync(js)) return undefined;
  const dir = join(work, "ipamd");
  const args = [js, "--listen", `unix://${dir}/ipamd.sock`, "--state-dir", dir, "--instance-type", "m5.4xlarge", "--ip-cooldown", "0s", "--host-links", "off", "--introspection", "off", "--metrics", "off"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const ready = await new Promise((res) => {
    const timer = setTimeout(() => res(false), 20_000);
    createInterface({ input: child.stdout }).on("line", (l) => l.includes('"msg":"ready"') && (clearTimeout(timer), res(true)));
    child.once("exit", () => (clearTimeout(timer), res(false)));
  });
  if (!ready) {
    child.kill("SIGKILL");
    return undefined;
  }
  return { address: `unix://${dir}/ipamd.sock`, kind: "mock-ipamd", stop: async () => void child.kill("SIGTERM") };
}

const oursConf = (address) => ({ cniVersion: "1.0.0", name: "bench-ours", type: "mock-vpc-cni", ipamdAddress: address, mtu: "9001", vethPrefix: "eni" });
const bridgeConf = {
  cniVersion: "1.0.0", name: "bench-bridge", type: "bridge", bridge: bridgeName, isGateway: true, ipMasq: false,
  ipam: { type: "host-local", subnet: "10.251.0.0/16", dataDir: join(work, "host-local") },
};

/** One ADD then DEL (with prevResult, as libcni sends it) into netns; returns both latencies. */
async function addDel(file, conf, id, netns) {
  const env = (cmd) => ({ CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: netns, CNI_IFNAME: "eth0", CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=${id}` });
  const add = await execPlugin(file, env("ADD"), conf);
  const del = await execPlugin(file, env("DEL"), { ...conf, prevResult: JSON.parse(add.stdout) });
  return { add: add.ms, del: del.ms, addCpu: add.cpuMs, delCpu: del.cpuMs };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: +q(0.5).toFixed(2), p90: +q(0.9).toFixed(2), n: s.length };
};

async function run(daemon) {
  const samples = { ours: { add: [], del: [], addCpu: [], delCpu: [] }, bridge: { add: [], del: [], addCpu: [], delCpu: [] } };
  for (let i = 0; i < WARMUP + ITER; i++) {
    const ns = `h2bench-${tag}-${i}`;
    execFileSync("ip", ["netns", "add", ns]);
    try {
      const path = `/run/netns/${ns}`;
      const order = i % 2 === 0 ? ["ours", "bridge"] : ["bridge", "ours"];
      for (const who of order) {
        const r = who === "ours" ? await addDel(OURS, oursConf(daemon.address), `bo${tag}x${i}`, path) : await addDel(join(DEBIAN, "bridge"), bridgeConf, `bb${tag}x${i}`, path);
        if (i >= WARMUP) for (const k of ["add", "del", "addCpu", "delCpu"]) samples[who][k].push(r[k]);
      }
    } finally {
      execFileSync("ip", ["netns", "del", ns]);
    }
  }
  return samples;
}

const daemon = (await startRealDaemon()) ?? (await startStubIpamd(ROOT, join(work, "stub.sock")));
let samples;
try {
  samples = await run(daemon);
} finally {
  await daemon.stop();
  if (existsSync(`/sys/class/net/${bridgeName}`)) execFileSync("ip", ["link", "del", bridgeName]);
  rmSync(work, { recursive: true, force: true });
}
const out = {
  iterations: ITER, daemon: daemon.kind,
  ours: Object.fromEntries(Object.entries(samples.ours).map(([k, v]) => [k, stats(v)])),
  bridge: Object.fromEntries(Object.entries(samples.bridge).map(([k, v]) => [k, stats(v)])),
  loadavg: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number),
};
const ratio = (k) => +(out.ours[k].median / out.bridge[k].median).toFixed(2);
out.ratio = { add: ratio("add"), del: ratio("del"), addCpu: ratio("addCpu"), delCpu: ratio("delCpu") };
console.log(`plugin ADD/DEL into a real netns, ${ITER} iterations alternating, daemon: ${daemon.kind}, load average ${out.loadavg.join(" ")}`);
console.log("| plugin | ADD median ms | ADD p90 | DEL median ms | DEL p90 | ADD CPU ms | DEL CPU ms |");
console.log("|---|---|---|---|---|---|---|");
const row = (name, o) => `| ${name} | ${o.add.median} | ${o.add.p90} | ${o.del.median} | ${o.del.p90} | ${o.addCpu.median} | ${o.delCpu.median} |`;
console.log(row("mock-vpc-cni", out.ours));
console.log(row("bridge+host-local", out.bridge));
console.log(`| ratio ours/bridge (medians) | ${out.ratio.add} | | ${out.ratio.del} | | ${out.ratio.addCpu} | ${out.ratio.delCpu} |`);
console.log(JSON.stringify(out));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(out, null, 2));

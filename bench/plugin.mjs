// Benchmark: ADD+DEL of dist/bin/mock-vpc-cni into a real netns (against mock-ipamd, or a stub
// rpc.CNIBackend when the daemon is not built) vs Debian's bridge + host-local, run alternately in
// one process. Reports median, p90 and the ratio ours/bridge. Needs root (network namespaces).
// Usage: node bench/plugin.mjs [--iterations 40] [--json FILE]   (after npm run build)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { option } from "./helpers/args.mjs";
import { startBenchDaemon } from "./helpers/daemon.mjs";
import { CPU_METHOD, loadavg, measure, stats } from "./helpers/measure.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const ITER = Number(option("--iterations", "40"));
const WARMUP = 3;
const JSON_OUT = option("--json");
const OURS = join(ROOT, "dist", "bin", "mock-vpc-cni");
/** Another build of the plugin, alternated with the others: before/after figures from one run. */
const BASELINE = option("--baseline");
/**
 * More variants, alternated too: `--variant 'LABEL|FILE|JSON'` (repeatable): the plugin at FILE
 * ("" = this build) with JSON merged into its netconf, e.g. `--variant 'ip -batch||{"dataplaneOps":"ip"}'`.
 */
const VARIANTS = argv.flatMap((a, i) => (a === "--variant" ? [argv[i + 1]] : [])).map((v) => {
  const [label, file, json] = v.split("|");
  return { label, file: file || OURS, extra: json ? JSON.parse(json) : {} };
});
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

/** Execs a CNI plugin as a runtime does (env + stdin config); resolves { ms, cpuMs, stdout }. */
async function execPlugin(file, env, config) {
  const r = await measure(file, { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", CNI_PATH: `${dirname(OURS)}:${DEBIAN}`, ...env }, JSON.stringify(config));
  if (r.code !== 0) throw new Error(`${file} ${env.CNI_COMMAND} exit ${r.code}: ${r.stdout}${r.stderr}`);
  return { ms: r.wallMs, cpuMs: r.cpuMs, stdout: r.stdout };
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

async function run(daemon) {
  const empty = () => ({ add: [], del: [], addCpu: [], delCpu: [] });
  const samples = { ours: empty(), bridge: empty(), ...(BASELINE === undefined ? {} : { baseline: empty() }), ...Object.fromEntries(VARIANTS.map((v) => [`variant:${v.label}`, empty()])) };
  const who = Object.keys(samples);
  for (let i = 0; i < WARMUP + ITER; i++) {
    const ns = `h2bench-${tag}-${i}`;
    execFileSync("ip", ["netns", "add", ns]);
    try {
      const path = `/run/netns/${ns}`;
      // Each round starts with another of them, so drift on this shared machine hits all alike.
      const order = who.map((_, k) => who[(i + k) % who.length]);
      for (const who of order) {
        const v = VARIANTS.find((x) => `variant:${x.label}` === who);
        const r = who === "bridge" ? await addDel(join(DEBIAN, "bridge"), bridgeConf, `bb${tag}x${i}`, path)
          : v !== undefined ? await addDel(v.file, { ...oursConf(daemon.address), ...v.extra }, `bv${VARIANTS.indexOf(v)}${tag}x${i}`, path)
          : await addDel(who === "ours" ? OURS : BASELINE, oursConf(daemon.address), `b${who[0]}${tag}x${i}`, path);
        if (i >= WARMUP) for (const k of ["add", "del", "addCpu", "delCpu"]) samples[who][k].push(r[k]);
      }
    } finally {
      execFileSync("ip", ["netns", "del", ns]);
    }
  }
  return samples;
}

mkdirSync(join(work, "ipamd"));
const daemon = await startBenchDaemon(ROOT, join(work, "ipamd"));
let samples;
try {
  samples = await run(daemon);
} finally {
  await daemon.stop();
  if (existsSync(`/sys/class/net/${bridgeName}`)) execFileSync("ip", ["link", "del", bridgeName]);
  rmSync(work, { recursive: true, force: true });
}
/** Median and p90 of each of a plugin's samples (add, del, addCpu, delCpu). */
const statsOf = (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, stats(v)]));
const out = {
  bench: "plugin", iterations: ITER, daemon: daemon.kind, cpu: CPU_METHOD,
  ours: statsOf(samples.ours),
  bridge: statsOf(samples.bridge),
  ...(samples.baseline === undefined ? {} : { baseline: statsOf(samples.baseline) }),
  variants: Object.fromEntries(VARIANTS.map((v) => [v.label, { file: v.file, conf: v.extra, ...statsOf(samples[`variant:${v.label}`]) }])),
  loadavg: loadavg(),
};
const ratio = (k) => +(out.ours[k].median / out.bridge[k].median).toFixed(2);
out.ratio = { add: ratio("add"), del: ratio("del"), addCpu: ratio("addCpu"), delCpu: ratio("delCpu") };
// What `npm run bench -- --check` compares (issue #12): each of ADD and DEL at most 1.5x bridge's, at the median.
out.targets = [
  { name: "plugin ADD median / bridge+host-local's", value: out.ratio.add, op: "<=", limit: 1.5, unit: "x" },
  { name: "plugin DEL median / bridge+host-local's", value: out.ratio.del, op: "<=", limit: 1.5, unit: "x" },
];
console.log(`plugin ADD/DEL into a real netns, ${ITER} iterations alternating, daemon: ${daemon.kind}, CPU by ${CPU_METHOD}, load average ${out.loadavg.join(" ")}`);
console.log("| plugin | ADD median ms | ADD p90 | DEL median ms | DEL p90 | ADD CPU ms | DEL CPU ms |");
console.log("|---|---|---|---|---|---|---|");
const row = (name, o) => `| ${name} | ${o.add.median} | ${o.add.p90} | ${o.del.median} | ${o.del.p90} | ${o.addCpu.median} | ${o.delCpu.median} |`;
console.log(row("mock-vpc-cni", out.ours));
if (out.baseline !== undefined) console.log(row(`baseline ${BASELINE}`, out.baseline));
for (const [label, v] of Object.entries(out.variants)) console.log(row(`${label} (${JSON.stringify(v.conf)})`, v));
console.log(row("bridge+host-local", out.bridge));
console.log(`| ratio ours/bridge (medians) | ${out.ratio.add} | | ${out.ratio.del} | | ${out.ratio.addCpu} | ${out.ratio.delCpu} |`);
console.log(JSON.stringify(out));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(out, null, 2));

// Benchmark: what the plugin costs beyond starting up. VERSION (start-up and the dispatcher only)
// against ADD and DEL with `"dataplane": "none"` (the whole verb, the gRPC call to mock-ipamd, the
// attachment record; no ip process), alternating in one run. Target (issue #12): the median ADD
// at most VERSION + 10 ms. --baseline BIN runs another build of the plugin alternately too, for a
// before/after in one run. No root needed.
// Usage: node bench/startup.mjs [--iterations 40] [--baseline FILE] [--json FILE]   (after npm run build)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { option } from "./helpers/args.mjs";
import { startBenchDaemon } from "./helpers/daemon.mjs";
import { CPU_METHOD, loadavg, measure, stats } from "./helpers/measure.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ITER = Number(option("--iterations", "40"));
const WARMUP = 3;
const JSON_OUT = option("--json");
const BASELINE = option("--baseline");
const OURS = join(ROOT, "dist", "bin", "mock-vpc-cni");

const work = mkdtempSync(join(tmpdir(), "bench-startup-"));
mkdirSync(join(work, "ipamd"));
const daemon = await startBenchDaemon(ROOT, join(work, "ipamd"));
const builds = { current: OURS, ...(BASELINE === undefined ? {} : { baseline: BASELINE }) };
const conf = { cniVersion: "1.0.0", name: "bench-startup", type: "mock-vpc-cni", ipamdAddress: daemon.address, dataplane: "none", stateDir: join(work, "state") };
const env = (cmd, id) => ({ PATH: "/usr/sbin:/usr/bin:/sbin:/bin", CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: "/var/run/netns/bench", CNI_IFNAME: "eth0", CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=${id}` });

async function once(file, cmd, id, input) {
  const r = await measure(file, env(cmd, id), input);
  if (r.code !== 0) throw new Error(`${file} ${cmd} exit ${r.code}: ${r.stdout}${r.stderr}`);
  return r;
}

const samples = Object.fromEntries(Object.keys(builds).map((b) => [b, { version: [], add: [], del: [], versionCpu: [], addCpu: [], delCpu: [] }]));
try {
  for (let i = 0; i < WARMUP + ITER; i++) {
    const names = Object.keys(builds);
    for (const b of i % 2 === 0 ? names : [...names].reverse()) {
      const file = builds[b];
      const id = `st${b.slice(0, 1)}${i}x${process.pid}`;
      const v = await once(file, "VERSION", id, "");
      const a = await once(file, "ADD", id, JSON.stringify(conf));
      const d = await once(file, "DEL", id, JSON.stringify({ ...conf, prevResult: JSON.parse(a.stdout) }));
      if (i < WARMUP) continue;
      const s = samples[b];
      s.version.push(v.wallMs), s.add.push(a.wallMs), s.del.push(d.wallMs);
      s.versionCpu.push(v.cpuMs), s.addCpu.push(a.cpuMs), s.delCpu.push(d.cpuMs);
    }
  }
} finally {
  await daemon.stop();
  rmSync(work, { recursive: true, force: true });
}

const out = { bench: "startup", iterations: ITER, daemon: daemon.kind, cpu: CPU_METHOD, loadavg: loadavg(), builds: {} };
for (const [b, s] of Object.entries(samples)) {
  const st = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, stats(v)]));
  out.builds[b] = { ...st, addMinusVersion: +(st.add.median - st.version.median).toFixed(2) };
}
out.addMinusVersion = out.builds.current.addMinusVersion;
// What `npm run bench -- --check` compares (issue #12): ADD with dataplane none at most VERSION + 10 ms, at the median.
out.targets = [{ name: "ADD (dataplane none) median - VERSION median", value: out.addMinusVersion, op: "<=", limit: 10, unit: "ms" }];
console.log(`plugin start-up vs ADD/DEL with dataplane none, ${ITER} iterations alternating, daemon ${daemon.kind}, CPU by ${CPU_METHOD}, load average ${out.loadavg.join(" ")}`);
console.log("| build | VERSION median ms | ADD median | DEL median | ADD − VERSION | VERSION CPU | ADD CPU | DEL CPU |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [b, r] of Object.entries(out.builds)) {
  console.log(`| ${b} | ${r.version.median} | ${r.add.median} | ${r.del.median} | ${r.addMinusVersion} | ${r.versionCpu.median} | ${r.addCpu.median} | ${r.delCpu.median} |`);
}
console.log(JSON.stringify(out));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(out, null, 2));

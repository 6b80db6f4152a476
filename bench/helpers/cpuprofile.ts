// Summarises a V8 .cpuprofile (node --cpu-prof) by where the time goes: self time per category
// (the module a sampled function lives in: grpc-js, pino, the checkpoint, ...) and per function,
// as shares of the non-idle samples. Used for the profile tables of `npm run bench ipamd -- --cpu-prof`.
// Usage: npx tsx bench/helpers/cpuprofile.ts FILE.cpuprofile [--top 30] [--skip-ms N] [--inclusive REGEX]...
// (--skip-ms: leave out the first N ms, e.g. the daemon's start-up and the warm pool's fill.)
// (--inclusive: the time of samples with a frame "function@url" matching REGEX anywhere on the stack.)

import { readFileSync } from "node:fs";

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** Category rules, first match wins: [label, test on the frame's url or name]. */
const CATEGORIES: ReadonlyArray<readonly [string, (f: CallFrame) => boolean]> = [
  ["idle", (f) => f.functionName === "(idle)"],
  ["garbage collector", (f) => f.functionName === "(garbage collector)"],
  ["V8/runtime (program)", (f) => f.functionName === "(program)"],
  ["grpc-js", (f) => f.url.includes("@grpc/grpc-js")],
  ["protobufjs / proto-loader", (f) => f.url.includes("protobufjs") || f.url.includes("proto-loader")],
  ["pino (logging)", (f) => f.url.includes("/pino") || f.url.includes("sonic-boom") || f.url.includes("fast-redact") || f.url.includes("quick-format")],
  ["prom-client (metrics)", (f) => f.url.includes("prom-client")],
  ["checkpoint (encode, file)", (f) => f.url.includes("/ipamd/checkpoint/")],
  ["datastore", (f) => f.url.includes("/ipamd/datastore/")],
  ["backend (add/del, validate)", (f) => f.url.includes("/ipamd/backend/") || f.url.includes("/common/boundary/")],
  ["gRPC handlers (ipamd/server)", (f) => f.url.includes("/ipamd/server/")],
  ["warm pool", (f) => f.url.includes("/ipamd/warmpool/")],
  ["cluster (store, informers)", (f) => f.url.includes("/cluster/")],
  ["controller (in-process)", (f) => f.url.includes("/controller/")],
  ["node: fs", (f) => /node:internal\/fs|^node:fs/.test(f.url)],
  ["node: http2 / net / streams", (f) => /node:internal\/(http2|net|stream|streams|child_process|dgram)|^node:(net|http2)/.test(f.url)],
  ["node: timers / promises / events", (f) => /node:internal\/(timers|process\/task_queues|process\/promises|event_target|abort_controller)|^node:events/.test(f.url)],
  ["node: other", (f) => f.url.startsWith("node:")],
  ["native (no url)", (f) => f.url === ""],
];

export interface ProfileSummary {
  /** Per pattern of --inclusive: time of the samples with a frame whose function@url matches. */
  inclusive: Array<{ pattern: string; ms: number; share: number }>;
  totalMs: number;
  busyMs: number;
  categories: Array<{ label: string; ms: number; share: number }>;
  functions: Array<{ name: string; where: string; ms: number; share: number }>;
}

export function summarize(profile: CpuProfile, top = 30, patterns: readonly string[] = [], skipMs = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackMatches = (id: number, re: RegExp): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = (byId.get(at) as ProfileNode).callFrame;
      if (re.test(`${f.functionName}@${f.url}`)) return true;
    }
    return false;
  };
  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= skipMs * 1000) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const cat = new Map<string, number>();
  const fn = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const f = (byId.get(id) as ProfileNode).callFrame;
    total += us;
    const label = CATEGORIES.find(([, test]) => test(f))?.[0] ?? "other JS";
    if (label === "idle") {
      idle += us;
      continue;
    }
    cat.set(label, (cat.get(label) ?? 0) + us);
    const where = `${f.url.replace(/^.*\/(node_modules|dist)\//, "")}:${f.lineNumber + 1}`;
    const k = `${f.functionName}@${where}`;
    const e = fn.get(k) ?? { name: f.functionName || "(anonymous)", where, us: 0 };
    e.us += us;
    fn.set(k, e);
  }
  const busy = total - idle;
  const inclusive = patterns.map((pattern) => {
    const re = new RegExp(pattern);
    let us = 0;
    for (const [id, t] of selfUs) if (stackMatches(id, re)) us += t;
    return { pattern, ms: us / 1000, share: us / busy };
  });
  return {
    inclusive,
    totalMs: total / 1000,
    busyMs: busy / 1000,
    categories: [...cat].sort((a, b) => b[1] - a[1]).map(([label, us]) => ({ label, ms: us / 1000, share: us / busy })),
    functions: [...fn.values()].sort((a, b) => b.us - a.us).slice(0, top).map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: e.us / busy })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error("usage: cpuprofile.ts FILE.cpuprofile [--top N]");
    process.exit(2);
  }
  const topAt = process.argv.indexOf("--top");
  const patterns = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--inclusive" ? [a] : []));
  const skipAt = process.argv.indexOf("--skip-ms");
  const skip = skipAt > 0 ? Number(process.argv[skipAt + 1]) : 0;
  const s = summarize(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, topAt > 0 ? Number(process.argv[topAt + 1]) : 30, patterns, skip);
  console.log(`profile ${file}: ${s.totalMs.toFixed(0)} ms sampled, ${s.busyMs.toFixed(0)} ms not idle`);
  console.log("\nself time by category (share of non-idle)");
  for (const c of s.categories) console.log(`${(c.share * 100).toFixed(1).padStart(6)} %  ${c.ms.toFixed(0).padStart(7)} ms  ${c.label}`);
  if (s.inclusive.length > 0) console.log("\ninclusive (samples with a matching frame on the stack)");
  for (const c of s.inclusive) console.log(`${(c.share * 100).toFixed(1).padStart(6)} %  ${c.ms.toFixed(0).padStart(7)} ms  ${c.pattern}`);
  console.log("\ntop functions by self time");
  for (const f of s.functions) console.log(`${(f.share * 100).toFixed(1).padStart(6)} %  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
}

// Where the milliseconds of the plugin's ADD and DEL go (issue #12; README, "Performance"): runs the
// built plugin into a real netns against the built mock-ipamd N times, each exec under
// `strace -f -ttt` (only the syscalls that mark a phase, filtered in the kernel with --seccomp-bpf)
// and the daemon under `strace -p`, and prints the median of each phase as a Markdown table.
// Phases are cut at syscalls: exec, first look at stdin (the runtime is up, the entry chunk runs),
// socket() to ipamd (the verb's chunks evaluated, netconf/env parsed), the request written, the
// reply's last frame read (the daemon's handler is the part between its read of the request and its
// write of the reply), the attachment record, the dataplane (netlink socket or the first ip/nsenter
// fork, to the last answer or child's exit), the result written, exit.
// Needs root (netns) and strace. Usage: node scripts/profile-plugin.mjs [--runs 15] [--conf JSON]
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { option } from "../bench/helpers/args.mjs";
import { startBenchDaemon } from "../bench/helpers/daemon.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(option("--runs", "15"));
const EXTRA = JSON.parse(option("--conf", "{}"));
const BIN = option("--binary", join(ROOT, "dist", "bin", "mock-vpc-cni"));
const PLUGIN_CALLS = "execve,ioctl,fstat,socket,connect,sendto,recvfrom,write,statfs,setns,exit_group";

const work = mkdtempSync(join(tmpdir(), "profile-plugin-"));
mkdirSync(join(work, "ipamd"));
const daemon = await startBenchDaemon(ROOT, join(work, "ipamd"));
if (daemon.pid === undefined) throw new Error("profile-plugin: needs the built mock-ipamd (npm run build)");
const dtrace = join(work, "daemon.strace");
const tracer = spawn("strace", ["-f", "-ttt", "-o", dtrace, "-e", "trace=read,write,writev,fsync,fdatasync", "-p", String(daemon.pid)], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 500)); // strace attaches to every thread

const conf = { cniVersion: "1.0.0", name: "profile", type: "mock-vpc-cni", ipamdAddress: daemon.address, mtu: "9001", vethPrefix: "eni", stateDir: join(work, "state"), ...EXTRA };

/** The lines of an `strace -f -ttt` file: { pid, t (ms), call, text }. */
function readTrace(file) {
  return readFileSync(file, "utf8").split("\n").flatMap((l) => {
    const m = /^(\d+)\s+(\d+\.\d+)\s+(?:<\.\.\. )?(\w+)(.*)$/.exec(l);
    return m === null ? [] : [{ pid: Number(m[1]), t: Number(m[2]) * 1000, call: m[3], text: m[4] }];
  });
}

/** One exec under strace; returns the parsed trace lines { pid, t, call, text } and stdout. */
function traced(cmd, id, netns, input) {
  const out = join(work, `${cmd}-${id}.strace`);
  const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: netns, CNI_IFNAME: "eth0", CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=prof;K8S_POD_NAME=${id}` };
  const stdout = execFileSync("strace", ["-f", "--seccomp-bpf", "-ttt", "-o", out, "-e", `trace=${PLUGIN_CALLS}`, BIN], { env, input, encoding: "utf8" });
  return { lines: readTrace(out), stdout };
}

/** The phases of one exec, in ms. */
function phases(lines, daemonLines) {
  const main = lines[0].pid;
  const first = (pred, from = -Infinity) => lines.find((l) => l.t >= from && pred(l));
  const last = (pred, to = Infinity) => [...lines].reverse().find((l) => l.t <= to && pred(l));
  const start = lines[0].t;
  const stdin = first((l) => (l.call === "ioctl" || l.call === "fstat") && l.text.startsWith("(0,") && l.pid === main);
  const sock = first((l) => l.call === "socket" && l.text.includes("AF_UNIX"));
  const req = first((l) => l.call === "sendto" && l.text.includes("PRI * HTTP/2.0"));
  // ip / nsenter processes: the pids that exec'd something (threads never do).
  const children = new Set(lines.filter((l) => l.call === "execve" && l.pid !== main).map((l) => l.pid));
  const dpStart = first((l) => l.call === "statfs" || (l.call === "socket" && l.text.includes("AF_NETLINK")) || children.has(l.pid), req.t);
  const reply = last((l) => l.call === "recvfrom" && l.pid === main && !l.text.includes("nlmsg"), dpStart?.t ?? Infinity);
  const dpEnd = last((l) => children.has(l.pid) || (l.call === "recvfrom" && l.text.includes("nlmsg")));
  const end = last((l) => l.call === "exit_group" && l.pid === main);
  const result = last((l) => l.call === "write" && l.text.startsWith("(1,")) ?? end;
  const dIn = daemonLines.find((l) => l.t >= req.t && l.call === "read" && !l.text.includes("= -1"));
  const dOut = [...daemonLines].reverse().find((l) => l.t <= reply.t && (l.call === "writev" || l.call === "write"));
  const ms = (a, b) => +(b - a).toFixed(2);
  const dp0 = dpStart?.t ?? reply.t;
  const dp1 = Math.max(dpEnd?.t ?? dp0, dp0);
  return {
    "exec to the runtime's first look at stdin (Bun start-up)": ms(start, stdin.t),
    "entry chunk + verb chunks + parse (to the socket to ipamd)": ms(stdin.t, sock.t),
    "connect + HTTP/2 request written": ms(sock.t, req.t),
    "RPC: request written to reply read": ms(req.t, reply.t),
    "  of which the daemon (its read of the request to its reply)": dIn && dOut ? ms(dIn.t, dOut.t) : NaN,
    "log line + attachment record (ADD)": ms(reply.t, dp0),
    "dataplane (netns check, netlink or ip processes)": ms(dp0, dp1),
    "record removed (DEL) + result printed": ms(dp1, result.t),
    "exit": ms(result.t, end.t),
    "total (exec to exit)": ms(start, end.t),
  };
}

const rows = { ADD: [], DEL: [] };
try {
  for (let i = 0; i < RUNS + 2; i++) {
    const ns = `prof-${process.pid % 10000}-${i}`;
    execFileSync("ip", ["netns", "add", ns]);
    try {
      const id = `prof${process.pid % 10000}x${i}`;
      const add = traced("ADD", id, `/run/netns/${ns}`, JSON.stringify(conf));
      const del = traced("DEL", id, `/run/netns/${ns}`, JSON.stringify({ ...conf, prevResult: JSON.parse(add.stdout) }));
      if (i < 2) continue; // warm-up
      const dl = readTrace(dtrace);
      rows.ADD.push(phases(add.lines, dl));
      rows.DEL.push(phases(del.lines, dl));
    } finally {
      execFileSync("ip", ["netns", "del", ns]);
    }
  }
} finally {
  tracer.kill("SIGINT");
  await new Promise((r) => tracer.once("exit", r));
  await daemon.stop();
  rmSync(work, { recursive: true, force: true });
}
const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
};
console.log(`plugin ${BIN} ${JSON.stringify(EXTRA)}: median of ${RUNS} runs under strace (timings are inflated by tracing), load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
console.log("| phase | ADD ms | DEL ms |\n|---|---|---|");
for (const k of Object.keys(rows.ADD[0])) console.log(`| ${k} | ${median(rows.ADD.map((r) => r[k]))} | ${median(rows.DEL.map((r) => r[k]))} |`);

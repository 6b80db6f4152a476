// Runs one command the way a CNI runtime execs a plugin (env, stdin) and measures it: wall time
// from fork to exit, and the CPU (user + system) of the command and every child it waited for, at
// microsecond resolution through bench/helpers/rusage.c (built with cc into .cache/ on first use).
// Without a C compiler it falls back to GNU time (10 ms steps) or to wall time alone.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SRC = join(ROOT, "bench", "helpers", "rusage.c");
const BIN = join(ROOT, ".cache", "bench", "rusage");

/** The rusage helper, built when missing or older than its source; undefined without a compiler. */
function rusageHelper() {
  if (existsSync(BIN) && statSync(BIN).mtimeMs >= statSync(SRC).mtimeMs) return BIN;
  for (const cc of ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"]) {
    if (!existsSync(cc)) continue;
    mkdirSync(dirname(BIN), { recursive: true });
    execFileSync(cc, ["-O2", "-o", BIN, SRC]);
    return BIN;
  }
  return undefined;
}

const HELPER = rusageHelper();
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
/** How CPU time is measured: "rusage" (µs), "gnu-time" (10 ms steps) or "none". */
export const CPU_METHOD = HELPER !== undefined ? "rusage" : GNU_TIME !== undefined ? "gnu-time" : "none";

/**
 * Execs `file` with `env` and `input` on stdin; resolves { wallMs, cpuMs, code, stdout, stderr }.
 * Rejects only when the command cannot be started; a non-zero exit is in `code`.
 */
export function measure(file, env, input, timeoutMs = 30_000) {
  const [cmd, args] = HELPER ? [HELPER, [file]] : GNU_TIME ? [GNU_TIME, ["-f", "\nRUSAGE-GNU %e %U %S", file]] : [file, []];
  const t0 = process.hrtime.bigint();
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", rej);
    child.on("close", (code) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      const { wallMs, cpuMs, rest } = parseUsage(stderr, wall);
      res({ wallMs, cpuMs, code: code ?? -1, stdout, stderr: rest });
    });
    child.stdin.on("error", () => {}); // a plugin may exit without reading stdin (VERSION)
    child.stdin.end(input);
  });
}

function parseUsage(stderr, wall) {
  const lines = stderr.trimEnd().split("\n");
  const last = lines.at(-1) ?? "";
  const m = /^RUSAGE (\d+) (\d+) (\d+) -?\d+$/.exec(last);
  if (m) return { wallMs: Number(m[1]) / 1000, cpuMs: (Number(m[2]) + Number(m[3])) / 1000, rest: lines.slice(0, -1).join("\n").trimEnd() };
  const g = /^RUSAGE-GNU [\d.]+ ([\d.]+) ([\d.]+)$/.exec(last);
  if (g) return { wallMs: wall, cpuMs: (Number(g[1]) + Number(g[2])) * 1000, rest: lines.slice(0, -1).join("\n").trimEnd() };
  return { wallMs: wall, cpuMs: NaN, rest: stderr };
}

/** Median and p90 of a sample, to 0.01. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { median: +q(0.5).toFixed(2), p90: +q(0.9).toFixed(2), n: s.length };
}

export const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);

// The built mock-ipamd as a user runs it: --version, usage errors (exit 2), a taken port named by
// its flag, and `npx mock-ipamd … &` followed by `kill $!` (npm's pid) stopping the daemon too.
// Needs `npm run build` first.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { DAEMON_JS, REPO_ROOT } from "../helpers/daemon.js";

const dir = mkdtempSync(join(tmpdir(), "ux-ipamd-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => execa(process.execPath, [DAEMON_JS, ...args], { reject: false, timeout: 30_000 });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Pids whose command line mentions `marker` (a temp dir unique to the test). */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe("mock-ipamd command line", () => {
  it("--version prints the package's version", async () => {
    const r = await run("--version");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version);
  });

  it("usage errors exit 2 before anything starts", async () => {
    for (const [args, message] of [
      [["--bogus"], /unknown option '--bogus'/],
      [["--instance-type", "nosuch"], /instance type "nosuch" is not known/],
      [["--host-links", "maybe"], /--host-links <mode>' argument 'maybe' is invalid/],
      [["--listen", "unix://relative/ipamd.sock"], /--listen \/ ipamd.listen: "unix:\/\/relative\/ipamd.sock" needs an absolute path/],
      [["--listen", "999.1.1.1:50051"], /--listen \/ ipamd.listen: "999.1.1.1:50051" is not unix:\/\/\/path or host:port/],
    ] as const) {
      const r = await run(...args);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).not.toMatch(/"msg":"ready"/);
    }
  });

  it("a port another daemon holds is refused naming the flag to change", async () => {
    const first = spawn(process.execPath, [DAEMON_JS, "--listen", `unix://${dir}/a/s.sock`, "--state-dir", `${dir}/a`, "--host-links", "off", "--introspection", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      let out = "";
      first.stdout.on("data", (d: Buffer) => void (out += d.toString()));
      await until("the first daemon's ready line", () => out.includes('"msg":"ready"'));
      const ready = JSON.parse(out.split("\n").find((l) => l.includes('"msg":"ready"')) ?? "{}") as { introspection: string; metrics: string };
      const base = ["--host-links", "off", "--introspection", "off", "--metrics", "off"];
      const intro = await run("--listen", `unix://${dir}/b/s.sock`, "--state-dir", `${dir}/b`, ...base, "--introspection", ready.introspection);
      expect(intro.exitCode).toBe(1);
      expect(intro.stderr).toContain(`--introspection ${ready.introspection}: the address is already in use (another mock-ipamd on this host?); give this one another --introspection HOST:PORT, port 0 for any free port, or --introspection off`);
      const metrics = await run("--listen", `unix://${dir}/c/s.sock`, "--state-dir", `${dir}/c`, ...base, "--metrics", ready.metrics);
      expect(metrics.exitCode).toBe(1);
      expect(metrics.stderr).toContain(`--metrics ${ready.metrics}: the address is already in use`);
    } finally {
      first.kill("SIGTERM");
    }
  });

  it("`npx mock-ipamd … &` then `kill $!`: killing npm stops the daemon too", async () => {
    const state = join(dir, "npx");
    const log = join(dir, "npx.log");
    const script = `npx mock-ipamd --listen unix://${state}/ipamd.sock --state-dir ${state} --host-links off --introspection off --metrics off >${log} 2>&1 &\necho $!\nwait`;
    const sh = spawn("sh", ["-c", script], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let npmPid = 0;
    sh.stdout.on("data", (d: Buffer) => void (npmPid = npmPid || Number(d.toString().trim())));
    try {
      // npx's own output goes to a file, so that a start that never comes says what npx printed.
      await until("the daemon's socket", () => npmPid > 0 && existsSync(`${state}/ipamd.sock`), 90_000)
        .catch((e: unknown) => {
          throw new Error(`${String(e)}; npx printed:\n${existsSync(log) ? readFileSync(log, "utf8").slice(-4000) : "(nothing)"}`);
        });
      const daemons = processesWith(`${state}/ipamd.sock`).filter((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("mock-ipamd"));
      expect(daemons.length).toBeGreaterThan(0);
      process.kill(npmPid, "SIGTERM");
      await until("every process of that npx to exit", () => processesWith(`${state}/ipamd.sock`).length === 0);
    } finally {
      for (const p of processesWith(`${state}/ipamd.sock`)) process.kill(p, "SIGKILL");
      sh.kill("SIGKILL");
    }
  }, 120_000);
});

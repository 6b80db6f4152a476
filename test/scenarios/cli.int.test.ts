// The built CLI end to end: `vpc-cni-harness scenario ...` as a user runs it (node dist/...).

import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/demo/paths.js";
import { itIf, needRoot } from "../helpers/prereq.js";

const run = promisify(execFile);
const root = packageRoot();
const CLI = join(root, "dist", "cmd", "vpc-cni-harness.js");
const dir = mkdtempSync(join(tmpdir(), "h7-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { cwd: root, timeout: 120_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}

/** Processes whose parent is `ppid`, with their command lines. */
function childrenOf(ppid: number): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const d of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      // stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== ppid) continue;
      out.push({ pid: Number(d), cmdline: readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ") });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("vpc-cni-harness scenario (built CLI; needs `npm run build`)", () => {
  it("list shows the shipped scenarios", async () => {
    const r = await cli(["scenario", "list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^basic /m);
    expect(r.stdout).toMatch(/^scale-1000 /m);
  });

  it("run basic --simulated passes, prints the sequence, writes an SVG", async () => {
    const svg = join(dir, "basic.svg");
    const r = await cli(["scenario", "run", "basic", "--simulated", "--timeline", svg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/FailedCreatePodSandBox .*\[transient-expected\]/);
    expect(r.stdout).toMatch(/expectations: all met/);
    expect(r.stdout).toMatch(/instead of exec'ing the plugin/);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg [\s\S]*class="pod-row"/);
  });

  it("--json gives one JSON object per line, ending with the result", async () => {
    const r = await cli(["scenario", "run", "ipamd-restart", "--json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string; passed?: boolean });
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.at(-1)).toMatchObject({ kind: "result", passed: true });
  });

  // As nobody (setpriv, needs root): fake netns and no host links, so the abandoned cleanup leaves
  // nothing on the host but the run's temp dir, which the test removes.
  itIf(needRoot(), "a second Ctrl-C during a real-time run cleans up without waiting, exits 130, takes mock-ipamd down (needs root: setpriv)", async () => {
    const child = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, "scenario", "run", "basic", "--real", "--json"], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
    let out = "";
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes('"kind":"event"')) resolve();
      });
      void exited.then(() => resolve());
    });
    const daemon = childrenOf(child.pid ?? -1).find((p) => p.cmdline.includes("mock-ipamd.js"));
    const runDir = /--config (\S+)\/ipamd-config\.json/.exec(daemon?.cmdline ?? "")?.[1];
    try {
      expect(daemon, out).toBeDefined();
      expect(runDir).toMatch(new RegExp(`^${tmpdir()}/vpc-cni-harness-scenario-`));
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
      child.kill("SIGINT");
      // Apart, so the kernel delivers two signals (a pending one is not queued twice).
      await new Promise((r) => setTimeout(r, 50));
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stderr).toContain("SIGINT again: removing what the run made without waiting");
      // The cleanup finished before the exit: no daemon, no temp dir.
      expect(alive(daemon?.pid ?? -1)).toBe(false);
      expect(existsSync(runDir ?? "/nonexistent"), runDir).toBe(false);
    } finally {
      if (daemon !== undefined && alive(daemon.pid)) process.kill(daemon.pid, "SIGKILL");
      if (runDir?.startsWith(join(tmpdir(), "vpc-cni-harness-scenario-")) === true) rmSync(runDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("validate reports the path and problem, exit 1", async () => {
    const r = await cli(["scenario", "validate", join(root, "package.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/package\.json: \d+ problems:/);
    expect(r.stderr).toMatch(/^ {2}line 1, column 1: nodes: must be a list of nodes, e\.g\. \[\{ name: node-1 \}\]$/m);
  });
});

// Interrupted and killed runs leave the host as it was. The demo (and a real-time scenario) is
// started as a terminal would start it, in its own process group, and gets Ctrl-C as a terminal
// sends it (SIGINT to the whole group), twice, at different points; or it is killed with SIGKILL
// and `vpc-cni-harness cleanup` removes what it left; or it runs with --keep and the commands it
// prints remove everything. Needs root (network namespaces) and `npm run build`.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/daemon.js";
import { hostState } from "./host.js";
import { describeIf, needRoot } from "../../helpers/prereq.js";
import { eventually } from "../../helpers/wait.js";
import { exitAfterOutput } from "../../helpers/process.js";

const DIST = join(REPO_ROOT, "dist");
const CLI = join(DIST, "cmd", "vpc-cni-harness.js");

interface Started {
  pid: number;
  output: () => string;
  /** Resolves when the output matches (rejects after `ms`). */
  waitFor: (re: RegExp, ms?: number) => Promise<void>;
  exited: Promise<number | null>;
}

/** The CLI as a terminal starts it: its own process group, so a "Ctrl-C" can go to the whole group. */
function start(args: string[]): Started {
  const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer): void => {
    text += d.toString();
    for (const w of [...waiters]) if (w.re.test(text)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = exitAfterOutput(child).then(({ code, signal }) => code ?? (signal === null ? null : 128 + 9));
  return {
    pid: child.pid ?? 0,
    output: () => text,
    exited,
    waitFor: (re, ms = 60_000) => new Promise((resolve, reject) => {
      if (re.test(text)) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${text}`)), ms);
      waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
    }),
  };
}

/**
 * The host as it was before the run. A deleted network namespace takes its veths' host ends with it
 * in the kernel's own time (cleanup_net runs from a workqueue), so the check waits for that first.
 */
async function expectHostAsBefore(before: readonly string[], context: string, keep: (line: string) => boolean = () => true): Promise<void> {
  const now = async (): Promise<string[]> => (await hostState(DIST)).filter(keep);
  const want = before.filter(keep);
  await eventually("the host as before the run", async () => JSON.stringify(await now()) === JSON.stringify(want), 10_000, 200).catch(() => undefined);
  expect(await now(), context).toEqual(want);
}

const ctrlC = (s: Started): void => void process.kill(-s.pid, "SIGINT");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const runId = (out: string): string => /run ((demo|scenario)-\d{8}-\d{6}-[0-9a-f]{6})/.exec(out)?.[1] ?? "";

// In CI a missing prerequisite fails (the tests run, and break without root) instead of skipping.
describeIf(needRoot(), "interrupted, killed and kept runs leave the host as it was", { timeout: 180_000 }, () => {
  beforeAll(() => {
    for (const f of [CLI, join(DIST, "cmd", "mock-ipamd.js"), join(DIST, "bin", "mock-vpc-cni")]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
  });

  // Two Ctrl-Cs at different points: [what the first waits for, how long before the second].
  const points: [string, RegExp, number][] = [
    ["while mock-ipamd starts", /starting mock-ipamd/, 50],
    ["during the SGP pod's first ADD, the second during its DEL", /sgp-pod-1: sandbox 1 starting/, 250],
    ["while the SGP pod waits for its retry", /sgp-pod-1: next sandbox in [\d.]+s/, 10],
    ["once both pods run, the second while they are deleted", /2\/2 pods running/, 400],
  ];
  for (const [when, first, gap] of points) {
    it(`two Ctrl-Cs ${when}`, async () => {
      const before = await hostState(DIST);
      const run = start(["demo", "--provisioning-delay", "2s"]);
      await run.waitFor(first);
      ctrlC(run);
      await sleep(gap);
      ctrlC(run);
      const code = await run.exited;
      expect([0, 130], run.output()).toContain(code);
      expect(run.output()).toMatch(/SIGINT again: removing what the run made without waiting/);
      expect(run.output()).not.toMatch(/cleanup is not complete|exiting without/);
      await expectHostAsBefore(before, run.output());
    });
  }

  it("an interrupted run's RESULT says it was interrupted", async () => {
    const run = start(["demo"]);
    await run.waitFor(/sgp-pod-1: next sandbox in/);
    ctrlC(run);
    expect(await run.exited).toBe(130);
    expect(run.output()).toMatch(/RESULT: INTERRUPTED after [\d.]+s \(Ctrl-C or SIGTERM\)/);
    expect(run.output()).not.toMatch(/busy machine|saw 0 FailedCreatePodSandBox/);
  });

  it("two Ctrl-Cs during a real-time scenario run", async () => {
    const before = await hostState(DIST);
    const run = start(["scenario", "run", "basic", "--real"]);
    await run.waitFor(/AddNetworkFailed|FailedCreatePodSandBox/);
    ctrlC(run);
    await sleep(100);
    ctrlC(run);
    expect(await run.exited).toBe(130);
    expect(run.output()).toMatch(/expectations: not checked: the run was interrupted/);
    await expectHostAsBefore(before, run.output());
  });

  for (const [when, at] of [["once both pods run", /2\/2 pods running/], ["during the SGP pod's first ADD", /sgp-pod-1: sandbox 1 starting/]] as const) {
    it(`kill -9 ${when}, then vpc-cni-harness cleanup`, async () => {
      const before = await hostState(DIST);
      const run = start(["demo", "--provisioning-delay", "2s"]);
      await run.waitFor(at);
      process.kill(-run.pid, "SIGKILL");
      await run.exited;
      const id = runId(run.output());
      expect(id).not.toBe("");
      // The daemon (its own process group) and whatever the run made are still there.
      expect(await hostState(DIST)).not.toEqual(before);
      const dry = await execa(process.execPath, [CLI, "cleanup", "--dry-run", id], { reject: false });
      expect(dry.exitCode).toBe(0);
      expect(dry.stdout).toMatch(/ip netns delete cni-/);
      const clean = await execa(process.execPath, [CLI, "cleanup", id], { reject: false });
      expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stdout).toMatch(/removed network namespace cni-/);
      await expectHostAsBefore(before, clean.stdout);
    });
  }

  it("--keep leaves the pods' namespaces, rules and temp dir, and its hint removes all of them", async () => {
    const before = await hostState(DIST);
    const run = start(["demo", "--keep", "--provisioning-delay", "4s"]);
    expect(await run.exited).toBe(0);
    const out = run.output();
    const kept = await hostState(DIST);
    expect(kept.filter((l) => l.startsWith("netns "))).toHaveLength(2);
    expect(kept.some((l) => /^rule 512:\s+from all to 10\.0\.0\.\d+ lookup main/.test(l)), kept.join("\n")).toBe(true);
    expect(kept.some((l) => /^rule 10:\s+from all iif vlan\.eth\.\d+ (\[detached\] )?lookup 1\d\d/.test(l)), kept.join("\n")).toBe(true);
    expect(kept.some((l) => l.startsWith("temp dir vpc-cni-harness-demo-"))).toBe(true);
    const hint = out.slice(out.indexOf("or by hand:")).split("\n").slice(1).map((l) => /^\+[\d.]+s {4}(.*)$/.exec(l)?.[1] ?? "").filter((l) => l !== "");
    expect(out).toMatch(/remove all of it with: vpc-cni-harness cleanup demo-/);
    expect(hint.some((l) => l.startsWith("ip rule del prio 512 to "))).toBe(true);
    expect(hint.some((l) => l.startsWith("ip rule del prio 10 iif vlan.eth."))).toBe(true);
    expect(hint.some((l) => l.startsWith("rm -rf /"))).toBe(true);
    // The hint is complete: running exactly its commands leaves the host as it was (bar the record).
    for (const line of hint) {
      const r = await execa("sh", ["-c", line], { reject: false });
      expect(r.exitCode, `${line}: ${r.stderr}`).toBe(0);
    }
    await expectHostAsBefore(before, out, (l) => !l.startsWith("run record "));
    const clean = await execa(process.execPath, [CLI, "cleanup", runId(out)], { reject: false });
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
    await expectHostAsBefore(before, clean.stdout);
  });
});

// The demo end to end, as a user runs it (node dist/cmd/vpc-cni-harness.js demo): real mock-ipamd,
// real plugin binary, real network namespaces; exits 0, prints the sequence, leaves nothing behind.
// Needs `npm run build` first.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/daemon.js";

const CLI = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");
const root = process.getuid?.() === 0;

interface HostSnapshot {
  netns: string[];
  links: string[];
  tempDirs: string[];
}

async function snapshot(): Promise<HostSnapshot> {
  const ns = await execa("ip", ["netns", "list"], { reject: false });
  const links = await execa("ip", ["-o", "link", "show"], { reject: false });
  return {
    netns: ns.stdout.split("\n").map((l) => l.split(" ")[0] ?? "").filter((n) => n.startsWith("cni-")).sort(),
    // Only links the demo could create: pod veths (eni*/vlan*), branch links (vlan.eth.*), daemon host links (mh-*).
    links: links.stdout.split("\n").map((l) => (l.split(": ")[1] ?? "").split("@")[0] ?? "").filter((n) => /^(eni|vlan|mh-)/.test(n)).sort(),
    tempDirs: readdirSync(tmpdir()).filter((d) => d.startsWith("vpc-cni-harness-demo-")).sort(),
  };
}

/** What appeared since `before` and is still there (others' tests may run meanwhile: only additions count). */
function leftBehind(before: HostSnapshot, after: HostSnapshot): HostSnapshot {
  const added = (a: string[], b: string[]): string[] => b.filter((x) => !a.includes(x));
  return { netns: added(before.netns, after.netns), links: added(before.links, after.links), tempDirs: added(before.tempDirs, after.tempDirs) };
}

function daemonPid(out: string): number {
  return Number(/\(pid (\d+)\)/.exec(out)?.[1] ?? "0");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!root)("vpc-cni-harness demo (needs root: network namespaces)", () => {
  beforeAll(() => {
    for (const f of [CLI, join(REPO_ROOT, "dist", "cmd", "mock-ipamd.js"), join(REPO_ROOT, "dist", "bin", "mock-vpc-cni")]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
  });

  it("plays the fail-then-retry sequence, exits 0 and leaves nothing behind", async () => {
    const before = await snapshot();
    const svgDir = await mkdtemp(join(tmpdir(), "h6-svg-"));
    const svg = join(svgDir, "demo.svg");
    const r = await execa(process.execPath, [CLI, "demo", "--timeline", svg], { reject: false, timeout: 110_000 });
    const picture = existsSync(svg) ? readFileSync(svg, "utf8") : "";
    rmSync(svgDir, { recursive: true, force: true });
    expect(picture).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(picture).toContain("sgp-pod-1");
    expect(picture).toContain("plain-pod");
    expect(r.stderr).toBe("");
    expect(r.exitCode, r.stdout).toBe(0);
    const out = r.stdout;
    expect(out).toContain("running as root: real network namespaces");
    for (const reason of ["Scheduled", "SecurityGroupRequested", "ResourceAllocated", "Started"]) expect(out).toContain(` ${reason} `);
    expect(out).toMatch(/Warning +FailedCreatePodSandBox +sgp-demo\/sgp-pod-1 +\[transient-expected\] Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="mock-vpc-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container/);
    expect(out).not.toMatch(/FailedCreatePodSandBox +default\/plain-pod/);
    expect(out).toMatch(/CNI ADD aws-cni eth0 +sgp-demo\/sgp-pod-1 .* FAILED: /);
    expect(out).toMatch(/CNI ADD aws-cni eth0 +sgp-demo\/sgp-pod-1 .* ok \d+\.\d+\.\d+\.\d+/);
    expect(out).toMatch(/branch ENI +sgp-demo\/sgp-pod-1 +eni-[0-9a-f]+ vlan \d+/);
    expect(out).toMatch(/\| +inet \d+\.\d+\.\d+\.\d+\/32/);
    expect(out).toContain("RESULT: the sequence happened as expected");
    expect(out).toMatch(/sgp-demo\/sgp-pod-1 +branch ENI +running after [\d.]+s +2 sandbox attempt\(s\), \d+ warning\(s\): 1 transient-expected, 0 real/);
    const pid = daemonPid(out);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    expect(leftBehind(before, await snapshot())).toEqual({ netns: [], links: [], tempDirs: [] });
  });

  it("--json prints one JSON object per line, ending with the summary", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--json"], { reject: false, timeout: 110_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string; ok?: boolean; event?: { reason: string; classification: string } });
    expect(lines.at(-1)).toMatchObject({ kind: "summary", ok: true, warnings: expect.any(Number) });
    const failed = lines.filter((l) => l.kind === "event" && l.event?.reason === "FailedCreatePodSandBox");
    expect(failed.map((l) => l.event?.classification)).toEqual(["transient-expected"]);
    expect(lines.some((l) => l.kind === "cni")).toBe(true);
  });

  it("--wait-for-branch-eni: ipamd waits, no FailedCreatePodSandBox, the pod runs on its first sandbox", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--provisioning-delay", "1s", "--wait-for-branch-eni", "8s"], { reject: false, timeout: 110_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain("FailedCreatePodSandBox");
    expect(r.stdout).toMatch(/sgp-demo\/sgp-pod-1 +branch ENI +running after [\d.]+s +1 sandbox attempt\(s\), no warnings/);
  });

  it("--compare: both modes go as expected; waiting removes the FailedCreatePodSandBox", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--compare", "--json"], { reject: false, timeout: 200_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const last = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { kind: string; modes: { mode: string; ok: boolean; failedSandboxes: number; sandboxAttempts: number }[] };
    expect(last.kind).toBe("comparison");
    expect(last.modes.map((m) => [m.ok, m.failedSandboxes, m.sandboxAttempts])).toEqual([[true, 1, 2], [true, 0, 1]]);
  }, 210_000);

  it("Ctrl-C: stops, cleans up (daemon, netns, temp dir) and exits 130", async () => {
    const before = await snapshot();
    // A long provisioning delay keeps the SGP pod failing/backing off when the signal comes.
    const child = execa(process.execPath, [CLI, "demo", "--provisioning-delay", "30s"], { reject: false, timeout: 110_000 });
    let out = "";
    await new Promise<void>((resolve) => {
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("FailedCreatePodSandBox")) resolve();
      });
      void child.then(() => resolve());
    });
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode, out + r.stderr).toBe(130);
    const pid = daemonPid(out);
    expect(alive(pid)).toBe(false);
    expect(leftBehind(before, await snapshot())).toEqual({ netns: [], links: [], tempDirs: [] });
  });
});

// The demo end to end, as a user runs it (node dist/cmd/vpc-cni-harness.js demo): real mock-ipamd,
// real plugin binary, real network namespaces; exits 0, prints the sequence, leaves nothing behind.
// Needs `npm run build` first.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/daemon.js";
import { describeIf, needRoot, skipUnlessCi } from "../../helpers/prereq.js";
import { hostState } from "../cleanup/host.js";

const CLI = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");
// The demo gives up after --timeout and then cleans up; execa's SIGTERM (which the demo also turns
// into a cleanup) comes later, and SIGKILL only well after that.
const RUN = { reject: false, timeout: 150_000, forceKillAfterDelay: 60_000 } as const;

/** Pod veth names on the host (docs/REFERENCE.md §3): prefix + first 11 hex of sha1("<namespace>.<name>"). */
function hostVeth(prefix: string, namespace: string, name: string): string {
  return prefix + createHash("sha1").update(`${namespace}.${name}`).digest("hex").slice(0, 11);
}

/**
 * What this run left on the host, judged from its own output (other engineers' tests create
 * cni-* netns and links concurrently, so a before/after diff of the whole host would be flaky):
 * the netns and temp dir it named, and its pods' host veths.
 */
async function leftBehind(out: string, realNetns = true): Promise<string[]> {
  const netns = [...new Set([...out.matchAll(/\/run\/netns\/(cni-[0-9a-f-]+)/g)].map((m) => m[1] ?? ""))];
  const dirs = [...new Set([...out.matchAll(/\/(vpc-cni-harness-demo-[A-Za-z0-9-]+)\//g)].map((m) => join(tmpdir(), m[1] ?? "")))];
  expect(netns.length > 0).toBe(realNetns);
  expect(dirs.length).toBe(1);
  const links = (await execa("ip", ["-o", "link", "show"], { reject: false })).stdout;
  const veths = [hostVeth("eni", "default", "plain-pod"), hostVeth("vlan", "sgp-demo", "sgp-pod-1"), hostVeth("eni", "sgp-demo", "sgp-pod-1")];
  return [
    ...netns.filter((n) => existsSync(`/run/netns/${n}`)),
    ...dirs.filter((d) => existsSync(d)),
    ...veths.filter((v) => links.includes(`: ${v}@`) || links.includes(`: ${v}:`)),
  ];
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

describeIf(needRoot(), "vpc-cni-harness demo", () => {
  beforeAll(() => {
    for (const f of [CLI, join(REPO_ROOT, "dist", "cmd", "mock-ipamd.js"), join(REPO_ROOT, "dist", "bin", "mock-vpc-cni")]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
  });

  it("plays the fail-then-retry sequence, exits 0 and leaves nothing behind", async () => {
    const svgDir = await mkdtemp(join(tmpdir(), "h6-svg-"));
    const svg = join(svgDir, "demo.svg");
    const r = await execa(process.execPath, [CLI, "demo", "--timeout", "60s", "--timeline", svg], RUN);
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
    expect(out).toMatch(/sgp-demo\/sgp-pod-1 +branch ENI +running after [\d.]+s +2 sandbox attempts, \d+ warnings?: 1 transient-expected, 0 real/);
    const pid = daemonPid(out);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    expect(await leftBehind(out)).toEqual([]);
  });

  it("--json prints one JSON object per line, ending with the summary", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--timeout", "60s", "--json"], RUN);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string; ok?: boolean; event?: { reason: string; classification: string } });
    expect(lines.at(-1)).toMatchObject({ kind: "summary", ok: true, warnings: expect.any(Number) });
    const failed = lines.filter((l) => l.kind === "event" && l.event?.reason === "FailedCreatePodSandBox");
    expect(failed.map((l) => l.event?.classification)).toEqual(["transient-expected"]);
    expect(lines.some((l) => l.kind === "cni")).toBe(true);
  });

  it("--wait-for-branch-eni: ipamd waits, no FailedCreatePodSandBox, the pod runs on its first sandbox", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--timeout", "60s", "--provisioning-delay", "1s", "--wait-for-branch-eni", "8s"], RUN);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain("FailedCreatePodSandBox");
    expect(r.stdout).toMatch(/sgp-demo\/sgp-pod-1 +branch ENI +running after [\d.]+s +1 sandbox attempt, no warnings/);
  });

  it("--compare: both modes go as expected; waiting removes the FailedCreatePodSandBox", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--timeout", "60s", "--compare", "--json"], { ...RUN, timeout: 200_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const last = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { kind: string; modes: { mode: string; ok: boolean; failedSandboxes: number; sandboxAttempts: number }[] };
    expect(last.kind).toBe("comparison");
    expect(last.modes.map((m) => [m.ok, m.failedSandboxes, m.sandboxAttempts])).toEqual([[true, 1, 2], [true, 0, 1]]);
  }, 300_000);

  it("as non-root (nobody via setpriv): says so, uses dataplane none and fake netns paths, still the same sequence", async (ctx) => {
    const asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    const probe = await execa("setpriv", [...asNobody, process.execPath, "-e", `require("fs").accessSync(${JSON.stringify(CLI)})`], { reject: false });
    if (probe.exitCode !== 0) skipUnlessCi(ctx, "setpriv, and a checkout the user nobody can read");
    const r = await execa("setpriv", [...asNobody, process.execPath, CLI, "demo", "--timeout", "60s"], { ...RUN, cwd: tmpdir() });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("not running as root: fake netns paths and the plugin's `dataplane: none`");
    expect(r.stdout).toMatch(/CNI ADD aws-cni eth0 +sgp-demo\/sgp-pod-1 .*netns=\/tmp\/vpc-cni-harness-demo-[\w-]+\/netns\/cni-[0-9a-f-]+ .*FAILED: /);
    expect(r.stdout).toMatch(/\[transient-expected\] Failed to create pod sandbox/);
    expect(r.stdout).toContain("RESULT: the sequence happened as expected");
    expect(await leftBehind(r.stdout, false)).toEqual([]);
  });

  it("a run that fails part-way (mock-ipamd killed) still DELs the running pod: nothing left behind", async () => {
    // The SGP pod keeps backing off (60 s delay); the plain pod runs; then ipamd dies, the run
    // gives up at --timeout and its control calls fail: the cleanup must still tear the pod down.
    const before = await hostState(join(REPO_ROOT, "dist"));
    const child = execa(process.execPath, [CLI, "demo", "--provisioning-delay", "60s", "--timeout", "15s"], RUN);
    let out = "";
    let killed = 0;
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (killed === 0 && /Started +default\/plain-pod/.test(out)) {
        killed = daemonPid(out);
        process.kill(killed, "SIGKILL");
      }
    });
    const r = await child;
    out += r.stdout;
    expect(killed, out).toBeGreaterThan(0);
    expect(r.exitCode, out + r.stderr).toBe(1);
    expect(r.stderr).toContain("demo failed: ");
    expect(out).toMatch(/CNI DEL aws-cni eth0 +default\/plain-pod .*netns=\/run\/netns\/cni-[0-9a-f-]+ .*ok/);
    expect(await leftBehind(out), out).toEqual([]);
    // The SIGKILLed daemon could not remove its host links: the run's sweep did (by its recorded prefix).
    expect(await hostState(join(REPO_ROOT, "dist")), out).toEqual(before);
  });

  it("Ctrl-C: stops, cleans up (daemon, netns, temp dir) and exits 130", async () => {
    // A long provisioning delay keeps the SGP pod failing/backing off when the signal comes.
    const child = execa(process.execPath, [CLI, "demo", "--provisioning-delay", "30s"], RUN);
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
    expect(await leftBehind(out + r.stdout), out + r.stdout).toEqual([]);
  });

  it("--pods 10 on m5.large (9 branch ENIs): the 10th pod gets kube-scheduler's FailedScheduling, and the RESULT names the capacity", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--pods", "10", "--provisioning-delay", "2s", "--timeout", "60s"], RUN);
    const out = r.stdout;
    expect(r.exitCode, out + r.stderr).toBe(0);
    expect(out).toMatch(/Warning +FailedScheduling +sgp-demo\/sgp-pod-10 +0\/1 nodes are available: 1 Insufficient vpc\.amazonaws\.com\/pod-eni\. preemption: 0\/1 nodes are available: 1 No preemption victims found for incoming pod\. +\(default-scheduler\)/);
    expect(out).not.toMatch(/CNI ADD aws-cni eth0 +sgp-demo\/sgp-pod-10 /);
    expect(out).toMatch(/sgp-demo\/sgp-pod-10 +branch ENI +Pending: FailedScheduling: 0\/1 nodes are available/);
    expect(out).toMatch(/sgp-demo\/sgp-pod-9 +branch ENI +running after/);
    expect(out).toMatch(/RESULT: the sequence happened as expected; 1 SGP pod stayed Pending \(FailedScheduling\): the m5\.large node has room for 9 branch ENIs/);
    expect(await leftBehind(out), out).toEqual([]);
  });

  it("a short --timeout: the RESULT says it timed out and counts what the output shows", async () => {
    const r = await execa(process.execPath, [CLI, "demo", "--timeout", "2s"], RUN);
    const out = r.stdout;
    expect(r.exitCode, out + r.stderr).toBe(1);
    expect(out).toMatch(/timed out after --timeout 2s waiting for the pods/);
    expect(out).toMatch(/RESULT: TIMED OUT: not every pod was running after --timeout 2\.00s/);
    expect(out).not.toMatch(/busy machine|saw 0 FailedCreatePodSandBox/);
    // Whatever FailedCreatePodSandBox the output shows, the summary counts: never a contradiction.
    const shown = (out.match(/Warning +FailedCreatePodSandBox +sgp-demo\/sgp-pod-1 /g) ?? []).length;
    const line = out.split("\n").find((l) => /^ +sgp-demo\/sgp-pod-1 +branch ENI/.test(l)) ?? "";
    expect(Number(/(\d+) transient-expected/.exec(line)?.[1] ?? "0"), out).toBe(shown);
    expect(await leftBehind(out), out).toEqual([]);
  });
}, { timeout: 220_000 });

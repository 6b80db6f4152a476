// The basic scenario in real time: the real mock-ipamd (dist/cmd/mock-ipamd.js) and the built
// plugin binary (dist/bin/mock-vpc-cni) exec'd through the libcni-like runtime into real network
// namespaces; the same expectations as in simulated time, and nothing left behind.

import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { expect, it } from "vitest";
import { loadScenario } from "../../harness/scenario/parse.js";
import { runRealTime } from "../../harness/scenario/real/run.js";
import { listShipped } from "../../harness/scenario/shipped.js";
import { describeIf, needRoot } from "../helpers/prereq.js";

const netnsList = (): string[] => execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0] ?? "").filter((n) => n !== "");
const scenarioDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith("vpc-cni-harness-scenario-basic-"));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describeIf(needRoot(), "scenario basic in real time (needs root: network namespaces; needs `npm run build`: daemon and plugin binary)", () => {
  it("fails the SGP pod's first sandbox (transient-expected), retries, runs both pods, and cleans up", async () => {
    // A shorter limit than the file's, so a stuck run ends (and says why) before the test's timeout;
    // a longer provisioning delay, so the first ADD precedes the annotation even when a loaded
    // machine takes seconds per exec'd ADD.
    const file = await loadScenario(listShipped().find((x) => x.name === "basic")!.file);
    const s = { ...file, limit: 60_000, controller: { ...file.controller, provisioningDelay: { kind: "fixed" as const, fixedMs: 8_000 } } };
    const dirsBefore = scenarioDirs();
    const ours = new Set<string>();

    const r = await runRealTime(s, { onObservation: (o) => void (o.kind === "attempt-end" && o.netns !== "" && ours.add(o.netns.split("/").pop()!)) });

    expect(r.problems).toEqual([]);
    expect(r.differences).toEqual([]);
    expect(r.mode).toBe("real");
    const sgp = r.timeline.pods.find((p) => p.name === "sgp-pod")!;
    expect(sgp.attempts.map((a) => a.outcome)).toEqual(["failed", "ok"]);
    expect(sgp.attempts[0]!.message).toMatch(/^failed to setup network for sandbox "[0-9a-f]{64}": plugin type="mock-vpc-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container/);
    expect(sgp.provisioning).toMatchObject({ outcome: "ok", vlanId: 1 });
    expect(r.notes.join(" ")).toMatch(/exec'd through the libcni-like runtime/);

    const pid = Number(/pid (\d+)/.exec(r.notes.join(" "))?.[1]);
    expect(alive(pid)).toBe(false);
    // Every sandbox had its own netns (failed and ok attempts), and none is left.
    expect(ours.size).toBeGreaterThanOrEqual(2);
    expect(netnsList().filter((n) => ours.has(n))).toEqual([]);
    expect(scenarioDirs().filter((d) => !dirsBefore.includes(d))).toEqual([]);
  }, 170_000);
});

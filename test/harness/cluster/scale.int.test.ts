// 30 SGP pods across 3 nodes of `cluster up`: every caller of the one fake EC2 (the controller, three
// mock-ipamds, the harness) shares the account-wide bucket (docs/REFERENCE.md §9: 12 QPS, burst 18).
// The nodes are m5.xlarge (18 branch ENIs each): 10 SGP pods on an m5.large (9) would leave the
// tenth waiting for a branch ENI that never frees.
// From mock-ec2's call log: no window ever admitted more than the bucket allows, and no pod starts
// before the EC2 model's floor. How close to it the last one gets is a speed, so the test prints it
// (with how busy the CPU was meanwhile) and asserts no upper bound: on this 2-core machine ten sandboxes per node, each tried twice, take
// longer than EC2 (README, "30 SGP pods on 3 m5.xlarge nodes").
// The floor: the bucket's level when the pods were created (replayed from the log since mock-ec2
// started, full at first), the number N of calls
// admitted from then until the last AssociateTrunkInterface (every caller's, since all share the
// bucket), so that call is admitted no sooner than (N − level) / 12 s after the pods were created;
// then the controller's provisioning delay before it annotates the pod.

import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEc2HarnessClient } from "../../../common/ec2/harness.js";
import { earliestAdmissionMs, levelAt, worstWindow } from "../../helpers/bucket.js";
import { describeIf, missingOf, needRoot } from "../../helpers/prereq.js";
import { eventually } from "../../helpers/wait.js";
import type { PodView, TestCluster } from "./helpers.js";
import { cli, clusterPaths, eventsOnceStored, listPods, podYaml, sgpYaml, upCluster } from "./helpers.js";

const missing = missingOf(needRoot(), ["/usr/bin/containerd", "/usr/sbin/runc", "/usr/bin/kubectl"].filter((p) => !existsSync(p)).join(", "));
const NAME = "t30";
const QPS = 12;
const BURST = 18;
const DELAY_MS = 1500;

/** The machine's CPU counters (/proc/stat's first line, in ticks): idle (+ iowait) and all. */
function cpuTicks(): { idle: number; total: number } {
  const v = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  return { idle: (v[3] ?? 0) + (v[4] ?? 0), total: v.reduce((a, b) => a + b, 0) };
}

describeIf(missing, "30 SGP pods across 3 nodes: one account-wide EC2 rate limit", () => {
  let c: TestCluster;

  beforeAll(async () => {
    c = (await upCluster(NAME, ["--nodes", "3", "--instance-type", "m5.xlarge", "--provisioning-delay", `${DELAY_MS}ms`])).cluster;
  }, 300_000);

  afterAll(async () => {
    if (existsSync(clusterPaths(NAME).stateDir)) {
      const r = await cli(["cluster", "down", "--state-dir", clusterPaths(NAME).stateDir]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);

  it("never lets the callers together past 12 QPS with burst 18, and starts no pod before the model's floor", async () => {
    const nodes = [1, 2, 3].map((i) => `${NAME}-node-${i}`);
    const docs = [sgpYaml("default", "sgp"), ...Array.from({ length: 30 }, (_, i) => podYaml({ name: `sgp-${i + 1}`, namespace: "default", node: nodes[i % 3] as string, labels: { role: "sgp" } }))];
    const before = cpuTicks();
    const applied = await c.kubectl(["apply", "-f", "-"], docs.join("\n"));
    expect(applied.code, applied.stderr).toBe(0);
    let pods: PodView[] = [];
    await eventually("30 SGP pods Running", async () => {
      pods = await listPods(c, "default");
      return pods.length === 30 && pods.every((p) => p.status?.phase === "Running");
    }, 240_000, 500);
    // How busy the machine was meanwhile (all cores; the end is up to one poll late): whether the
    // nodes were waiting or working through a backlog.
    const after = cpuTicks();
    const busy = 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);

    const log = await createEc2HarnessClient((await c.state()).ec2Endpoint as string).calls(0);
    expect(log.dropped).toBe(0);
    const admitted = log.calls.filter((x) => x.tokened);
    const worst = worstWindow(admitted.map((x) => x.at), QPS, BURST);
    expect(worst.excess, `window ${worst.from}..${worst.to}: ${worst.count} calls`).toBeLessThanOrEqual(1e-9);

    const created = Math.min(...pods.map((p) => Date.parse((p.metadata as { creationTimestamp?: string }).creationTimestamp ?? "")));
    const associations = admitted.filter((x) => x.action === "AssociateTrunkInterface" && x.status === 200 && x.at >= created);
    expect(associations).toHaveLength(30);
    const lastAssociation = Math.max(...associations.map((x) => x.at));
    const n = admitted.filter((x) => x.at >= created && x.at <= lastAssociation).length;
    const level = levelAt(admitted.map((x) => x.at), QPS, BURST, created);
    const floorMs = earliestAdmissionMs(n, level, QPS) + DELAY_MS;

    const events = await eventsOnceStored(c, "default", pods.map((p) => p.metadata.name), ["Started", "ResourceAllocated"]);
    const started = pods.map((p) => {
      const e = events.find((x) => x.involvedObject.name === p.metadata.name && x.reason === "Started");
      return Date.parse(e?.eventTime ?? e?.firstTimestamp ?? "");
    });
    const lastStartMs = Math.max(...started) - created;
    const allocated = events.filter((x) => x.reason === "ResourceAllocated").map((x) => Date.parse(x.eventTime ?? x.firstTimestamp ?? ""));
    const lastAllocatedMs = Math.max(...allocated) - created;
    const refused = log.calls.filter((x) => x.code === "RequestLimitExceeded").length;
    // Where the time went: EC2 (last association), the controller (last ResourceAllocated), the nodes (last Started).
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    console.info(`30 SGP pods: ${n} calls admitted (level ${level.toFixed(1)} at creation), floor ${s(floorMs)}; last association ${s(lastAssociation - created)}, last ResourceAllocated ${s(lastAllocatedMs)}, last pod started ${s(lastStartMs)}; ${refused} refused; CPU ${(busy * 100).toFixed(0)} % busy from apply to all Running`);
    // A start before the floor would mean a call got past the bucket. firstTimestamp has whole
    // seconds (when the event has no eventTime): up to 1 s early.
    expect(lastStartMs).toBeGreaterThanOrEqual(floorMs - 1000);
  }, 400_000);
});

// The demo's verdict on a run: the expected fail-then-retry for SGP pods, nothing for ordinary pods.

import { describe, expect, it } from "vitest";
import type { ClusterEvent, PodObject } from "../../../cluster/k8s/index.js";
import { judge, parseDemoOptions } from "../../../harness/demo/index.js";
import type { JudgeInput } from "../../../harness/demo/expect.js";

const pod = (name: string, branch: boolean): PodObject => ({
  namespace: branch ? "sgp-demo" : "default", name, uid: `u-${name}`, labels: {}, annotations: {},
  limits: branch ? { "vpc.amazonaws.com/pod-eni": "1" } : {}, requests: {}, serviceAccount: "default",
  nodeName: "n", createdAt: 1_000, scheduledAt: 1_000, deletedAt: undefined, deletionGracePeriodSeconds: undefined, containers: ["app"], hostNetwork: false, phase: "", resourceVersion: "1",
});
const e = (p: PodObject, reason: string, over: Partial<ClusterEvent> = {}): ClusterEvent => ({
  type: reason.startsWith("Failed") ? "Warning" : "Normal", reason, message: reason,
  involvedObject: { kind: "Pod", namespace: p.namespace, name: p.name, uid: p.uid }, source: "x",
  firstTimestamp: 0, lastTimestamp: 0, count: 1, classification: reason.startsWith("Failed") ? "transient-expected" : "", attributes: {}, ...over,
});

const sgp = pod("sgp-pod-1", true);
const plain = pod("plain-pod", false);
const good = [
  e(sgp, "Scheduled"), e(sgp, "SecurityGroupRequested"), e(sgp, "FailedCreatePodSandBox"), e(sgp, "ResourceAllocated"), e(sgp, "Started"),
  e(plain, "Scheduled"), e(plain, "Started"),
];
const outcomes = [{ pod: sgp, attempts: 2, runningAt: 3_500 }, { pod: plain, attempts: 1, runningAt: 1_200 }];
const defaults = { provisioningDelayMs: 2_000, waitForBranchEniMs: 0, instanceType: "m5.large", timeoutMs: 90_000 };
const run = (over: Partial<JudgeInput> = {}) => judge({ outcomes, events: good, options: defaults, durationMs: 5_000, ended: "completed", branchCapacity: 9, ...over });

describe("demo verdict", () => {
  it("accepts exactly one transient-expected failure for the SGP pod and none for the ordinary one", () => {
    const s = run();
    expect(s.problems).toEqual([]);
    expect(s.ok).toBe(true);
    expect(s.verdict).toBe("the sequence happened as expected");
    expect(s.pods).toEqual([
      { pod: "sgp-demo/sgp-pod-1", branch: true, timeToRunningMs: 2_500, attempts: 2, warnings: 1, transientExpected: 1, real: 0 },
      { pod: "default/plain-pod", branch: false, timeToRunningMs: 200, attempts: 1, warnings: 0, transientExpected: 0, real: 0 },
    ]);
  });
  it("rejects a real failure, a missing failure, two failures, and a failing ordinary pod", () => {
    const real = good.map((x) => (x.reason === "FailedCreatePodSandBox" ? { ...x, classification: "real" as const } : x));
    expect(run({ events: real }).problems).toContain("sgp-demo/sgp-pod-1: 1 FailedCreatePodSandBox not labelled transient-expected");
    const none = good.filter((x) => x.reason !== "FailedCreatePodSandBox");
    expect(run({ events: none }).problems).toEqual(["sgp-demo/sgp-pod-1: expected the first ADD to fail (branch ENI not ready), it did not: its ADD reached ipamd after the branch ENI was ready; try a longer --provisioning-delay"]);
    const twice = good.map((x) => (x.reason === "FailedCreatePodSandBox" ? { ...x, count: 2 } : x));
    expect(run({ events: twice }).problems).toEqual(["sgp-demo/sgp-pod-1: expected exactly one FailedCreatePodSandBox (branch ENI not ready), saw 2"]);
    const plainFail = [...good, e(plain, "FailedCreatePodSandBox")];
    expect(run({ events: plainFail }).problems).toEqual(["default/plain-pod: ordinary pod had 1 FailedCreatePodSandBox"]);
    expect(run({ events: plainFail }).verdict).toBe("UNEXPECTED");
  });
  it("with a long enough branch wait, expects no failure at all", () => {
    const wait = { ...defaults, waitForBranchEniMs: 10_000 };
    expect(run({ options: wait }).problems).toEqual(["sgp-demo/sgp-pod-1: ipamd waited for the branch ENI, yet 1 FailedCreatePodSandBox"]);
    expect(run({ options: wait, events: good.filter((x) => x.reason !== "FailedCreatePodSandBox") }).ok).toBe(true);
  });
  it("reports pods that never ran and missing events", () => {
    const s = run({ outcomes: [{ pod: sgp, attempts: 1, runningAt: undefined }], events: [e(sgp, "Scheduled"), e(sgp, "FailedCreatePodSandBox")] });
    expect(s.problems).toEqual(["sgp-demo/sgp-pod-1: never running", "sgp-demo/sgp-pod-1: no Started event", "sgp-demo/sgp-pod-1: no SecurityGroupRequested event", "sgp-demo/sgp-pod-1: no ResourceAllocated event"]);
  });
  it("a timed-out run says so, and never blames the missing failures on the machine when the output shows one", () => {
    const shown = [e(sgp, "Scheduled"), e(sgp, "SecurityGroupRequested"), e(sgp, "FailedCreatePodSandBox")];
    const s = run({ ended: "timed-out", outcomes: [{ pod: sgp, attempts: 1, runningAt: undefined }], events: shown, options: { ...defaults, timeoutMs: 1_000 } });
    expect(s.ok).toBe(false);
    expect(s.verdict).toBe("TIMED OUT: not every pod was running after --timeout 1.00s");
    expect(s.problems).toEqual(["sgp-demo/sgp-pod-1: not running (1 sandbox attempt, 1 failed; last event FailedCreatePodSandBox)"]);
    expect(s.pods[0]).toMatchObject({ transientExpected: 1 });
    expect(JSON.stringify(s)).not.toMatch(/busy machine|saw 0/);
  });
  it("an interrupted run says it was interrupted, and judges nothing", () => {
    const s = run({ ended: "interrupted", outcomes: [{ pod: sgp, attempts: 0, runningAt: undefined }], events: [e(sgp, "Scheduled")], durationMs: 2_300 });
    expect(s.verdict).toBe("INTERRUPTED after 2.30s (Ctrl-C or SIGTERM): the run was stopped before it could be judged");
    expect(s.problems).toEqual(["sgp-demo/sgp-pod-1: not running (no sandbox yet; last event Scheduled)"]);
  });
  it("a pod beyond the node's branch-ENI capacity stays Pending with FailedScheduling, and the verdict says why", () => {
    const p10 = { ...pod("sgp-pod-10", true), nodeName: "", scheduledAt: undefined };
    const msg = "0/1 nodes are available: 1 Insufficient vpc.amazonaws.com/pod-eni. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
    const s = run({ outcomes: [...outcomes, { pod: p10, attempts: 0, runningAt: undefined }], events: [...good, e(p10, "FailedScheduling", { message: msg })] });
    expect(s.problems).toEqual([]);
    expect(s.ok).toBe(true);
    expect(s.pods[2]).toMatchObject({ pod: "sgp-demo/sgp-pod-10", unschedulable: msg, warnings: 1 });
    expect(s.verdict).toBe("the sequence happened as expected; 1 SGP pod stayed Pending (FailedScheduling): the m5.large node has room for 9 branch ENIs (vpc.amazonaws.com/pod-eni), as on EKS; use a larger --instance-type (m5.xlarge: 18) or fewer --pods");
  });
});

describe("demo options", () => {
  it("validates once, with defaults", () => {
    expect(parseDemoOptions({})).toMatchObject({ provisioningDelayMs: 5_000, instanceType: "m5.large", sgpPods: 1, waitForBranchEniMs: 0, json: false, keep: false, namespace: "sgp-demo" });
    expect(parseDemoOptions({ provisioningDelay: "1.5s", pods: "3", waitForBranchEni: "20s", timeline: "t.html" })).toMatchObject({ provisioningDelayMs: 1_500, sgpPods: 3, waitForBranchEniMs: 20_000, timelineFile: "t.html" });
    expect(() => parseDemoOptions({ pods: "0" })).toThrow(/--pods/);
    expect(() => parseDemoOptions({ timeline: "x.png" })).toThrow("--timeline x.png: the picture is written as .svg or .html only; png is not produced");
    expect(() => parseDemoOptions({ instanceType: "nosuch" })).toThrow(/^--instance-type: instance type "nosuch" is not known; known types: /);
    expect(() => parseDemoOptions({ instanceType: "t3.medium" })).toThrow(/--instance-type: t3\.medium has no trunk ENI/);
    expect(() => parseDemoOptions({ provisioningDelay: "soon" })).toThrow(/not a duration/);
  });
});

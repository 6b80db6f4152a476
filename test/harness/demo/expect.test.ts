// The demo's verdict on a run: the expected fail-then-retry for SGP pods, nothing for ordinary pods.

import { describe, expect, it } from "vitest";
import type { ClusterEvent, PodObject } from "../../../cluster/k8s/index.js";
import { judge, parseDemoOptions } from "../../../harness/demo/index.js";

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
const defaults = { provisioningDelayMs: 2_000, waitForBranchEniMs: 0 };

describe("demo verdict", () => {
  it("accepts exactly one transient-expected failure for the SGP pod and none for the ordinary one", () => {
    const s = judge(outcomes, good, defaults, 5_000);
    expect(s.problems).toEqual([]);
    expect(s.ok).toBe(true);
    expect(s.pods).toEqual([
      { pod: "sgp-demo/sgp-pod-1", branch: true, timeToRunningMs: 2_500, attempts: 2, warnings: 1, transientExpected: 1, real: 0 },
      { pod: "default/plain-pod", branch: false, timeToRunningMs: 200, attempts: 1, warnings: 0, transientExpected: 0, real: 0 },
    ]);
  });
  it("rejects a real failure, a missing failure, two failures, and a failing ordinary pod", () => {
    const real = good.map((x) => (x.reason === "FailedCreatePodSandBox" ? { ...x, classification: "real" as const } : x));
    expect(judge(outcomes, real, defaults, 1).problems).toContain("sgp-demo/sgp-pod-1: 1 FailedCreatePodSandBox not labelled transient-expected");
    const none = good.filter((x) => x.reason !== "FailedCreatePodSandBox");
    expect(judge(outcomes, none, defaults, 1).problems).toEqual(["sgp-demo/sgp-pod-1: expected exactly one FailedCreatePodSandBox (branch ENI not ready), saw 0", "sgp-demo/sgp-pod-1: expected the first ADD to fail (branch ENI not ready), it did not: its ADD reached ipamd after the branch ENI was ready (a busy machine?); try a longer --provisioning-delay"]);
    const twice = good.map((x) => (x.reason === "FailedCreatePodSandBox" ? { ...x, count: 2 } : x));
    expect(judge(outcomes, twice, defaults, 1).problems).toEqual(["sgp-demo/sgp-pod-1: expected exactly one FailedCreatePodSandBox (branch ENI not ready), saw 2"]);
    const plainFail = [...good, e(plain, "FailedCreatePodSandBox")];
    expect(judge(outcomes, plainFail, defaults, 1).problems).toEqual(["default/plain-pod: ordinary pod had 1 FailedCreatePodSandBox"]);
  });
  it("with a long enough branch wait, expects no failure at all", () => {
    const wait = { provisioningDelayMs: 2_000, waitForBranchEniMs: 10_000 };
    expect(judge(outcomes, good, wait, 1).problems).toEqual(["sgp-demo/sgp-pod-1: ipamd waited for the branch ENI, yet 1 FailedCreatePodSandBox"]);
    expect(judge(outcomes, good.filter((x) => x.reason !== "FailedCreatePodSandBox"), wait, 1).ok).toBe(true);
  });
  it("reports pods that never ran and missing events", () => {
    const s = judge([{ pod: sgp, attempts: 1, runningAt: undefined }], [e(sgp, "Scheduled"), e(sgp, "FailedCreatePodSandBox")], defaults, 1);
    expect(s.problems).toEqual(["sgp-demo/sgp-pod-1: never running", "sgp-demo/sgp-pod-1: no Started event", "sgp-demo/sgp-pod-1: no SecurityGroupRequested event", "sgp-demo/sgp-pod-1: no ResourceAllocated event"]);
  });
});

describe("demo options", () => {
  it("validates once, with defaults", () => {
    expect(parseDemoOptions({})).toMatchObject({ provisioningDelayMs: 5_000, instanceType: "m5.large", sgpPods: 1, waitForBranchEniMs: 0, json: false, keep: false, namespace: "sgp-demo" });
    expect(parseDemoOptions({ provisioningDelay: "1.5s", pods: "3", waitForBranchEni: "20s", timeline: "t.html" })).toMatchObject({ provisioningDelayMs: 1_500, sgpPods: 3, waitForBranchEniMs: 20_000, timelineFile: "t.html" });
    expect(() => parseDemoOptions({ pods: "0" })).toThrow(/--pods/);
    expect(() => parseDemoOptions({ timeline: "x.png" })).toThrow(/\.svg or \.html/);
    expect(() => parseDemoOptions({ provisioningDelay: "soon" })).toThrow(/not a duration/);
  });
});

// Building the timeline from kubelet observations, pods, events and provisioning records.

import { describe, expect, it } from "vitest";
import type { ClusterEvent, PodObject } from "../../../cluster/k8s/index.js";
import type { ProvisioningRecord } from "../../../controller/types.js";
import { AttemptLog, buildTimeline, windowFromEvents, windowFromRecords } from "../../../harness/timeline/index.js";

const podKey = { namespace: "default", name: "p", uid: "u1" };

function pod(over: Partial<PodObject> = {}): PodObject {
  return {
    namespace: "default", name: "p", uid: "u1", labels: {}, annotations: {},
    limits: { "vpc.amazonaws.com/pod-eni": "1" }, requests: { "vpc.amazonaws.com/pod-eni": "1" },
    serviceAccount: "default", nodeName: "node-1", createdAt: 100, scheduledAt: 110, deletedAt: undefined, deletionGracePeriodSeconds: undefined, containers: ["app"], hostNetwork: false, phase: "", resourceVersion: "3", ...over,
  };
}

function record(over: Partial<ProvisioningRecord>): ProvisioningRecord {
  return {
    namespace: "default", name: "p", uid: "u1", nodeName: "node-1", attempt: 1, queuedAt: 110, startedAt: 120,
    ec2DoneAt: 400, endedAt: 500, delayMs: 100, outcome: "allocated", eniId: "eni-9", vlanId: 4, error: "", ...over,
  };
}

function allocated(at: number): ClusterEvent {
  return {
    type: "Normal", reason: "ResourceAllocated", message: "Allocated", involvedObject: { kind: "Pod", namespace: "default", name: "p", uid: "u1" },
    source: "vpc-resource-controller", firstTimestamp: at, lastTimestamp: at, count: 1, classification: "", attributes: { vlanId: "3", eniId: "eni-3" },
  };
}

describe("AttemptLog", () => {
  it("pairs attempt starts and ends by sandbox id and keeps the first running time", () => {
    const log = new AttemptLog();
    log.observe({ kind: "attempt-start", at: 120, pod: podKey, sandboxId: "s1", attempt: 1 });
    log.observe({ kind: "attempt-end", at: 150, pod: podKey, sandboxId: "s1", attempt: 1, ok: false, error: "boom", classification: "transient-expected", ips: [], netns: "" });
    log.observe({ kind: "attempt-start", at: 600, pod: podKey, sandboxId: "s2", attempt: 2 });
    log.observe({ kind: "attempt-end", at: 640, pod: podKey, sandboxId: "s2", attempt: 2, ok: true, error: "", classification: "", ips: ["10.0.0.5/32"], netns: "/n" });
    log.observe({ kind: "running", at: 640, pod: podKey, sandboxId: "s2" });
    log.observe({ kind: "running", at: 900, pod: podKey, sandboxId: "s3" });
    expect(log.attempts(podKey)).toEqual([
      { sandboxId: "s1", start: 120, end: 150, outcome: "failed", message: "boom", classification: "transient-expected" },
      { sandboxId: "s2", start: 600, end: 640, outcome: "ok", message: "", classification: "" },
    ]);
    expect(log.runningAt(podKey)).toBe(640);
    expect(log.failedCount()).toBe(1);
  });

  it("leaves an attempt without an end pending", () => {
    const log = new AttemptLog();
    log.observe({ kind: "attempt-start", at: 5, pod: podKey, sandboxId: "s1", attempt: 1 });
    expect(log.attempts(podKey)[0]?.outcome).toBe("pending");
    expect(log.runningAt(podKey)).toBeUndefined();
  });
});

describe("provisioning windows", () => {
  it("spans first queued to the allocated record, after failed tries", () => {
    const w = windowFromRecords([record({ attempt: 1, outcome: "failed", endedAt: 300, eniId: "", vlanId: 0 }), record({ attempt: 2, queuedAt: 350, endedAt: 900 })]);
    expect(w).toEqual({ start: 110, end: 900, outcome: "ok", vlanId: 4, eniId: "eni-9" });
  });

  it("is pending while the last try is in progress, failed when every try failed", () => {
    expect(windowFromRecords([record({ outcome: "in-progress", endedAt: undefined })])?.outcome).toBe("pending");
    expect(windowFromRecords([record({ outcome: "failed" })])).toMatchObject({ outcome: "failed", end: 500, vlanId: undefined });
    expect(windowFromRecords([])).toBeUndefined();
  });

  it("falls back to scheduled -> ResourceAllocated from events", () => {
    expect(windowFromEvents(pod(), [allocated(700)])).toEqual({ start: 110, end: 700, outcome: "ok", vlanId: 3, eniId: "eni-3" });
    expect(windowFromEvents(pod({ limits: {}, requests: {} }), [])).toBeUndefined();
    expect(windowFromEvents(pod(), [])?.outcome).toBe("pending");
  });
});

describe("buildTimeline", () => {
  it("joins pods, events, attempts and records; node events go to the cluster row", () => {
    const log = new AttemptLog();
    log.observe({ kind: "running", at: 640, pod: podKey, sandboxId: "s2" });
    const nodeEvent: ClusterEvent = { ...allocated(50), reason: "IpamdStarted", involvedObject: { kind: "Node", namespace: "", name: "node-1", uid: "" } };
    const other = pod({ name: "q", uid: "u2", createdAt: 50, limits: {}, requests: {} });
    const t = buildTimeline({ title: "t", mode: "simulated", runStart: 0, runEnd: 1000, pods: [pod(), other], events: [allocated(700), nodeEvent], attempts: log, provisioning: [record({})] });
    expect(t.pods.map((p) => p.name)).toEqual(["q", "p"]);
    const p = t.pods[1]!;
    expect(p).toMatchObject({ branch: true, runningAt: 640, nodeName: "node-1", provisioning: { vlanId: 4 } });
    expect(p.events.map((e) => e.reason)).toEqual(["ResourceAllocated"]);
    expect(t.pods[0]).toMatchObject({ branch: false, provisioning: undefined, events: [] });
    expect(t.clusterEvents.map((e) => e.reason)).toEqual(["IpamdStarted"]);
  });
});

// Timeline fixtures for the renderer tests: the basic two-pod sequence and a generated crowd.

import type { ClusterEvent } from "../../../cluster/k8s/index.js";
import type { PodTimeline, TimelineData } from "../../../harness/timeline/types.js";

export function event(name: string, reason: string, t: number, type: "Normal" | "Warning" = "Normal", count = 1): ClusterEvent {
  return {
    type,
    reason,
    message: `${reason} <for> ${name} & co`,
    involvedObject: { kind: "Pod", namespace: "default", name, uid: `uid-${name}` },
    source: "test",
    firstTimestamp: t,
    lastTimestamp: t + (count - 1) * 1000,
    count,
    classification: reason === "FailedCreatePodSandBox" ? "transient-expected" : "",
    attributes: {},
  };
}

export function basicTimeline(): TimelineData {
  const sgp: PodTimeline = {
    namespace: "default", name: "sgp-pod", uid: "uid-sgp-pod", nodeName: "node-1", branch: true,
    createdAt: 1000, scheduledAt: 1000, runningAt: 3200,
    attempts: [
      { sandboxId: "a".repeat(64), start: 1000, end: 1050, outcome: "failed", message: "failed to setup network", classification: "transient-expected" },
      { sandboxId: "b".repeat(64), start: 3150, end: 3200, outcome: "ok", message: "", classification: "" },
    ],
    provisioning: { start: 1000, end: 3150, outcome: "ok", vlanId: 1, eniId: "eni-1" },
    events: [event("sgp-pod", "Scheduled", 1000), event("sgp-pod", "FailedCreatePodSandBox", 1050, "Warning"), event("sgp-pod", "ResourceAllocated", 3150), event("sgp-pod", "Started", 3200)],
  };
  const plain: PodTimeline = {
    namespace: "default", name: "plain-pod", uid: "uid-plain-pod", nodeName: "node-1", branch: false,
    createdAt: 1000, scheduledAt: 1000, runningAt: 1130,
    attempts: [{ sandboxId: "c".repeat(64), start: 1000, end: 1130, outcome: "ok", message: "", classification: "" }],
    provisioning: undefined,
    events: [event("plain-pod", "Scheduled", 1000), event("plain-pod", "Started", 1130)],
  };
  return { title: "basic <sequence>", mode: "simulated", runStart: 0, runEnd: 3200, pods: [sgp, plain], clusterEvents: [] };
}

/** n SGP pods, pod i created at i*10 ms, running after 1 s + i*200 ms, one transient failure each; a real failure every 50th. */
export function crowdTimeline(n: number): TimelineData {
  const pods: PodTimeline[] = [];
  for (let i = 0; i < n; i++) {
    const created = i * 10;
    const running = created + 1000 + i * 200;
    const real = i % 50 === 0;
    pods.push({
      namespace: "scale", name: `sgp-${i}`, uid: `u${i}`, nodeName: `node-${i % 7}`, branch: true,
      createdAt: created, scheduledAt: created, runningAt: running,
      attempts: [
        { sandboxId: `${i}`.padStart(64, "0"), start: created, end: created + 50, outcome: "failed", message: "x", classification: real ? "real" : "transient-expected" },
        { sandboxId: `${i}`.padStart(64, "1"), start: running - 30, end: running, outcome: "ok", message: "", classification: "" },
      ],
      provisioning: { start: created, end: running - 30, outcome: "ok", vlanId: (i % 9) + 1, eniId: `eni-${i}` },
      events: [],
    });
  }
  const end = Math.max(...pods.map((p) => p.runningAt ?? 0));
  return { title: "crowd", mode: "simulated", runStart: 0, runEnd: end, pods, clusterEvents: [] };
}

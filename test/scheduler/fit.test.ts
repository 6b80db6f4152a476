import { describe, expect, it } from "vitest";
import type { NodeState, PodDemand } from "../../scheduler/index.js";
import { failureMessage, misfits, pickNode, podRequests } from "../../scheduler/index.js";

const node = (name: string, alloc: Record<string, number>, extra: Partial<NodeState> = {}): NodeState => ({ name, labels: {}, allocatable: alloc, ready: true, unschedulable: false, taints: [], ...extra });
const demand = (requests: Record<string, number>, extra: Partial<PodDemand> = {}): PodDemand => ({ requests: { pods: 1, ...requests }, nodeSelector: {}, tolerations: [], ...extra });
const ENI = "vpc.amazonaws.com/pod-eni";

describe("scheduler fit", () => {
  it("sums containers, takes the largest init container, adds overhead and counts the pod", () => {
    expect(podRequests({
      containers: [{ resources: { requests: { cpu: "250m", [ENI]: "1" } } }, { resources: { requests: { cpu: "500m", memory: "64Mi" } } }],
      initContainers: [{ resources: { requests: { cpu: "1" } } }],
      overhead: { memory: "1Mi" },
    })).toEqual({ cpu: 1, [ENI]: 1, memory: 65 * 2 ** 20, pods: 1 });
  });

  it("fits against allocatable minus what is bound, pod-eni included", () => {
    const n = node("a", { pods: 29, [ENI]: 9 });
    expect(misfits(demand({ [ENI]: 1 }), n, { pods: 10, [ENI]: 8 })).toEqual([]);
    expect(misfits(demand({ [ENI]: 1 }), n, { pods: 10, [ENI]: 9 })).toEqual([{ reason: `Insufficient ${ENI}`, resolvable: true }]);
    expect(misfits(demand({}), n, { pods: 29 })).toEqual([{ reason: "Too many pods", resolvable: true }]);
    expect(misfits(demand({ [ENI]: 1 }), node("b", { pods: 29 }), {})).toEqual([{ reason: `Insufficient ${ENI}`, resolvable: true }]);
  });

  it("checks unschedulable, taints (NotReady as the lifecycle controller's taint) and nodeSelector first", () => {
    expect(misfits(demand({}), node("a", { pods: 9 }, { unschedulable: true }), {})[0]?.reason).toBe("node(s) were unschedulable");
    expect(misfits(demand({}), node("a", { pods: 9 }, { ready: false }), {})[0]?.reason).toBe("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
    const tainted = node("a", { pods: 9 }, { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] });
    expect(misfits(demand({}), tainted, {})[0]?.reason).toBe("node(s) had untolerated taint {dedicated: gpu}");
    expect(misfits(demand({}, { tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }] }), tainted, {})).toEqual([]);
    expect(misfits(demand({}, { tolerations: [{ operator: "Exists" }] }), tainted, {})).toEqual([]);
    expect(misfits(demand({}, { nodeSelector: { zone: "a" } }), node("a", { pods: 9 }), {})[0]?.reason).toBe("node(s) didn't match Pod's node affinity/selector");
  });

  it("writes the real FailedScheduling text", () => {
    expect(failureMessage(new Map([["a", [{ reason: `Insufficient ${ENI}`, resolvable: true }]]]))).toBe(
      `0/1 nodes are available: 1 Insufficient ${ENI}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`,
    );
    expect(failureMessage(new Map([
      ["a", [{ reason: "Insufficient cpu", resolvable: true }, { reason: "Insufficient memory", resolvable: true }]],
      ["b", [{ reason: "Insufficient cpu", resolvable: true }]],
      ["c", [{ reason: "node(s) were unschedulable", resolvable: false }]],
    ]))).toBe("0/3 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.");
    expect(failureMessage(new Map())).toBe("no nodes available to schedule pods");
  });

  it("picks the node with the most room left", () => {
    const nodes = [node("a", { pods: 10 }), node("b", { pods: 10 })];
    const used: Record<string, Record<string, number>> = { a: { pods: 3 }, b: { pods: 1 } };
    expect(pickNode(demand({}), nodes, (n) => used[n] ?? {})).toEqual({ node: "b" });
    expect(pickNode(demand({ [ENI]: 1 }), nodes, (n) => used[n] ?? {})).toEqual({ message: expect.stringContaining(`0/2 nodes are available: 2 Insufficient ${ENI}.`) });
  });
});

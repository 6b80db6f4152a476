// The typed views are parsed at the edge: a wire object that does not parse is an "invalid"
// HarnessError naming the object and the field; builders and parsers agree; times keep what the
// wire carries (seconds from a real API server, ms from ours, ns from our event recorder).

import { describe, expect, it } from "vitest";
import {
  buildCniNode, buildEvent, buildNode, buildPod, buildSgp, clusterEvent, formatTime, hasFeature,
  parseCniNode, parseEvent, parseNode, parsePod, parseSgp, selectorMatches,
} from "../../../cluster/k8s/index.js";
import { HarnessError } from "../../../common/errors.js";
import { HAS_TRUNK_LABEL, INSTANCE_TYPE_LABEL } from "../../../common/names.js";

const invalid = (fn: () => unknown): HarnessError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof HarnessError) return e;
    throw e;
  }
  throw new Error("did not throw");
};

describe("pod view", () => {
  it("reads what the components use from a pod as built", () => {
    const wire = buildPod({ namespace: "sgp", name: "web", uid: "u-1", labels: { app: "db" }, serviceAccount: "db-sa", nodeName: "node-1" });
    wire.metadata.resourceVersion = "42";
    wire.metadata.creationTimestamp = "2026-01-02T03:04:05Z";
    (wire.spec.containers[0] as { resources?: unknown }).resources = { limits: { "vpc.amazonaws.com/pod-eni": "1" } };
    const pod = parsePod(wire);
    expect(pod).toMatchObject({
      namespace: "sgp", name: "web", uid: "u-1", resourceVersion: "42", labels: { app: "db" }, serviceAccount: "db-sa",
      nodeName: "node-1", containers: ["app"], limits: { "vpc.amazonaws.com/pod-eni": "1" }, hostNetwork: false,
      createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    // Created bound (no scheduler): scheduled at its creation.
    expect(pod.scheduledAt).toBe(pod.createdAt);
  });

  it("takes scheduledAt from the PodScheduled condition and deletedAt from deletionTimestamp", () => {
    const wire = { ...buildPod({ namespace: "a", name: "b" }), status: { conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "1970-01-01T00:00:02.500Z" }] } };
    wire.metadata.deletionTimestamp = "1970-01-01T00:00:09Z";
    expect(parsePod(wire)).toMatchObject({ scheduledAt: 2_500, deletedAt: 9_000, nodeName: "" });
  });

  it("refuses a malformed pod naming the object and the field", () => {
    const bad = { apiVersion: "v1", kind: "Pod", metadata: { namespace: "sgp", name: "web", labels: { a: 1 } }, spec: { nodeName: 7 } };
    const e = invalid(() => parsePod(bad));
    expect(e.kind).toBe("invalid");
    expect(e.message).toBe("Pod sgp/web: field spec.nodeName must be a string");
    expect(e.causes?.[0]?.field).toBe("spec.nodeName");
    expect(invalid(() => parsePod({ kind: "Node", metadata: { name: "x" } })).message).toBe('Pod x: field kind must be "Pod", got "Node"');
    expect(invalid(() => parsePod({ metadata: {} })).message).toBe("Pod (no name): field metadata.name must be a string");
    expect(invalid(() => parsePod({ metadata: { name: "t", creationTimestamp: "yesterday" } })).message).toContain("metadata.creationTimestamp must be an RFC 3339 time");
  });

  it("resourceVersion stays an opaque string", () => {
    const wire = buildPod({ namespace: "a", name: "b" });
    wire.metadata.resourceVersion = "9007199254740993123";
    expect(parsePod(wire).resourceVersion).toBe("9007199254740993123");
  });
});

describe("node, CNINode, SGP views", () => {
  it("node: instance type from its label, capacity, allocatable, Ready", () => {
    const node = parseNode(buildNode({ name: "n1", instanceType: "m5.large", capacity: { pods: "29" }, now: "2026-01-01T00:00:00Z" }));
    expect(node).toMatchObject({ name: "n1", instanceType: "m5.large", capacity: { pods: "29" }, allocatable: { pods: "29" }, ready: true });
    expect(node.labels[INSTANCE_TYPE_LABEL]).toBe("m5.large");
    expect(node.labels[HAS_TRUNK_LABEL]).toBeUndefined();
  });

  it("CNINode: the SecurityGroupsForPods feature", () => {
    expect(hasFeature(parseCniNode(buildCniNode("n1")))).toBe(true);
    expect(hasFeature(parseCniNode(buildCniNode("n1", [])))).toBe(false);
    expect(invalid(() => parseCniNode({ metadata: { name: "n1" }, spec: { features: [{ value: "x" }] } })).message).toBe("CNINode n1: field spec.features[0].name must be a string");
  });

  it("SGP: selectors kept as LabelSelectors, absent apart from empty", () => {
    const sgp = parseSgp(buildSgp({ namespace: "ns", name: "p", podSelector: {}, serviceAccountSelector: { matchExpressions: [{ key: "team", operator: "Exists" }] }, securityGroupIds: ["sg-1"] }));
    expect(sgp.podSelector).toEqual({});
    expect(sgp.serviceAccountSelector).toEqual({ matchExpressions: [{ key: "team", operator: "Exists" }] });
    expect(parseSgp(buildSgp({ namespace: "ns", name: "q", securityGroupIds: ["sg-1"] })).podSelector).toBeUndefined();
    expect(invalid(() => parseSgp({ metadata: { namespace: "ns", name: "r" }, spec: { podSelector: { matchExpressions: [{ key: "a", operator: "Like" }] } } })).message)
      .toBe('SecurityGroupPolicy ns/r: field spec.podSelector.matchExpressions[0].operator must be one of In, NotIn, Exists, DoesNotExist, got "Like"');
  });

  it("selectorMatches follows LabelSelectorAsSelector", () => {
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches({ matchLabels: { a: "1" }, matchExpressions: [{ key: "b", operator: "NotIn", values: ["x"] }] }, { a: "1" })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "b", operator: "In", values: ["x"] }] }, {})).toBe(false);
  });
});

describe("event view", () => {
  const e = { type: "Warning" as const, reason: "FailedCreatePodSandBox", message: "boom", involvedObject: { kind: "Pod", namespace: "sgp", name: "web", uid: "u-1" }, source: "kubelet", host: "node-1", timestamp: 1_500.25, classification: "transient-expected" as const, attributes: { sandboxId: "abc" } };

  it("our classification and attributes travel as annotations; the real fields stay real", () => {
    const wire = buildEvent("web.17", e);
    expect(wire).toMatchObject({ metadata: { name: "web.17", namespace: "sgp" }, source: { component: "kubelet", host: "node-1" }, count: 1, type: "Warning", involvedObject: { kind: "Pod", name: "web", uid: "u-1" } });
    expect(wire.metadata.annotations).toEqual({ "vpc-cni-harness/classification": "transient-expected", "vpc-cni-harness/attributes": '{"sandboxId":"abc"}' });
    expect(clusterEvent(parseEvent(wire))).toEqual({
      type: "Warning", reason: "FailedCreatePodSandBox", message: "boom", involvedObject: { kind: "Pod", namespace: "sgp", name: "web", uid: "u-1" },
      source: "kubelet", firstTimestamp: 1_500.25, lastTimestamp: 1_500.25, count: 1, classification: "transient-expected", attributes: { sandboxId: "abc" },
    });
  });

  it("events of cluster-scoped objects live in default; a mangled attributes annotation is dropped, not fatal", () => {
    const node = buildEvent("n1.1", { ...e, involvedObject: { kind: "Node", namespace: "", name: "n1", uid: "" } });
    expect(node.metadata.namespace).toBe("default");
    node.metadata.annotations = { "vpc-cni-harness/attributes": "{not json" };
    expect(parseEvent(node).attributes).toEqual({});
  });

  it("times: RFC 3339 with ms, and ns when the clock has a fraction of a ms", () => {
    expect(formatTime(6_180)).toBe("1970-01-01T00:00:06.180Z");
    expect(formatTime(10_898.333_333)).toBe("1970-01-01T00:00:10.898333333Z");
    const wire = buildEvent("x.1", { ...e, timestamp: 10_898.333_333 });
    expect(parseEvent(wire).lastTimestamp).toBeCloseTo(10_898.333_333, 6);
    const real = { ...buildEvent("x.2", e), firstTimestamp: "2026-01-01T00:00:07Z", lastTimestamp: "2026-01-01T00:00:09Z" };
    expect(parseEvent(real).lastTimestamp - parseEvent(real).firstTimestamp).toBe(2_000);
  });
});

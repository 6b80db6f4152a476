import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../../cluster/k8s/types.js";
import { createObjectStore } from "../../../cluster/store/index.js";
import { FakeClock } from "../../../common/clock.js";
import { CNINODES, NODES, PODS, SGPS, node, pod, setup, statusOf } from "./helpers.js";

const spec = (o: K8sObject): Record<string, unknown> => o.spec as Record<string, unknown>;
const status = (o: K8sObject): Record<string, unknown> => o.status as Record<string, unknown>;

describe("store: create", () => {
  it("fills uid, creationTimestamp (RFC 3339 with ms), resourceVersion, defaults and a Pending status", () => {
    const { store } = setup();
    const before = Number(store.currentResourceVersion());
    const { object } = store.create(PODS, "default", { ...pod("a"), status: { phase: "Running" } });
    expect(object.metadata).toMatchObject({ name: "a", namespace: "default", uid: expect.stringMatching(/^uid-/), creationTimestamp: "2025-03-01T12:00:00.000Z" });
    expect(Number(object.metadata.resourceVersion)).toBe(before + 1);
    expect(status(object)).toEqual({ phase: "Pending", qosClass: "BestEffort" });
    expect(spec(object)).toMatchObject({ restartPolicy: "Always", serviceAccountName: "default", schedulerName: "default-scheduler" });
    expect(Object.isFrozen(object) && Object.isFrozen(object.metadata)).toBe(true);
    expect(store.get(PODS, "default", "a")).toBe(object);
  });

  it("generates names from generateName", () => {
    const { store } = setup();
    const { object } = store.create(PODS, "default", { ...pod(""), metadata: { generateName: "web-" } });
    expect(object.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("refuses what the API server refuses, with its codes and messages", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a"));
    expect(statusOf(() => store.create(PODS, "default", pod("a")))).toEqual({ code: 409, reason: "AlreadyExists", message: 'pods "a" already exists' });
    expect(statusOf(() => store.create(PODS, "nope", pod("b")))).toEqual({ code: 404, reason: "NotFound", message: 'namespaces "nope" not found' });
    expect(statusOf(() => store.create(PODS, "default", { ...pod("x"), spec: { containers: [] } }))).toMatchObject({ code: 422, reason: "Invalid", message: 'Pod "x" is invalid: spec.containers: Required value' });
    expect(statusOf(() => store.create(PODS, "default", { ...pod("x"), spec: { containers: [{ name: "c" }] } }))).toMatchObject({ code: 422, message: 'Pod "x" is invalid: spec.containers[0].image: Required value' });
    expect(statusOf(() => store.create(PODS, "default", pod("Bad_Name")))).toMatchObject({ code: 422, message: expect.stringContaining("a lowercase RFC 1123 subdomain must consist of") });
    expect(statusOf(() => store.create(PODS, "default", { ...pod(""), metadata: {} }))).toMatchObject({ code: 422, message: expect.stringContaining("metadata.name: Required value: name or generateName is required") });
    expect(statusOf(() => store.create(PODS, "default", { ...pod("x"), kind: "Node" }))).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(statusOf(() => store.create(PODS, "default", { ...pod("x"), apiVersion: "apps/v1" }))).toMatchObject({ code: 400 });
    expect(statusOf(() => store.create(PODS, "default", { ...pod("x"), metadata: { name: "x", namespace: "kube-system" } }))).toMatchObject({ code: 400, message: "the namespace of the provided object does not match the namespace sent on the request" });
    expect(statusOf(() => store.create(PODS, "default", { ...pod("x"), metadata: { name: "x", resourceVersion: "5" } }))).toMatchObject({ code: 400, message: "resourceVersion should not be set on objects to be created" });
    expect(statusOf(() => store.create(PODS, "default", pod("x", { labels: { "bad key": "v" } })))).toMatchObject({ code: 422 });
    expect(statusOf(() => store.create({ group: "", plural: "widgets" }, "default", pod("x")))).toMatchObject({ code: 404 });
    expect(store.list(PODS).items.map((p) => p.metadata.name)).toEqual(["a"]);
  });

  it("validates extended resources: whole numbers, request equal to limit", () => {
    const { store } = setup();
    const withRes = (res: Record<string, unknown>): K8sObject => ({ ...pod("r"), spec: { containers: [{ name: "c", image: "i", resources: res }] } });
    expect(statusOf(() => store.create(PODS, "default", withRes({ limits: { "vpc.amazonaws.com/pod-eni": "1" }, requests: { "vpc.amazonaws.com/pod-eni": "2" } })))).toMatchObject({
      code: 422,
      message: expect.stringContaining("must be equal to vpc.amazonaws.com/pod-eni limit of 1"),
    });
    expect(statusOf(() => store.create(PODS, "default", withRes({ limits: { "vpc.amazonaws.com/pod-eni": "500m" } })))).toMatchObject({ code: 422 });
    const { object } = store.create(PODS, "default", withRes({ limits: { "vpc.amazonaws.com/pod-eni": "1" } }));
    expect(spec(object).containers).toMatchObject([{ resources: { requests: { "vpc.amazonaws.com/pod-eni": "1" } } }]);
  });

  it("fieldValidation: Strict refuses unknown fields (400), Warn returns them, every mode prunes them", () => {
    const { store } = setup();
    const body = { ...pod("f"), spec: { containers: [{ name: "c", image: "i", bogus: 1 }], extra: true } };
    expect(statusOf(() => store.create(PODS, "default", body, { fieldValidation: "Strict" }))).toEqual({
      code: 400,
      reason: "BadRequest",
      message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bogus", unknown field "spec.extra"',
    });
    const warned = store.create(PODS, "default", body, { fieldValidation: "Warn" });
    expect(warned.warnings).toEqual(['unknown field "spec.containers[0].bogus"', 'unknown field "spec.extra"']);
    expect(spec(warned.object).extra).toBeUndefined();
    const ignored = store.create(PODS, "default", { ...body, metadata: { name: "g" } }, { fieldValidation: "Ignore" });
    expect(ignored.warnings).toEqual([]);
  });

  it("validates a SecurityGroupPolicy against the CRD schema (groupIds 1..16, types)", () => {
    const { store } = setup();
    const sgp = (groupIds: unknown): K8sObject => ({ apiVersion: "vpcresources.k8s.aws/v1beta1", kind: "SecurityGroupPolicy", metadata: { name: "p" }, spec: { podSelector: { matchLabels: { app: "x" } }, securityGroups: { groupIds } } });
    expect(statusOf(() => store.create(SGPS, "default", sgp([])))).toMatchObject({ code: 422, message: expect.stringContaining("spec.securityGroups.groupIds in body should have at least 1 items") });
    expect(statusOf(() => store.create(SGPS, "default", sgp("sg-1")))).toMatchObject({ code: 422, message: expect.stringContaining("must be of type array") });
    expect(statusOf(() => store.create(SGPS, "default", sgp(Array.from({ length: 17 }, (_, i) => `sg-${i}`))))).toMatchObject({ code: 422 });
    expect(statusOf(() => store.create(SGPS, "default", { ...sgp(["sg-1"]), spec: { securityGroups: { groupIds: ["sg-1"] }, nope: 1 } }, { fieldValidation: "Strict" }))).toMatchObject({ code: 400, message: expect.stringContaining('unknown field "spec.nope"') });
    const { object } = store.create(SGPS, "default", sgp(["sg-1"]));
    expect(object.metadata.generation).toBe(1);
  });

  it("runs admission hooks before validation; dryRun persists and publishes nothing", () => {
    const { store } = setup();
    const seen: string[] = [];
    store.watch(PODS, {}, (e) => seen.push(e.type));
    store.addAdmissionHook(PODS, (op, o, _old, ctx) => {
      seen.push(`${op}${ctx.dryRun ? " dry" : ""}`);
      return { ...o, metadata: { ...o.metadata, labels: { admitted: "yes" } } };
    });
    const rv = store.currentResourceVersion();
    const dry = store.create(PODS, "default", pod("d"), { dryRun: true });
    expect(dry.object.metadata.labels).toEqual({ admitted: "yes" });
    expect(store.currentResourceVersion()).toBe(rv);
    expect(statusOf(() => store.get(PODS, "default", "d"))).toMatchObject({ code: 404 });
    store.create(PODS, "default", pod("d"));
    expect(seen).toEqual(["CREATE dry", "CREATE", "ADDED"]);
  });
});

describe("store: update, patch and the status subresource", () => {
  it("a stale resourceVersion is 409 with the real message and changes nothing", () => {
    const { store } = setup();
    const { object } = store.create(PODS, "default", pod("a"));
    store.patch(PODS, "default", "a", "merge", { metadata: { labels: { v: "2" } } });
    const now = store.get(PODS, "default", "a");
    expect(statusOf(() => store.update(PODS, "default", "a", { ...object, metadata: { ...object.metadata, labels: { v: "3" } } }))).toEqual({
      code: 409,
      reason: "Conflict",
      message: 'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(statusOf(() => store.patch(PODS, "default", "a", "merge", { metadata: { resourceVersion: object.metadata.resourceVersion, labels: { v: "4" } } }))).toMatchObject({ code: 409 });
    expect(store.get(PODS, "default", "a")).toBe(now);
  });

  it("a UID precondition that fails is 409 'Precondition failed'", () => {
    const { store } = setup();
    const { object } = store.create(PODS, "default", pod("a"));
    expect(statusOf(() => store.patch(PODS, "default", "a", "merge", { metadata: { annotations: { k: "v" } } }, { preconditions: { uid: "other" } }))).toMatchObject({
      code: 409,
      message: `Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: other, UID in object meta: ${object.metadata.uid}`,
    });
    expect(statusOf(() => store.patch(PODS, "default", "a", "merge", { metadata: { uid: "other" } }))).toMatchObject({ code: 409 });
    expect(store.patch(PODS, "default", "a", "merge", { metadata: { annotations: { k: "v" } } }, { preconditions: { uid: object.metadata.uid ?? "" } }).object.metadata.annotations).toEqual({ k: "v" });
  });

  it("a no-op write keeps the resourceVersion and publishes nothing", () => {
    const { store } = setup();
    const { object } = store.create(PODS, "default", pod("a", { labels: { x: "1" } }));
    const events: string[] = [];
    store.watch(PODS, { resourceVersion: object.metadata.resourceVersion ?? "" }, (e) => events.push(e.type));
    expect(store.patch(PODS, "default", "a", "merge", { metadata: { labels: { x: "1" } } }).object).toBe(object);
    expect(store.update(PODS, "default", "a", object).object).toBe(object);
    expect(events).toEqual([]);
  });

  it("patch of a missing object is 404; strategic merge on a custom resource is 415", () => {
    const { store } = setup();
    expect(statusOf(() => store.patch(PODS, "default", "nope", "merge", {}))).toMatchObject({ code: 404, message: 'pods "nope" not found' });
    store.create(SGPS, "default", { apiVersion: "vpcresources.k8s.aws/v1beta1", kind: "SecurityGroupPolicy", metadata: { name: "p" }, spec: { securityGroups: { groupIds: ["sg-1"] } } });
    expect(statusOf(() => store.patch(SGPS, "default", "p", "strategic", { spec: {} }))).toMatchObject({ code: 415, reason: "UnsupportedMediaType" });
    expect(store.patch(SGPS, "default", "p", "json", [{ op: "replace", path: "/spec/securityGroups/groupIds/0", value: "sg-2" }]).object.spec).toEqual({ securityGroups: { groupIds: ["sg-2"] } });
  });

  it("strategic merge patches a pod's containers by name", () => {
    const { store } = setup();
    store.create(PODS, "default", { ...pod("a"), spec: { containers: [{ name: "app", image: "a:1" }, { name: "side", image: "s:1" }] } });
    const { object } = store.patch(PODS, "default", "a", "strategic", { spec: { containers: [{ name: "side", image: "s:2" }] } });
    expect((spec(object).containers as { image: string }[]).map((c) => c.image)).toEqual(["a:1", "s:2"]);
    expect(statusOf(() => store.patch(PODS, "default", "a", "strategic", { spec: { nodeName: "n1" } }))).toMatchObject({ code: 422, message: expect.stringContaining("pod updates may not change fields other than") });
  });

  it("writes to a pod ignore .status; writes to /status keep only .status", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a"));
    const main = store.patch(PODS, "default", "a", "merge", { status: { phase: "Running" }, metadata: { labels: { l: "1" } } }).object;
    expect(status(main).phase).toBe("Pending");
    expect(main.metadata.labels).toEqual({ l: "1" });
    const st = store.patch(PODS, "default", "a", "merge", { status: { phase: "Running", podIP: "10.0.0.5" }, metadata: { labels: { l: "2" } } }, { subresource: "status" }).object;
    expect(status(st)).toMatchObject({ phase: "Running", podIP: "10.0.0.5" });
    expect(st.metadata.labels).toEqual({ l: "1" });
    const n = store.create(NODES, "", node("n1", { pods: "29" })).object;
    expect(status(n).allocatable).toEqual({ pods: "29" });
    const n2 = store.patch(NODES, "", "n1", "merge", { status: { allocatable: { pods: "1" } } }).object;
    expect(status(n2).allocatable).toEqual({ pods: "29" });
    const cnd = store.create(CNINODES, "", { apiVersion: "vpcresources.k8s.aws/v1alpha1", kind: "CNINode", metadata: { name: "n1" }, spec: { features: [{ name: "SecurityGroupsForPods" }] }, status: { trunkInterface: { id: "eni-1" } } }).object;
    expect(cnd.status).toBeUndefined();
    expect(statusOf(() => store.patch(SGPS, "default", "x", "merge", {}, { subresource: "status" }))).toMatchObject({ code: 404 });
  });

  it("custom resources need a resourceVersion on PUT (422) and count generation on spec changes", () => {
    const { store } = setup();
    const created = store.create(CNINODES, "", { apiVersion: "vpcresources.k8s.aws/v1alpha1", kind: "CNINode", metadata: { name: "n1" }, spec: {} }).object;
    const { resourceVersion: _rv, ...meta } = created.metadata;
    void _rv;
    expect(statusOf(() => store.update(CNINODES, "", "n1", { ...created, metadata: meta }))).toMatchObject({ code: 422, message: expect.stringContaining("must be specified for an update") });
    const next = store.update(CNINODES, "", "n1", { ...created, spec: { features: [{ name: "SecurityGroupsForPods" }] } }).object;
    expect(next.metadata.generation).toBe(2);
    expect(store.patch(CNINODES, "", "n1", "merge", { metadata: { labels: { a: "b" } } }).object.metadata.generation).toBe(2);
  });
});

describe("store: pods/binding", () => {
  it("sets spec.nodeName once and the PodScheduled condition; a second binding is 409", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a"));
    const b = { apiVersion: "v1", kind: "Binding", metadata: { name: "a" }, target: { kind: "Node", name: "n1" } };
    const bound = store.bind("default", b);
    expect(spec(bound).nodeName).toBe("n1");
    expect(status(bound).conditions).toEqual([{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: "2025-03-01T12:00:00.000Z" }]);
    expect(statusOf(() => store.bind("default", { ...b, target: { kind: "Node", name: "n2" } }))).toEqual({
      code: 409,
      reason: "Conflict",
      message: 'Operation cannot be fulfilled on pods/binding "a": pod a is already assigned to node "n1"',
    });
    expect(statusOf(() => store.bind("default", { ...b, metadata: { name: "missing" } }))).toMatchObject({ code: 404 });
  });
});

describe("store: memory-mode options", () => {
  it("keepClientUid keeps a given uid, unique among live objects", () => {
    const store = createObjectStore({ clock: new FakeClock(0), keepClientUid: true });
    const withUid = (name: string, uid: string): K8sObject => ({ ...pod(name), metadata: { name, uid } });
    expect(store.create(PODS, "default", withUid("a", "u-1")).object.metadata.uid).toBe("u-1");
    expect(statusOf(() => store.create(PODS, "default", withUid("b", "u-1")))).toMatchObject({ code: 409, reason: "AlreadyExists" });
    store.delete(PODS, "default", "a");
    expect(store.create(PODS, "default", withUid("b", "u-1")).object.metadata.uid).toBe("u-1");
    // Without the option the server makes its own, as a real one does.
    const { store: real } = setup();
    expect(real.create(PODS, "default", withUid("a", "u-1")).object.metadata.uid).not.toBe("u-1");
  });
});

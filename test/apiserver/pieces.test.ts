// The API server's pure pieces: routes, discovery, OpenAPI, tables, ages, flags.
import { describe, expect, it } from "vitest";
import { apiGroupList, apiResourceList } from "../../apiserver/discovery.js";
import { openApi } from "../../apiserver/openapi.js";
import { isLoopback, parseListen, resolveApiServerFlags } from "../../apiserver/options.js";
import { route } from "../../apiserver/routes.js";
import { toTable } from "../../apiserver/table.js";
import { createObjectStore } from "../../cluster/store/index.js";
import { FakeClock } from "../../common/clock.js";

const store = createObjectStore({ clock: new FakeClock(0) });
const info = (plural: string) => store.resources().find((r) => r.plural === plural)!;

describe("routes", () => {
  const r = (p: string) => route(store, p);
  it("parses collections, objects, namespaces, subresources and the /watch/ prefix", () => {
    expect(r("/api/v1/namespaces/ns1/pods/web/status")).toMatchObject({ kind: "resource", r: { namespace: "ns1", name: "web", subresource: "status", watchPrefix: false, info: { plural: "pods" } } });
    expect(r("/api/v1/pods")).toMatchObject({ r: { namespace: "", name: "" } });
    expect(r("/api/v1/namespaces/kube-system")).toMatchObject({ r: { info: { plural: "namespaces" }, name: "kube-system", namespace: "" } });
    expect(r("/api/v1/namespaces/ns1/status")).toMatchObject({ r: { info: { plural: "namespaces" }, name: "ns1", subresource: "status" } });
    expect(r("/api/v1/watch/namespaces/ns1/pods")).toMatchObject({ r: { watchPrefix: true, namespace: "ns1" } });
    expect(r("/apis/vpcresources.k8s.aws/v1alpha1/cninodes/node-1")).toMatchObject({ r: { info: { kind: "CNINode" }, name: "node-1" } });
    expect(r("/apis/apps")).toEqual({ kind: "discovery", path: { group: "apps" } });
    expect(r("/openapi/v3/api/v1")).toEqual({ kind: "openapi", path: "v3/api/v1" });
  });
  it.each(["/", "/api/v2", "/api/v1/widgets", "/api/v1/namespaces/ns/nodes", "/api/v1/pods/x/exec", "/api/v1/namespaces/a/pods/b/c/d", "/apis/vpcresources.k8s.aws/v1alpha1/securitygrouppolicies"])("%s is 404", (p) => {
    expect(() => r(p)).toThrow("the server could not find the requested resource");
  });
});

describe("discovery and OpenAPI", () => {
  it("lists resources with verbs, short names, categories and subresources", () => {
    const v1 = apiResourceList(store.resources(), "", "v1") as { resources: Record<string, unknown>[] };
    expect(v1.resources.find((x) => x.name === "pods")).toMatchObject({ namespaced: true, kind: "Pod", shortNames: ["po"], categories: ["all"], verbs: expect.arrayContaining(["watch", "patch"]) });
    expect(v1.resources.find((x) => x.name === "pods/binding")).toMatchObject({ kind: "Binding", verbs: ["create"] });
    const groups = apiGroupList(store.resources()) as { groups: { name: string; preferredVersion: { version: string } }[] };
    expect(groups.groups.find((g) => g.name === "vpcresources.k8s.aws")?.preferredVersion.version).toBe("v1beta1");
  });
  it("publishes every kind with its GVK and a PATCH that takes fieldValidation", () => {
    const api = openApi(store.resources(), (i) => store.schemaOf({ group: i.group, plural: i.plural }));
    const index = api.doc("") as { paths: Record<string, { serverRelativeURL: string }> };
    expect(index.paths["apis/vpcresources.k8s.aws/v1beta1"]?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/vpcresources\.k8s\.aws\/v1beta1\?hash=[0-9A-F]+$/);
    const doc = api.doc("apis/vpcresources.k8s.aws/v1beta1") as { paths: Record<string, { patch?: { "x-kubernetes-group-version-kind": unknown; parameters: { name: string; in: string }[] } }>; components: { schemas: Record<string, Record<string, unknown>> } };
    const patch = doc.paths["/apis/vpcresources.k8s.aws/v1beta1/namespaces/{namespace}/securitygrouppolicies/{name}"]?.patch;
    expect(patch?.["x-kubernetes-group-version-kind"]).toEqual({ group: "vpcresources.k8s.aws", version: "v1beta1", kind: "SecurityGroupPolicy" });
    expect(patch?.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation", in: "query" }));
    expect(Object.values(doc.components.schemas)[0]?.["x-kubernetes-group-version-kind"]).toEqual([{ group: "vpcresources.k8s.aws", kind: "SecurityGroupPolicy", version: "v1beta1" }]);
  });
});

describe("tables", () => {
  const now = Date.parse("2025-03-01T12:10:00Z");
  const pod = (status: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", creationTimestamp: "2025-03-01T12:00:00Z", ...extra }, spec: { nodeName: "n1", containers: [{ name: "a" }, { name: "b" }] }, status });
  const cells = (o: Record<string, unknown>) => (toTable(info("pods"), [o as never], {}, now, "None") as { rows: { cells: unknown[] }[] }).rows[0]?.cells;
  it("derives READY, STATUS and RESTARTS like printPod", () => {
    expect(cells(pod({ phase: "Pending" }))).toEqual(["p", "0/2", "Pending", "0", "10m", "<none>", "n1", "<none>", "<none>"]);
    expect(cells(pod({ phase: "Pending", containerStatuses: [{ ready: false, restartCount: 1, state: { waiting: { reason: "ContainerCreating" } } }] }))?.slice(1, 4)).toEqual(["0/2", "ContainerCreating", "1"]);
    expect(cells(pod({ phase: "Running", podIP: "10.0.0.5", containerStatuses: [{ ready: true, state: { running: {} } }, { ready: true, state: { running: {} } }] }))?.slice(1, 6)).toEqual(["2/2", "Running", "0", "10m", "10.0.0.5"]);
    expect(cells(pod({ phase: "Running" }, { deletionTimestamp: "2025-03-01T12:11:00Z" }))?.[2]).toBe("Terminating");
  });
  it("prints events with the involved object and count", () => {
    const t = toTable(info("events"), [{ apiVersion: "v1", kind: "Event", metadata: { name: "e" }, involvedObject: { kind: "Pod", name: "p" }, type: "Warning", reason: "FailedScheduling", message: " m ", source: { component: "default-scheduler" }, firstTimestamp: "2025-03-01T12:00:00Z", lastTimestamp: "2025-03-01T12:09:00Z", count: 3 } as never], {}, now, "None") as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
    expect(t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(["Last Seen", "Type", "Reason", "Object", "Message"]);
    expect(t.rows[0]?.cells).toEqual(["60s", "Warning", "FailedScheduling", "pod/p", "", "default-scheduler", "m", "10m", 3, "e"]);
  });
});

describe("api-server flags", () => {
  it("parses listen addresses and knows loopback", () => {
    expect(parseListen("[::1]:6443")).toEqual({ host: "::1", port: 6443 });
    expect(parseListen("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "10.0.0.1", "::"].some(isLoopback)).toBe(false);
  });
  it("allows a remote address only with --allow-remote", () => {
    const base = { listen: "0.0.0.0:6443", kubeconfig: "/tmp/kc", scheduler: true, logLevel: "info" };
    expect(() => resolveApiServerFlags(base)).toThrow("needs --allow-remote");
    expect(resolveApiServerFlags({ ...base, allowRemote: true })).toMatchObject({ host: "0.0.0.0", port: 6443, kubeconfig: "/tmp/kc" });
  });
});

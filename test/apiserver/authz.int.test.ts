// The embedded API server's authorization hook: extra tokens name their users, every resource
// request reaches the decision function with the attributes RBAC uses (verb, group, resource,
// subresource, namespace, name), and a refusal is the real 403 Status, changing nothing.
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_USER, forbidden, requestAttributes } from "../../apiserver/authz.js";
import type { RequestAttributes } from "../../apiserver/authz.js";
import { makeServingCert, startApiServer } from "../../apiserver/index.js";
import type { ApiServer } from "../../apiserver/index.js";
import { createObjectStore } from "../../cluster/store/index.js";
import type { ObjectStore } from "../../cluster/store/index.js";
import { systemClock } from "../../common/clock.js";

const tls = makeServingCert(["127.0.0.1"]);

function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    const req = request(new URL(path, url), { method, headers, ca: tls.caPem }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => void (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe("api-server authorization hook", () => {
  let store: ObjectStore;
  let server: ApiServer;
  const seen: RequestAttributes[] = [];

  beforeAll(async () => {
    store = createObjectStore({ clock: systemClock });
    server = await startApiServer({
      store, host: "127.0.0.1", port: 0, token: "admin-token", tls,
      users: new Map([["alice-token", "system:serviceaccount:kube-system:alice"]]),
      authorize: (a) => {
        seen.push(a);
        return a.user === ADMIN_USER || (a.resource === "pods" && a.verb === "get");
      },
    });
    await call(server.url, "admin-token", "POST", "/api/v1/namespaces/default/pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i" }] } });
  });
  afterAll(async () => server?.close());

  it("lets the admin token do everything and passes the other token's user on", async () => {
    expect((await call(server.url, "alice-token", "GET", "/api/v1/namespaces/default/pods/p")).status).toBe(200);
    expect(seen.at(-1)).toEqual({ user: "system:serviceaccount:kube-system:alice", verb: "get", apiGroup: "", resource: "pods", subresource: "", namespace: "default", name: "p" });
    expect((await call(server.url, "nobody", "GET", "/api/v1/namespaces/default/pods/p")).status).toBe(401);
  });

  it("answers a refused request with the RBAC authorizer's 403 and changes nothing", async () => {
    const before = store.get({ group: "", plural: "pods" }, "default", "p").metadata.resourceVersion;
    const r = await call(server.url, "alice-token", "PATCH", "/api/v1/namespaces/default/pods/p", { metadata: { labels: { a: "b" } } });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({
      kind: "Status", reason: "Forbidden", code: 403,
      message: 'pods "p" is forbidden: User "system:serviceaccount:kube-system:alice" cannot patch resource "pods" in API group "" in the namespace "default"',
    });
    expect(store.get({ group: "", plural: "pods" }, "default", "p").metadata.resourceVersion).toBe(before);
    const list = await call(server.url, "alice-token", "GET", "/apis/vpcresources.k8s.aws/v1alpha1/cninodes?watch=true");
    expect(list.json.message).toBe('cninodes.vpcresources.k8s.aws is forbidden: User "system:serviceaccount:kube-system:alice" cannot watch resource "cninodes" in API group "vpcresources.k8s.aws" at the cluster scope');
  });
});

describe("requestAttributes", () => {
  const info = { group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false } as Parameters<typeof requestAttributes>[2]["info"];
  const route = (name: string, subresource = "", watchPrefix = false) => ({ info, namespace: "", name, subresource, watchPrefix });
  const q = (s = "") => new URLSearchParams(s);

  it("derives the verb from the method, the path and ?watch, as requestinfo.go", () => {
    expect(requestAttributes("u", "GET", route("n"), q()).verb).toBe("get");
    expect(requestAttributes("u", "GET", route(""), q()).verb).toBe("list");
    expect(requestAttributes("u", "GET", route(""), q("watch=1")).verb).toBe("watch");
    expect(requestAttributes("u", "GET", route("", "", true), q()).verb).toBe("watch");
    expect(requestAttributes("u", "POST", route(""), q()).verb).toBe("create");
    expect(requestAttributes("u", "PUT", route("n"), q()).verb).toBe("update");
    expect(requestAttributes("u", "PATCH", route("n", "status"), q())).toMatchObject({ verb: "patch", subresource: "status" });
    expect(requestAttributes("u", "DELETE", route("n"), q()).verb).toBe("delete");
    expect(requestAttributes("u", "DELETE", route(""), q()).verb).toBe("deletecollection");
  });

  it("names a subresource in the refusal as resource/subresource", () => {
    expect(forbidden(requestAttributes("u", "PATCH", route("n", "status"), q())).message)
      .toBe('nodes "n" is forbidden: User "u" cannot patch resource "nodes/status" in API group "" at the cluster scope');
  });
});

// Bad input to the api-server process: each request gets a metav1.Status with the right code and
// reason, the target object keeps its resourceVersion, and the server keeps serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedApiServer } from "../helpers/apiserver.js";
import { startApiServerProcess } from "../helpers/apiserver.js";

const POD = "/api/v1/namespaces/default/pods";
const pod = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, ...extra }, spec: { containers: [{ name: "app", image: "pause" }] } });

describe("api-server: bad input", () => {
  let s: StartedApiServer;
  let rv = "";
  beforeAll(async () => {
    s = await startApiServerProcess({ args: ["--no-scheduler"] });
    const created = await s.http("POST", POD, { body: pod("target"), contentType: "application/json" });
    expect(created.status).toBe(201);
    rv = String((created.json?.metadata as { resourceVersion: string }).resourceVersion);
  });
  afterAll(async () => {
    expect(await s.stop()).toBe(0);
  });

  const big = Buffer.alloc(4 * 1024 * 1024, "a");
  const cases: [string, string, string, { body?: string | Buffer; contentType?: string; auth?: boolean }, number, string][] = [
    ["malformed JSON on create", "POST", POD, { body: "{bad", contentType: "application/json" }, 400, "BadRequest"],
    ["malformed JSON on update", "PUT", `${POD}/target`, { body: "{bad", contentType: "application/json" }, 400, "BadRequest"],
    ["the wrong kind for the URL", "POST", POD, { body: JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "x" } }), contentType: "application/json" }, 400, "BadRequest"],
    ["the wrong apiVersion for the URL", "POST", POD, { body: pod("x").replace('"v1"', '"apps/v1"'), contentType: "application/json" }, 400, "BadRequest"],
    ["a custom resource without kind", "POST", "/apis/vpcresources.k8s.aws/v1beta1/namespaces/default/securitygrouppolicies", { body: JSON.stringify({ metadata: { name: "x" }, spec: { securityGroups: { groupIds: ["sg-1"] } } }), contentType: "application/json" }, 400, "BadRequest"],
    ["an unknown resource", "GET", "/api/v1/namespaces/default/widgets", {}, 404, "NotFound"],
    ["an unknown group", "GET", "/apis/example.com/v1/widgets", {}, 404, "NotFound"],
    ["a bad escape in the path", "GET", "/api/v1/namespaces/%zz/pods", {}, 404, "NotFound"],
    ["a patch of a missing object", "PATCH", `${POD}/missing`, { body: "{}", contentType: "application/merge-patch+json" }, 404, "NotFound"],
    ["a stale resourceVersion", "PUT", `${POD}/target`, { body: pod("target", { resourceVersion: "1", labels: { a: "b" } }), contentType: "application/json" }, 409, "Conflict"],
    ["a stale resourceVersion in a patch", "PATCH", `${POD}/target`, { body: JSON.stringify({ metadata: { resourceVersion: "1", labels: { a: "b" } } }), contentType: "application/merge-patch+json" }, 409, "Conflict"],
    ["a body over the limit", "PUT", `${POD}/target`, { body: big, contentType: "application/json" }, 413, "RequestEntityTooLarge"],
    ["an unsupported media type on create", "POST", POD, { body: "x", contentType: "text/plain" }, 415, "UnsupportedMediaType"],
    ["an unsupported patch type", "PATCH", `${POD}/target`, { body: "{}", contentType: "application/json" }, 415, "UnsupportedMediaType"],
    ["server-side apply", "PATCH", `${POD}/target`, { body: "{}", contentType: "application/apply-patch+yaml" }, 415, "UnsupportedMediaType"],
    ["POST on an object", "POST", `${POD}/target`, { body: pod("target"), contentType: "application/json" }, 405, "MethodNotAllowed"],
    ["PUT on a collection", "PUT", POD, { body: pod("target"), contentType: "application/json" }, 405, "MethodNotAllowed"],
    ["no token", "DELETE", `${POD}/target`, { auth: false }, 401, "Unauthorized"],
    ["an invalid pod", "PUT", `${POD}/target`, { body: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "target" }, spec: { containers: [] } }), contentType: "application/json" }, 422, "Invalid"],
    ["a JSON patch whose test fails", "PATCH", `${POD}/target`, { body: JSON.stringify([{ op: "test", path: "/metadata/name", value: "other" }]), contentType: "application/json-patch+json" }, 422, "Invalid"],
    ["a JSON patch that is not a list", "PATCH", `${POD}/target`, { body: "{}", contentType: "application/json-patch+json" }, 400, "BadRequest"],
    ["a merge patch that is not an object", "PATCH", `${POD}/target`, { body: "[1]", contentType: "application/merge-patch+json" }, 400, "BadRequest"],
    ["a bad label selector", "GET", `${POD}?labelSelector=${encodeURIComponent("a in (")}`, {}, 400, "BadRequest"],
    ["an unknown field selector", "GET", `${POD}?fieldSelector=spec.nope%3Dx`, {}, 400, "BadRequest"],
    ["a bad dryRun value", "DELETE", `${POD}/target?dryRun=Yes`, {}, 400, "BadRequest"],
    ["a name that differs from the URL", "PUT", `${POD}/target`, { body: pod("other"), contentType: "application/json" }, 400, "BadRequest"],
    ["strict field validation", "PUT", `${POD}/target?fieldValidation=Strict`, { body: pod("target", { bogus: 1 }), contentType: "application/json" }, 400, "BadRequest"],
  ];

  it.each(cases)("%s → a Status, nothing changed", async (_what, method, path, opts, code, reason) => {
    const r = await s.http(method, path, opts);
    expect(r.status).toBe(code);
    expect(r.json).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason });
    expect(typeof r.json?.message).toBe("string");
    const after = await s.http("GET", `${POD}/target`);
    expect((after.json?.metadata as { resourceVersion: string }).resourceVersion).toBe(rv);
    expect((await s.http("GET", POD)).json?.items).toHaveLength(1);
  });

  it("the stale-version Conflict and the missing-object NotFound carry the real messages", async () => {
    const stale = await s.http("PUT", `${POD}/target`, { body: pod("target", { resourceVersion: "1" }), contentType: "application/json" });
    expect(stale.json?.message).toBe('Operation cannot be fulfilled on pods "target": the object has been modified; please apply your changes to the latest version and try again');
    const missing = await s.http("PATCH", `${POD}/missing`, { body: "{}", contentType: "application/merge-patch+json" });
    expect(missing.json).toMatchObject({ message: 'pods "missing" not found', details: { name: "missing", kind: "pods" } });
  });

  it("a watch from a resourceVersion the server has not reached ends with one ERROR event", async () => {
    const r = await s.http("GET", `${POD}?watch=true&resourceVersion=999999`);
    expect(r.status).toBe(200);
    const lines = r.text.trim().split("\n").map((l) => JSON.parse(l) as { type: string; object: { code: number } });
    expect(lines).toEqual([{ type: "ERROR", object: expect.objectContaining({ kind: "Status", code: 504 }) }]);
  });

  it("a built-in kind's body without apiVersion and kind takes the URL's (the real decoder's defaults)", async () => {
    const r = await s.http("POST", POD, { body: JSON.stringify({ metadata: { name: "untyped" }, spec: { containers: [{ name: "c", image: "pause" }] } }), contentType: "application/json" });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ apiVersion: "v1", kind: "Pod", metadata: { name: "untyped" } });
  });

  it("still serves after all of it", async () => {
    expect((await s.http("GET", "/readyz", { auth: false })).text).toBe("ok");
    expect((await s.http("GET", `${POD}/target`)).status).toBe(200);
  });
});

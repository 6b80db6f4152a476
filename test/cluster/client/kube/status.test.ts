// API errors as the kube backend reports them: the HarnessError kind from the status code and
// reason, the Status message and causes kept; transport failures as unavailable or deadline.

import { describe, expect, it } from "vitest";
import { statusError, transportError } from "../../../../cluster/client/kube/status.js";
import { collectionPath, itemPath } from "../../../../cluster/client/kube/resource.js";
import { CNINODES, EVENTS, NODES, PODS, SGPS } from "../../../../cluster/k8s/index.js";

const status = (code: number, reason: string, message: string, causes?: unknown[]) =>
  JSON.stringify({ apiVersion: "v1", kind: "Status", metadata: {}, status: "Failure", code, reason, message, ...(causes === undefined ? {} : { details: { causes } }) });

describe("kube backend: Status to HarnessError", () => {
  it.each([
    [404, "NotFound", "not-found"],
    [409, "AlreadyExists", "already-exists"],
    [409, "Conflict", "conflict"],
    [410, "Expired", "expired"],
    [422, "Invalid", "invalid"],
    [400, "BadRequest", "invalid-argument"],
    [403, "Forbidden", "forbidden"],
    [401, "Unauthorized", "unauthorized"],
    [429, "TooManyRequests", "too-many-requests"],
    [503, "ServiceUnavailable", "unavailable"],
    [500, "InternalError", "internal"],
  ])("%i %s -> %s", (code, reason, kind) => {
    const e = statusError(code, status(code, reason, `the message ${code}`), "GET pods ns/a");
    expect(e.kind).toBe(kind);
    expect(e.message).toBe(`the message ${code}`);
    expect(e.details).toBe(`GET pods ns/a: HTTP ${code} ${reason}`);
  });

  it("keeps the causes of a 422 and the text of a body that is not a Status", () => {
    const e = statusError(422, status(422, "Invalid", 'Pod "a" is invalid', [{ field: "metadata.uid", message: "field is immutable", reason: "FieldValueInvalid" }]), "PATCH pods ns/a");
    expect(e.causes).toEqual([{ field: "metadata.uid", message: "field is immutable", reason: "FieldValueInvalid" }]);
    expect(statusError(502, "<html>bad gateway</html>", "GET x")).toMatchObject({ kind: "unavailable", message: "<html>bad gateway</html>" });
  });

  it("a request without an answer: deadline when ours fired, else unavailable with the system code", () => {
    expect(transportError(new Error("aborted"), "GET pods", true).kind).toBe("deadline");
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(transportError(refused, "GET pods", false)).toMatchObject({ kind: "unavailable", details: "ECONNREFUSED" });
  });
});

describe("kube backend: REST paths", () => {
  it("core, custom, namespaced and cluster-scoped resources", () => {
    expect(itemPath(PODS, { namespace: "sgp", name: "web" }, "binding")).toBe("/api/v1/namespaces/sgp/pods/web/binding");
    expect(collectionPath(PODS, "")).toBe("/api/v1/pods");
    expect(itemPath(NODES, { namespace: "", name: "n1" }, "status")).toBe("/api/v1/nodes/n1/status");
    expect(collectionPath(EVENTS, "default")).toBe("/api/v1/namespaces/default/events");
    expect(itemPath(SGPS, { namespace: "ns", name: "p" })).toBe("/apis/vpcresources.k8s.aws/v1beta1/namespaces/ns/securitygrouppolicies/p");
    expect(itemPath(CNINODES, { namespace: "", name: "n1" })).toBe("/apis/vpcresources.k8s.aws/v1alpha1/cninodes/n1");
  });
});

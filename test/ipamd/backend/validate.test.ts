// The daemon checks a request's key and the pod's identity with the plugin's rules (common/boundary),
// and never echoes a huge field back (issue #10: a 128 KiB field in a gRPC status stalled the channel).
import { describe, expect, it } from "vitest";
import { leaseKeyOf } from "../../../ipamd/backend/validate.js";

const req = (over: Record<string, unknown> = {}) => ({
  K8S_POD_NAME: "web-1", K8S_POD_NAMESPACE: "default", K8S_POD_INFRA_CONTAINER_ID: "c1", K8S_POD_UID: "356cb17a-5c29-4197-8d29-819b4032788e",
  ContainerID: "c1", IfName: "eth0", NetworkName: "aws-cni", ...over,
});

describe("leaseKeyOf", () => {
  it("gives the key of a well-formed request, with or without the pod's identity", () => {
    expect(leaseKeyOf(req(), "DelNetwork")).toEqual({ containerID: "c1", ifName: "eth0", networkName: "aws-cni" });
    expect(leaseKeyOf(req({ K8S_POD_NAME: "", K8S_POD_NAMESPACE: "", K8S_POD_UID: "" }), "AddNetwork").containerID).toBe("c1");
  });

  it.each([
    ["K8S_POD_NAME", "Web_1", /invalid K8S_POD_NAME: pod name "Web_1" is not a DNS-1123 subdomain/],
    ["K8S_POD_NAME", "a".repeat(254), /invalid K8S_POD_NAME: pod name is 254 characters long; at most 253/],
    ["K8S_POD_NAMESPACE", "kube.system", /invalid K8S_POD_NAMESPACE/],
    ["K8S_POD_UID", "uid with spaces", /invalid K8S_POD_UID/],
    ["IfName", "'rq'", /invalid IfName/],
    ["IfName", "eth0\\", /invalid IfName/],
    ["ContainerID", "c1\nx", /invalid ContainerID: invalid characters in container id "c1\\nx"/],
  ])("refuses %s %j as invalid-argument, naming the field", (field, value, why) => {
    expect(() => leaseKeyOf(req({ [field]: value }), "AddNetwork")).toThrow(expect.objectContaining({ kind: "invalid-argument", message: expect.stringMatching(why) }));
  });

  it("quotes at most a few dozen characters of a huge field in its error", () => {
    let message = "";
    try {
      leaseKeyOf(req({ NetworkName: `-${"n".repeat(128 * 1024)}` }), "AddNetwork");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^AddNetwork: invalid NetworkName/);
    expect(message.length).toBeLessThan(600);
  });
});

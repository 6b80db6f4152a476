// The pod-eni annotation as ipamd reads it: element 0 only, Go's case-insensitive keys, the
// required fields, and the subnet gateway (base + 1).

import { describe, expect, it } from "vitest";
import { parseBranchAnnotation, subnetGateway } from "../../../ipamd/backend/index.js";

describe("pod-eni annotation", () => {
  it("reads element 0 of the controller's JSON, current fields included", () => {
    const v = JSON.stringify([
      { eniId: "eni-05fe", ifAddress: "06:74:5b:7b:54:3a", privateIp: "10.105.49.186", ipv6Addr: "", vlanId: 2, subnetCidr: "10.105.49.128/26", subnetV6Cidr: "", associationID: "trunk-assoc-1" },
      { eniId: "eni-other", ifAddress: "06:00:00:00:00:01", privateIp: "10.0.0.9", vlanId: 9, subnetCidr: "10.0.0.0/24" },
    ]);
    expect(parseBranchAnnotation(v)).toEqual({
      ok: true,
      eni: { eniId: "eni-05fe", mac: "06:74:5b:7b:54:3a", privateIp: "10.105.49.186", vlanId: 2, subnetCidr: "10.105.49.128/26", subnetGateway: "10.105.49.129" },
    });
  });

  it("matches keys case-insensitively like encoding/json (vlanID, PRIVATEIP)", () => {
    const r = parseBranchAnnotation('[{"IFADDRESS":"0a:00:00:00:00:01","PrivateIP":"10.0.32.5","vlanID":120,"SubnetCidr":"10.0.32.0/19"}]');
    expect(r).toMatchObject({ ok: true, eni: { vlanId: 120, privateIp: "10.0.32.5", subnetGateway: "10.0.32.1" } });
  });

  it.each([
    ["not json", /not JSON/],
    ["[]", /non-empty JSON array/],
    ['{"vlanId":1}', /non-empty JSON array/],
    ['[{"ifAddress":"0a:00:00:00:00:01","privateIp":"10.0.0.5","vlanId":0,"subnetCidr":"10.0.0.0/24"}]', /missing privateIp, ifAddress or vlanID/],
    ['[{"ifAddress":"0a:00:00:00:00:01","privateIp":"10.0.0.5","vlanId":"3","subnetCidr":"10.0.0.0/24"}]', /missing/],
    ['[{"ifAddress":"0a:00:00:00:00:01","privateIp":"10.0.0.5","vlanId":3,"subnetCidr":"10.0.0.0"}]', /invalid subnetCidr/],
  ])("refuses %s", (value, problem) => {
    const r = parseBranchAnnotation(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  it("computes the subnet gateway as base + 1", () => {
    expect(subnetGateway("10.0.32.77/19")).toBe("10.0.32.1");
    expect(subnetGateway("192.168.1.200/25")).toBe("192.168.1.129");
    expect(subnetGateway("10.0.0.0/33")).toBeUndefined();
    expect(subnetGateway("300.0.0.0/8")).toBeUndefined();
  });
});

// ipamd's replies parsed into typed values (issue #10): every field that reaches a command is
// checked, and a hostile one is a problem naming the field, never a value.
import { describe, expect, it } from "vitest";
import { addReply } from "../../../ipamd/backend/replies.js";
import type { DelNetworkReply } from "../../../proto/rpc.js";
import { parseAddReply, parseDelReply } from "../../../plugin/verbs/reply.js";

const meta = (IPv4Addr: string, DeviceNumber = 0, RouteTableId = 0) => [{ IPv4Addr, IPv6Addr: "", DeviceNumber, RouteTableId }];
const branch = { PodVlanId: 5, PodENIMAC: "0A:58:0A:D4:08:05", PodENISubnetGW: "10.212.8.1", ParentIfIndex: 7 };
const del = (fields: Partial<DelNetworkReply>): DelNetworkReply => ({ Success: true, IPAllocationMetadata: [], PodVlanId: 0, NetworkPolicyMode: "", ...fields });

describe("parseAddReply", () => {
  it("an ordinary pod: the IP and the host table (main on device 0, RouteTableId or device+1 otherwise)", () => {
    expect(parseAddReply(addReply({ Success: true, IPAllocationMetadata: meta("10.0.0.5") }))).toEqual({ ok: true, value: { ipv4: "10.0.0.5", deviceNumber: 0, routeTable: 254 } });
    expect(parseAddReply(addReply({ Success: true, IPAllocationMetadata: meta("10.0.0.5", 2, 0) }))).toMatchObject({ value: { routeTable: 3 } });
    expect(parseAddReply(addReply({ Success: true, IPAllocationMetadata: meta("10.0.0.5", 2, 9) }))).toMatchObject({ value: { routeTable: 9 } });
  });

  it("a branch pod: VLAN, lower-cased MAC, gateway, trunk ifindex; table vlanId+100", () => {
    expect(parseAddReply(addReply({ Success: true, IPAllocationMetadata: meta("10.212.8.9", -1), ...branch }))).toEqual({
      ok: true,
      value: { ipv4: "10.212.8.9", deviceNumber: -1, routeTable: 105, branch: { vlanId: 5, eniMac: "0a:58:0a:d4:08:05", subnetGateway: "10.212.8.1", parentIfIndex: 7 } },
    });
  });

  it("ParentIfIndex 0 (a daemon without host links) means no known trunk link, not an error", () => {
    expect(parseAddReply(addReply({ Success: true, IPAllocationMetadata: meta("10.212.8.9", -1), ...branch, ParentIfIndex: 0 }))).toMatchObject({ ok: true, value: { branch: { parentIfIndex: undefined } } });
  });

  it("no IPv4 address: no lease", () => {
    expect(parseAddReply(addReply({ Success: true }))).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ["IPv4Addr with a newline and netns exec", { IPAllocationMetadata: meta("10.255.255.254/32 dev lo table 199\nnetns add x\n#") }, /IPv4Addr/],
    ["IPv4Addr with a prefix", { IPAllocationMetadata: meta("10.0.0.5/32") }, /IPv4Addr/],
    ["PodENISubnetGW with a newline", { IPAllocationMetadata: meta("10.212.8.9"), ...branch, PodENISubnetGW: "10.0.0.1\nlink add evil0 type veth" }, /PodENISubnetGW/],
    ["PodENIMAC with words after it", { IPAllocationMetadata: meta("10.212.8.9"), ...branch, PodENIMAC: "0a:58:0a:d4:08:05 type veth" }, /PodENIMAC/],
    ["PodVlanId 5000", { IPAllocationMetadata: meta("10.212.8.9"), ...branch, PodVlanId: 5000 }, /PodVlanId/],
    ["PodVlanId -1", { IPAllocationMetadata: meta("10.212.8.9"), ...branch, PodVlanId: -1 }, /PodVlanId/],
    ["ParentIfIndex -1", { IPAllocationMetadata: meta("10.212.8.9"), ...branch, ParentIfIndex: -1 }, /ParentIfIndex/],
    ["a negative RouteTableId on a secondary ENI", { IPAllocationMetadata: meta("10.0.0.5", 2, -7) }, undefined],
  ])("refuses %s", (_n, fields, names) => {
    const p = parseAddReply(addReply({ Success: true, ...fields }));
    if (names === undefined) {
      // device+1 is used when RouteTableId is not positive (the real plugin's rule): still typed.
      expect(p).toMatchObject({ ok: true, value: { routeTable: 3 } });
      return;
    }
    expect(p).toMatchObject({ ok: false, problem: expect.stringMatching(names) });
  });
});

describe("parseDelReply", () => {
  it("ordinary and branch pods; no IP means nothing to tear down", () => {
    expect(parseDelReply(del({ IPAllocationMetadata: meta("10.0.0.5", 1, 2) }))).toEqual({ ok: true, value: { ipv4: "10.0.0.5", vlanId: 0, routeTable: 2 } });
    expect(parseDelReply(del({ IPAllocationMetadata: meta("10.0.0.5"), PodVlanId: 3 }))).toEqual({ ok: true, value: { ipv4: "10.0.0.5", vlanId: 3 } });
    expect(parseDelReply(del({}))).toEqual({ ok: true, value: undefined });
  });

  it("refuses a hostile IPv4Addr or VLAN id", () => {
    expect(parseDelReply(del({ IPAllocationMetadata: meta("10.9.9.8\nlink add evil0 type veth") }))).toMatchObject({ ok: false });
    expect(parseDelReply(del({ IPAllocationMetadata: meta("10.9.9.8"), PodVlanId: 9999 }))).toMatchObject({ ok: false });
  });
});

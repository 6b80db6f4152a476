import { describe, expect, it } from "vitest";
import { diffFabric } from "../../../ipamd/fabric/diff.js";
import { planFabric } from "../../../ipamd/fabric/plan.js";
import { renderOp } from "../../../ipamd/fabric/render.js";
import type { FabricState } from "../../../ipamd/fabric/types.js";
import { parseRouting } from "../../../ipamd/fabric/view.js";
import { A, VIEW } from "./fixtures.js";

const EMPTY: FabricState = { routes: [], neighs: [], addrs: [], rules: [], sysctls: [] };

describe("fabric plan: this node's share of the VPC's routing", () => {
  it("routes every address of another instance to it: its primary on the link, the rest via the primary", () => {
    const p = planFabric(VIEW, { instanceId: A, uplink: "eth0" });
    expect(p.state.routes).toEqual([
      { dst: "10.0.0.8", dev: "eth0" },
      { dst: "10.0.0.9", dev: "eth0", via: "10.0.0.8" },
      { dst: "10.0.0.10", dev: "eth0", via: "10.0.0.8" },
      { dst: "10.0.32.5", dev: "eth0", via: "10.0.0.8" },
    ]);
    expect(p.selfAddress).toBe("10.0.0.4");
    // No trunk yet: nothing on a trunk side, only the catch-all rule.
    expect(p.state.neighs).toEqual([]);
    expect(p.state.rules).toEqual([{ prio: 30000, table: 5000 }]);
    expect(p.conflicts).toEqual([]);
  });

  it("puts its own branch ENIs on the trunk's VPC side: route, the ENI's MAC as neighbour, the subnet gateway", () => {
    const p = planFabric(VIEW, { instanceId: A, uplink: "eth0", trunkPeer: "mh-trunk1p" });
    expect(p.state.routes).toContainEqual({ dst: "10.0.32.4", dev: "mh-trunk1p" });
    expect(p.state.neighs).toEqual([{ ip: "10.0.32.4", mac: "02:aa:00:00:00:03", dev: "mh-trunk1p" }]);
    expect(p.state.addrs).toEqual([{ ip: "10.0.32.1", dev: "mh-trunk1p" }]);
    expect(p.state.rules).toEqual([
      { prio: 30000, table: 5000 },
      { prio: 1000, table: 5000, iif: "mh-trunk1p" },
      { prio: 1001, table: 254, iif: "mh-trunk1p" },
    ]);
    expect(p.state.sysctls).toEqual([{ dev: "mh-trunk1p", key: "accept_local", value: "1" }, { dev: "mh-trunk1p", key: "rp_filter", value: "0" }]);
    // Its own ordinary addresses are the plugin's business, not the fabric's.
    expect(p.state.routes.map((r) => r.dst)).not.toContain("10.0.0.5");
  });

  it("reports an address two interfaces claim and keeps the first claim", () => {
    const twice = { ...VIEW, interfaces: [...VIEW.interfaces, { ...VIEW.interfaces[4]!, eniId: "eni-0b0000000000000b7", ips: ["10.0.0.9"] }] };
    expect(planFabric(twice, { instanceId: A, uplink: "eth0" }).conflicts).toEqual(["10.0.0.9"]);
  });
});

describe("fabric diff and render: from what the node has to what is wanted", () => {
  it("adds everything on an empty node, neighbour before route, as ip -batch lines", () => {
    const p = planFabric(VIEW, { instanceId: A, uplink: "eth0", trunkPeer: "mh-trunk1p" });
    const ops = diffFabric({ want: p.state, have: EMPTY, selfAddress: { ip: "10.0.0.4", dev: "eth0", present: false } });
    const lines = ops.map(renderOp);
    expect(lines).toEqual([
      undefined,
      undefined,
      "addr add 10.0.0.4/32 dev eth0",
      "addr add 10.0.32.1/32 dev mh-trunk1p scope link",
      "rule add lookup 5000 prio 30000",
      "rule add iif mh-trunk1p lookup 5000 prio 1000",
      "rule add iif mh-trunk1p lookup 254 prio 1001",
      "neigh replace 10.0.32.4 lladdr 02:aa:00:00:00:03 dev mh-trunk1p nud permanent",
      "route replace 10.0.0.8/32 dev eth0 scope link table 5000",
      "route replace 10.0.0.9/32 via 10.0.0.8 dev eth0 onlink table 5000",
      "route replace 10.0.0.10/32 via 10.0.0.8 dev eth0 onlink table 5000",
      "route replace 10.0.32.4/32 dev mh-trunk1p scope link table 5000",
      "route replace 10.0.32.5/32 via 10.0.0.8 dev eth0 onlink table 5000",
    ]);
    expect(ops.slice(0, 2).map((o) => o.op)).toEqual(["sysctl", "sysctl"]);
  });

  it("does nothing when the node is up to date, and removes only what is no longer wanted", () => {
    const p = planFabric(VIEW, { instanceId: A, uplink: "eth0", trunkPeer: "mh-trunk1p" });
    expect(diffFabric({ want: p.state, have: p.state, selfAddress: { ip: "10.0.0.4", dev: "eth0", present: true } })).toEqual([]);
    // node-b's secondary ENI moved away (10.0.0.9/10 gone) and a stale neighbour and rule are left.
    const have: FabricState = {
      ...p.state,
      neighs: [...p.state.neighs, { ip: "10.0.32.9", mac: "02:aa:00:00:00:09", dev: "mh-trunk1p" }],
      rules: [...p.state.rules, { prio: 1000, table: 5000, iif: "mh-trunk4p" }],
    };
    const want = { ...p.state, routes: p.state.routes.filter((r) => r.dst !== "10.0.0.9" && r.dst !== "10.0.0.10") };
    expect(diffFabric({ want, have }).map(renderOp)).toEqual([
      "route del 10.0.0.9/32 table 5000",
      "route del 10.0.0.10/32 table 5000",
      "neigh del 10.0.32.9 dev mh-trunk1p",
      "rule del iif mh-trunk4p lookup 5000 prio 1000",
    ]);
  });

  it("replaces a route whose next hop changed instead of deleting it", () => {
    const p = planFabric(VIEW, { instanceId: A, uplink: "eth0" });
    const have = { ...p.state, routes: p.state.routes.map((r) => (r.dst === "10.0.32.5" ? { ...r, via: "10.0.0.99" } : r)) };
    expect(diffFabric({ want: p.state, have }).map(renderOp)).toEqual(["route replace 10.0.32.5/32 via 10.0.0.8 dev eth0 onlink table 5000"]);
  });
});

describe("fabric view: mock-ec2's reply checked at the edge", () => {
  const base = { version: "v", vpcId: "vpc-1", cidrs: [], instances: [], interfaces: [] };
  const eni = { eniId: "eni-0123456789abcdef0", interfaceType: "interface" as const, macAddress: "02:00:00:00:00:01", subnetCidr: "10.0.0.0/19", ips: ["10.0.0.5"], instanceId: A };
  it.each([
    ["an address with a newline", { ...eni, ips: ["10.0.0.5\nroute flush table main"] }, /not an IPv4 address/],
    ["a MAC with a space", { ...eni, macAddress: "02:00:00:00:00:01 dev lo" }, /not a MAC address/],
    ["an instance id with shell text", { ...eni, instanceId: "i-$(reboot)" }, /not an EC2 id/],
    ["a branch without a VLAN", { ...eni, interfaceType: "branch" as const }, /VLAN id/],
    ["a subnet that is no CIDR", { ...eni, subnetCidr: "10.0.0.0" }, /not a subnet CIDR/],
  ])("refuses the whole view for %s", (_what, bad, message) => {
    expect(() => parseRouting({ ...base, interfaces: [eni, bad] })).toThrow(message);
  });

  it("normalizes what it keeps: MACs lower case, addresses re-printed", () => {
    const v = parseRouting({ ...base, interfaces: [{ ...eni, macAddress: "02:AB:CD:EF:00:01" }] });
    expect(v.interfaces[0]?.mac).toBe("02:ab:cd:ef:00:01");
    expect(v.interfaces[0]?.subnetGateway).toBe("10.0.0.1");
  });
});

// The command plans, checked line by line: the real path (802.1Q) stays right even though this
// kernel can only run the macvlan fallback.
import { describe, expect, it } from "vitest";
import type { IfName, Mac, TableId } from "../../../common/boundary/index.js";
import { render } from "../../../plugin/dataplane/ops.js";
import { buildSetupPlan as buildOps, buildTeardownPlan as buildTeardownOps, undoOps, type PlanStep, type SetupContext } from "../../../plugin/dataplane/plan.js";
import type { TeardownSpec } from "../../../plugin/dataplane/types.js";
import { branchPod, ordinary } from "./fixtures.js";

const macs: SetupContext = { hostMac: "02:aa:aa:aa:aa:aa" as Mac, containerMac: "02:bb:bb:bb:bb:bb" as Mac };
const trunk0 = "trunk0" as IfName;
const td = (o: object): TeardownSpec => o as TeardownSpec;
// The plans as `ip -batch` lines: what these tests were written against, and what iproute2 runs.
type LineStep = { line: string; undo?: string; existsOk?: boolean };
const asLine = (s: PlanStep): LineStep => ({ line: render(s.op), ...(s.undo === undefined ? {} : { undo: render(s.undo) }), ...(s.existsOk === undefined ? {} : { existsOk: s.existsOk }) });
const buildSetupPlan = (...a: Parameters<typeof buildOps>) => {
  const p = buildOps(...a);
  return { host: p.host.map(asLine), pod: p.pod.map(render), steps: p.host };
};
const undoLines = (steps: PlanStep[]) => undoOps(steps).map(render);
const buildTeardownPlan = (spec: TeardownSpec) => {
  const p = buildTeardownOps(spec);
  return { pod: p.pod.map(render), host: p.host.map(render) };
};

describe("buildSetupPlan, ordinary pod", () => {
  it("creates the veth pair with its container end inside the netns, then routes and rules", () => {
    const p = buildSetupPlan(ordinary, macs);
    expect(p.host.map((s) => s.line)).toEqual([
      "link add eni0123456789a mtu 9001 address 02:aa:aa:aa:aa:aa type veth peer name eth0 mtu 9001 address 02:bb:bb:bb:bb:bb netns /run/netns/pod-a",
      "link set eni0123456789a up",
      "route replace 10.0.1.5/32 dev eni0123456789a scope link",
      "rule add to 10.0.1.5/32 lookup main prio 512",
    ]);
    expect(p.pod).toEqual([
      "link set eth0 up",
      "addr add 10.0.1.5/32 dev eth0",
      "route add 169.254.1.1/32 dev eth0 scope link",
      "route add default via 169.254.1.1 dev eth0",
      "neigh add 169.254.1.1 lladdr 02:aa:aa:aa:aa:aa dev eth0 nud permanent",
    ]);
  });

  it("adds the from-rule at 1536 only for a table other than main (device d uses table d+1)", () => {
    const lines = buildSetupPlan({ ...ordinary, routeTable: 3 as TableId }, macs).host.map((s) => s.line);
    expect(lines).toContain("rule add from 10.0.1.5/32 lookup 3 prio 1536");
    expect(buildSetupPlan(ordinary, macs).host.some((s) => s.line.includes("prio 1536"))).toBe(false);
  });

  it("deletes stale host links first and never undoes that", () => {
    const p = buildSetupPlan(ordinary, { ...macs, staleHostLinks: ["eni0123456789a" as IfName] });
    expect(p.host[0]).toEqual({ line: "link del eni0123456789a" });
    expect(undoLines(p.steps)).toEqual([
      "rule del to 10.0.1.5/32 lookup main prio 512",
      "link del eni0123456789a",
    ]);
  });
});

describe("buildSetupPlan, branch pod", () => {
  const vlanTrunk = { ...macs, trunk: { name: trunk0, kind: "vlan" as const } };

  it("strict mode: 802.1Q link with the ENI MAC, table vlanId+100, iif rules at priority 10", () => {
    const lines = buildSetupPlan(branchPod("strict"), vlanTrunk).host.map((s) => s.line);
    expect(lines.slice(2)).toEqual([
      "link add link trunk0 name vlan.eth.3 address 06:74:5b:7b:54:3a type vlan id 3",
      "link set vlan.eth.3 up",
      "route replace 10.0.2.1/32 dev vlan.eth.3 scope link table 103",
      "route replace default via 10.0.2.1 dev vlan.eth.3 table 103",
      "route replace 10.0.2.9/32 dev vlan0123456789a scope link table 103",
      "rule add iif vlan.eth.3 lookup 103 prio 10",
      "rule add iif vlan0123456789a lookup 103 prio 10",
    ]);
    expect(lines.some((l) => l.includes("prio 512"))).toBe(false);
  });

  it("standard mode: the ordinary pod's IP rules, with the VLAN table for traffic from the pod", () => {
    const lines = buildSetupPlan(branchPod("standard"), vlanTrunk).host.map((s) => s.line);
    expect(lines.slice(6)).toEqual([
      "route replace 10.0.2.9/32 dev vlan0123456789a scope link",
      "rule add to 10.0.2.9/32 lookup main prio 512",
      "rule add from 10.0.2.9/32 lookup 103 prio 1536",
    ]);
    expect(lines.some((l) => l.startsWith("rule add iif"))).toBe(false);
  });

  it("macvlan fallback keeps the name vlan.eth.<id> and the ENI MAC, on the trunk", () => {
    const p = buildSetupPlan(branchPod("strict"), { ...macs, trunk: { name: trunk0, kind: "macvlan" } });
    expect(p.host[2]?.line).toBe("link add link trunk0 name vlan.eth.3 address 06:74:5b:7b:54:3a type macvlan mode bridge");
    expect(p.host[2]?.undo).toBe("link del vlan.eth.3");
  });

  it("refuses to plan a branch pod without a trunk", () => {
    expect(() => buildSetupPlan(branchPod("strict"), macs)).toThrow(/trunk/);
  });

  it("undo removes links and rules newest first", () => {
    const p = buildSetupPlan(branchPod("strict"), vlanTrunk);
    expect(undoLines(p.steps)).toEqual([
      "rule del iif vlan0123456789a lookup 103 prio 10",
      "rule del iif vlan.eth.3 lookup 103 prio 10",
      "link del vlan.eth.3",
      "link del vlan0123456789a",
    ]);
  });
});

describe("buildTeardownPlan", () => {
  const base = { containerId: "c", netns: "/run/netns/pod-a", ifName: "eth0", hostVethName: "eni0123456789a" };

  it("without prevResult only the container end of the veth, inside the netns", () => {
    expect(buildTeardownPlan(td(base))).toEqual({ pod: ["link del eth0"], host: [] });
  });

  it("never deletes the host veth by name: a late DEL with an empty netns does nothing to links", () => {
    expect(buildTeardownPlan(td({ ...base, netns: "" }))).toEqual({ pod: [], host: [] });
  });

  it("ordinary pod: both IP rules (any table)", () => {
    expect(buildTeardownPlan(td({ ...base, ipv4: "10.0.1.5", routeTable: 3 })).host).toEqual([
      "rule del to 10.0.1.5/32 lookup main prio 512",
      "rule del from 10.0.1.5/32 prio 1536",
    ]);
  });

  it("strict branch pod: VLAN link and iif rules, no IP rules", () => {
    expect(buildTeardownPlan(td({ ...base, ipv4: "10.0.2.9", vlanId: 3, mode: "strict" })).host).toEqual([
      "link del vlan.eth.3",
      "rule del iif vlan.eth.3 lookup 103 prio 10",
      "rule del iif eni0123456789a lookup 103 prio 10",
    ]);
  });

  it("branch pod of unknown mode: both kinds of rules", () => {
    const lines = buildTeardownPlan(td({ ...base, ipv4: "10.0.2.9", vlanId: 3 })).host;
    expect(lines).toContain("rule del iif vlan.eth.3 lookup 103 prio 10");
    expect(lines).toContain("rule del to 10.0.2.9/32 lookup main prio 512");
  });

  it("standard branch pod: VLAN link and IP rules only", () => {
    expect(buildTeardownPlan(td({ ...base, ipv4: "10.0.2.9", vlanId: 3, mode: "standard" })).host).toEqual([
      "link del vlan.eth.3",
      "rule del to 10.0.2.9/32 lookup main prio 512",
      "rule del from 10.0.2.9/32 prio 1536",
    ]);
  });
});

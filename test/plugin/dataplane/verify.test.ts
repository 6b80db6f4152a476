// CHECK's comparison of `ip -j` output with the spec.
import { describe, expect, it } from "vitest";
import type { TableId } from "../../../common/boundary/index.js";
import { hostRouteTable, parseHostSnapshot, parseSnapshot, verifyHost, verifyPod } from "../../../plugin/dataplane/verify.js";
import { branchPod, ordinary } from "./fixtures.js";

const macs = { host: "02:aa:aa:aa:aa:aa", container: "02:bb:bb:bb:bb:bb" };
const good = [
  [{ ifname: "lo", flags: ["LOOPBACK"] }, { ifname: "eth0", flags: ["UP"], mtu: 9001, address: macs.container }],
  [{ ifname: "eth0", addr_info: [{ family: "inet", local: "10.0.1.5", prefixlen: 32 }] }],
  [
    { dst: "default", gateway: "169.254.1.1", dev: "eth0" },
    { dst: "169.254.1.1", dev: "eth0", scope: "link" },
  ],
  [{ dst: "169.254.1.1", dev: "eth0", lladdr: macs.host, state: ["PERMANENT"] }],
];
const snap = (arrays: unknown[][]): string => arrays.map((a) => JSON.stringify(a)).join("\n") + "\n";

describe("verifyPod", () => {
  it("accepts a pod configured as planned", () => {
    expect(verifyPod(ordinary, parseSnapshot(snap(good)), macs)).toEqual([]);
  });

  it("names the missing address, route and neighbour", () => {
    const problems = verifyPod(ordinary, parseSnapshot(snap([good[0]!, [], [good[2]![1]!], []])), macs);
    expect(problems).toEqual([
      "address 10.0.1.5/32 missing on eth0",
      "route default via 169.254.1.1 dev eth0 missing",
      "permanent neighbour 169.254.1.1 lladdr 02:aa:aa:aa:aa:aa on eth0 missing",
    ]);
  });

  it("reports a wrong mtu and a down link", () => {
    const links = [{ ifname: "eth0", flags: [], mtu: 1500, address: macs.container }];
    expect(verifyPod(ordinary, parseSnapshot(snap([links, good[1]!, good[2]!, good[3]!])), macs)).toEqual([
      "interface eth0 is down",
      "interface eth0 has mtu 1500, expected 9001",
    ]);
  });

  it("stops at a missing interface", () => {
    expect(verifyPod(ordinary, parseSnapshot(snap([[], [], [], []])), macs)).toEqual([
      "interface eth0 missing in netns /run/netns/pod-a",
    ]);
  });
});

describe("verifyHost", () => {
  const host = (rules: unknown[], routes: unknown[]): ReturnType<typeof parseHostSnapshot> =>
    parseHostSnapshot(`${JSON.stringify(rules)}\n${JSON.stringify(routes)}\n`);
  const hv = ordinary.hostVethName;

  it("ordinary pod: route to the veth and the to-rule; the from-rule only for another table", () => {
    const rules = [{ priority: 512, src: "all", dst: "10.0.1.5", table: "main" }];
    const routes = [{ dst: "10.0.1.5", dev: hv, scope: "link" }];
    expect(verifyHost(ordinary, host(rules, routes))).toEqual([]);
    expect(verifyHost({ ...ordinary, routeTable: 3 as TableId }, host(rules, routes))).toEqual(["rule from 10.0.1.5 lookup 3 prio 1536 missing"]);
    expect(verifyHost(ordinary, host([], []))).toEqual([
      `host route 10.0.1.5/32 dev ${hv} (table main) missing`,
      "rule to 10.0.1.5 lookup main prio 512 missing",
    ]);
  });

  it("strict branch pod: routes read from the VLAN table, iif rules at priority 10", () => {
    const spec = branchPod("strict");
    expect(hostRouteTable(spec)).toBe("103");
    const routes = [{ dst: "10.0.2.9", dev: spec.hostVethName }];
    const rules = [{ priority: 10, iif: "vlan.eth.3", table: "103" }];
    expect(verifyHost(spec, host(rules, routes))).toEqual([`rule iif ${spec.hostVethName} lookup 103 prio 10 missing`]);
  });

  it("standard branch pod: IP rules with the VLAN table", () => {
    const spec = branchPod("standard");
    expect(hostRouteTable(spec)).toBe("main");
    const rules = [{ priority: 512, dst: "10.0.2.9", table: "main" }, { priority: 1536, src: "10.0.2.9", table: "103" }];
    expect(verifyHost(spec, host(rules, [{ dst: "10.0.2.9", dev: spec.hostVethName }]))).toEqual([]);
  });
});

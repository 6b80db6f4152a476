import { describe, expect, it } from "vitest";
import type { IpPort } from "../../../ipamd/fabric/netlink.js";
import { applyOps, parseAddrs, parseNeighs, parseRoutes, parseRules } from "../../../ipamd/fabric/netlink.js";

describe("fabric netlink: what `ip -j` shows, parsed", () => {
  it("reads routes of its table, dropping rows it could not name safely", () => {
    const rows = [
      { dst: "10.0.0.8", dev: "eth0", scope: "link", flags: [] },
      { dst: "10.0.0.9", gateway: "10.0.0.8", dev: "eth0", flags: ["onlink"] },
      { dst: "default", gateway: "10.0.0.1", dev: "eth0", flags: [] },
      { dst: "10.0.0.11", dev: "bad dev", flags: [] },
    ];
    expect(parseRoutes(rows)).toEqual([{ dst: "10.0.0.8", dev: "eth0" }, { dst: "10.0.0.9", dev: "eth0", via: "10.0.0.8" }]);
  });

  it("keeps only the rules at the fabric's priorities that point at its table", () => {
    const rows = [
      { priority: 0, src: "all", table: "local" },
      { priority: 10, src: "all", iif: "vlan.eth.1", table: "101" },
      { priority: 512, src: "all", dst: "10.0.0.5", table: "main" },
      { priority: 1000, src: "all", iif: "mh-trunk1p", table: "5000" },
      { priority: 1001, src: "all", iif: "mh-trunk1p", table: "main" },
      { priority: 1001, src: "all", table: "main" },
      { priority: 30000, src: "all", table: "5000" },
      { priority: 30000, src: "all", table: "77" },
      { priority: 32766, src: "all", table: "main" },
    ];
    expect(parseRules(rows)).toEqual([
      { prio: 1000, table: 5000, iif: "mh-trunk1p" },
      { prio: 1001, table: 254, iif: "mh-trunk1p" },
      { prio: 30000, table: 5000 },
    ]);
  });

  it("reads permanent neighbours and /32 addresses of the trunk side", () => {
    expect(parseNeighs([{ dst: "10.0.32.4", lladdr: "02:AA:00:00:00:03", state: ["PERMANENT"] }, { dst: "fe80::1", lladdr: "x" }], "p")).toEqual([
      { ip: "10.0.32.4", mac: "02:aa:00:00:00:03", dev: "p" },
    ]);
    const addrs = [{ ifname: "p", addr_info: [{ family: "inet", local: "10.0.32.1", prefixlen: 32, scope: "link" }, { family: "inet6", local: "fe80::1", prefixlen: 64 }, { family: "inet", local: "10.9.0.1", prefixlen: 24 }] }];
    expect(parseAddrs(addrs, "p")).toEqual([{ ip: "10.0.32.1", dev: "p" }]);
  });
});

describe("fabric netlink: applying steps", () => {
  it("sends one batch and reports failed lines, but not removals of what is already gone", async () => {
    let sent = "";
    const ip: IpPort = async (args, { input }) => {
      expect(args).toEqual(["-force", "-batch", "-"]);
      sent = input ?? "";
      return { exitCode: 1, stdout: "", stderr: "RTNETLINK answers: No such process\nCommand failed -:1\nError: Nexthop has invalid gateway.\nCommand failed -:2\n" };
    };
    const sys = { read: async () => undefined, write: async () => undefined };
    const failures = await applyOps(ip, sys, [
      { op: "route-del", route: { dst: "10.0.0.9", dev: "eth0" } },
      { op: "route-replace", route: { dst: "10.0.0.10", dev: "eth0", via: "10.0.0.8" } },
    ], new AbortController().signal);
    expect(sent).toBe("route del 10.0.0.9/32 table 5000\nroute replace 10.0.0.10/32 via 10.0.0.8 dev eth0 onlink table 5000\n");
    expect(failures).toEqual(["ip route replace 10.0.0.10/32 via 10.0.0.8 dev eth0 onlink table 5000: Error: Nexthop has invalid gateway."]);
  });
});

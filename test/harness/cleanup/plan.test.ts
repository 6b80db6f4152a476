// What a cleanup removes: only what the run's record names (netns by name, rules by the recorded
// addresses and VLANs, the daemon's links by its prefix, vlan.eth.N only with the recorded MAC).

import { describe, expect, it } from "vitest";
import { isRunDir, planCleanup, shellLine } from "../../../harness/cleanup/plan.js";
import type { HostSnapshot } from "../../../harness/cleanup/plan.js";
import type { RunRecord } from "../../../harness/cleanup/record.js";

const record: RunRecord = {
  version: 1, id: "demo-20250101-000000-abcdef", command: "vpc-cni-harness demo", owner: { pid: 10, startTicks: "1" }, startedAt: "2025-01-01T00:00:00Z",
  root: true, dir: "/tmp/vpc-cni-harness-demo-20250101-000000-abcdef", kept: false,
  daemon: { socket: "/tmp/vpc-cni-harness-demo-x/ipamd/ipamd.sock", linkPrefix: "hab12c-", process: { pid: 11, startTicks: "2" } },
  hostLinks: ["hab12c-trunk2"],
  netns: ["cni-aaaa", "cni-bbbb"],
  addresses: [{ ip: "10.0.0.5" }, { ip: "10.0.32.4", vlanId: 1, vlanMac: "02:EF:1D:0A:DE:4B", hostVeth: "vlan0123456789a" }],
};

const host: HostSnapshot = {
  netns: ["cni-aaaa", "cni-other", "iso-probe"],
  rules: [
    { priority: 0, src: "all", table: "local" },
    { priority: 10, src: "all", iif: "vlan.eth.1", table: "101" },
    { priority: 10, src: "all", iif: "vlan0123456789a", table: "101" },
    { priority: 10, src: "all", iif: "vlan.eth.7", table: "107" },
    { priority: 512, src: "all", dst: "10.0.0.5", table: "main" },
    { priority: 512, src: "all", dst: "10.0.0.6", table: "main" },
    { priority: 512, src: "all", dst: "10.0.0.5", dstlen: 24, table: "main" },
    { priority: 1536, src: "10.0.0.5", table: "2" },
    { priority: 32766, src: "all", table: "main" },
  ],
  links: [
    { ifname: "lo" }, { ifname: "eth0" },
    { ifname: "hab12c-trunk2", address: "02:00:00:00:00:01" }, { ifname: "hab12c-trunk2p" },
    { ifname: "hab12c-eni1" }, { ifname: "hab12c-eni1p" },
    { ifname: "hzz99z-eni1" }, { ifname: "mh-trunk2" },
    { ifname: "vlan.eth.1", address: "02:ef:1d:0a:de:4b" },
    { ifname: "vlan.eth.7", address: "02:ef:1d:0a:de:4b" },
  ],
  dirExists: true,
};

describe("planCleanup", () => {
  it("removes exactly what the record names", () => {
    expect(planCleanup(record, host).map(shellLine)).toEqual([
      "ip netns delete cni-aaaa",
      "ip link del hab12c-trunk2",
      "ip link del hab12c-eni1",
      "ip link del vlan.eth.1",
      "ip rule del prio 10 iif vlan.eth.1 table 101",
      "ip rule del prio 10 iif vlan0123456789a table 101",
      "ip rule del prio 512 to 10.0.0.5/32 table main",
      "ip rule del prio 1536 from 10.0.0.5/32 table 2",
      "rm -rf /tmp/vpc-cni-harness-demo-20250101-000000-abcdef",
    ]);
  });
  it("leaves a vlan.eth.N with another MAC, other runs' links and other netns alone", () => {
    const other = { ...host, links: [{ ifname: "vlan.eth.1", address: "02:00:00:00:00:99" }, { ifname: "mh-eni1" }] };
    expect(planCleanup(record, other).map(shellLine)).not.toContain("ip link del vlan.eth.1");
    expect(planCleanup({ ...record, root: false }, host).map(shellLine)).toEqual(["rm -rf /tmp/vpc-cni-harness-demo-20250101-000000-abcdef"]);
  });
  it("only ever removes a temp dir of its own name", () => {
    expect(isRunDir("/tmp/vpc-cni-harness-demo-1")).toBe(true);
    expect(isRunDir("/home/me")).toBe(false);
    expect(isRunDir("relative/vpc-cni-harness-x")).toBe(false);
    expect(planCleanup({ ...record, dir: "/etc" }, host).map(shellLine)).not.toContain("rm -rf /etc");
  });
  it("quotes what a shell would split", () => {
    expect(shellLine({ what: "x", argv: ["rm", "-rf", "/tmp/a b"] })).toBe("rm -rf '/tmp/a b'");
  });
});

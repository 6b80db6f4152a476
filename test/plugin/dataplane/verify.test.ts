// CHECK's comparison of `ip -j` output with the spec.
import { describe, expect, it } from "vitest";
import { parseSnapshot, verifyPod } from "../../../plugin/dataplane/verify.js";
import { ordinary } from "./fixtures.js";

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

// The iproute2 dataplane against real network namespaces (root): ordinary and branch pods set up,
// checked, torn down with nothing left; failures undone; the 802.1Q probe on this kernel.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { isCniError } from "../../../plugin/cni/errors.js";
import { createIproute2Dataplane } from "../../../plugin/dataplane/iproute2.js";
import { loose } from "./fixtures.js";
import { createNetns, createTrunk, hostJson, hostLeftovers, hostLinkExists, type TestNetns, type TestTrunk } from "../../helpers/netns.js";
import { describeIf, needRoot } from "../../helpers/prereq.js";

const signal = (): AbortSignal => AbortSignal.timeout(10_000);

describeIf(needRoot(), "iproute2 dataplane in real netns (needs root: network namespaces)", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "dp-int-"));
  const dp = loose(createIproute2Dataplane({ stateDir }));
  let ns: TestNetns;
  let trunk: TestTrunk;
  const branchVeth = `vlanh2t${process.pid % 10000}`;
  const spec = () => ({
    containerId: `int${process.pid}`,
    netns: ns.path,
    ifName: "eth0",
    podNamespace: "default",
    podName: "int",
    hostVethName: `enih2t${process.pid % 100000}`,
    mtu: 1500,
    ipv4: "10.211.0.5",
    routeTable: 3,
  });

  beforeAll(() => {
    trunk = createTrunk(`h2trk${process.pid % 10000}`, "0a:58:00:00:00:01");
  });
  afterAll(() => {
    trunk.remove();
    rmSync(stateDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    // Both host veth names this file uses, so a failed assertion leaves no rule behind either.
    for (const hostVethName of [spec().hostVethName, branchVeth]) {
      await dp.teardown({ ...spec(), hostVethName, vlanId: 5 }, signal()).catch(() => {});
    }
    ns.remove();
  });
  const fresh = (): void => {
    ns = createNetns();
  };

  it("ordinary pod: veth, /32, gateway route, neighbour, host route and rules; DEL leaves nothing", async () => {
    fresh();
    const s = spec();
    const out = await dp.setup(s, signal());
    const addr = ns.ipJson(["addr", "show", "dev", "eth0"])[0];
    expect(addr?.mtu).toBe(1500);
    expect(addr?.address).toBe(out.container.mac);
    expect(JSON.stringify(addr?.addr_info)).toContain('"local":"10.211.0.5","prefixlen":32');
    expect(ns.ipJson(["route", "show"])).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dst: "default", gateway: "169.254.1.1", dev: "eth0" }),
        expect.objectContaining({ dst: "169.254.1.1", dev: "eth0", scope: "link" }),
      ]),
    );
    expect(ns.ipJson(["neigh", "show", "dev", "eth0"])).toEqual([
      expect.objectContaining({ dst: "169.254.1.1", lladdr: out.hostVeth.mac, state: ["PERMANENT"] }),
    ]);
    expect(hostJson(["route", "show", "10.211.0.5/32"])).toEqual([expect.objectContaining({ dev: s.hostVethName })]);
    const rules = hostJson(["rule", "show"]).filter((r) => JSON.stringify(r).includes("10.211.0.5"));
    expect(rules.map((r) => [r.priority, r.table])).toEqual([[512, "main"], [1536, "3"]]);
    await dp.check(s, signal());
    await dp.teardown({ ...s, ipv4: s.ipv4, routeTable: 3 }, signal());
    expect(hostLeftovers(["10.211.0.5", s.hostVethName])).toEqual([]);
    expect(ns.ipJson(["link", "show"]).map((l) => l.ifname)).toEqual(["lo"]);
    // DEL again, and with an empty netns: still success.
    await dp.teardown({ ...s, netns: "" }, signal());
  });

  it("check names what is missing after someone removed the default route", async () => {
    fresh();
    await dp.setup(spec(), signal());
    ns.ipJson(["route", "del", "default"]);
    await expect(dp.check(spec(), signal())).rejects.toMatchObject({ details: expect.stringMatching(/route default via 169\.254\.1\.1/) });
    execFileSync("ip", ["rule", "del", "to", "10.211.0.5/32", "lookup", "main", "prio", "512"]);
    await expect(dp.check(spec(), signal())).rejects.toMatchObject({ details: expect.stringMatching(/rule to 10\.211\.0\.5 lookup main prio 512 missing/) });
  });

  it("an existing interface in the netns fails ADD and leaves nothing on the host", async () => {
    fresh();
    execIp(ns, ["link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"]);
    const err = await dp.setup(spec(), signal()).catch((e: unknown) => e);
    expect(isCniError(err) && err.details).toMatch(/File exists/);
    expect(hostLeftovers(["10.211.0.5", spec().hostVethName])).toEqual([]);
  });

  it("a missing netns is code 3 and creates nothing", async () => {
    fresh();
    const err = await dp.setup({ ...spec(), netns: "/run/netns/does-not-exist-h2" }, signal()).catch((e: unknown) => e);
    expect(isCniError(err) && err.code).toBe(3);
    expect(hostLinkExists(spec().hostVethName)).toBe(false);
  });

  it("branch pod (strict) on the trunk: link vlan.eth.5 with the ENI MAC, table 105, iif rules; DEL cleans", async () => {
    fresh();
    const s = {
      ...spec(),
      hostVethName: branchVeth,
      branch: { vlanId: 5, eniMac: "0a:58:00:00:05:05", subnetGateway: "10.211.8.1", parentIfIndex: trunk.ifindex, mode: "strict" },
    };
    const out = await dp.setup(s, signal());
    // This kernel has no 802.1Q (docs/REFERENCE.md §6): the probe must say so and cache it.
    const kind = readFileSync(join(stateDir, "vlan-support"), "utf8").trim();
    expect(out.vlan).toEqual({ name: "vlan.eth.5", mac: "0a:58:00:00:05:05", kind });
    const link = hostJson(["-d", "link", "show", "vlan.eth.5"])[0] as { address?: string; link?: string; linkinfo?: { info_kind?: string } };
    expect(link.address).toBe("0a:58:00:00:05:05");
    expect(link.link).toBe(trunk.name);
    expect(link.linkinfo?.info_kind).toBe(kind);
    expect(hostJson(["route", "show", "table", "105"]).map((r) => r.dst)).toEqual(["default", "10.211.0.5", "10.211.8.1"]);
    // Only table 105's rules: other tests on this shared host may hold rules at priority 10 too.
    const iif = hostJson(["rule", "show"]).filter((r) => r.priority === 10 && r.table === "105").map((r) => r.iif);
    expect(iif.sort()).toEqual([s.hostVethName, "vlan.eth.5"].sort());
    await dp.check(s, signal());
    await dp.teardown({ containerId: s.containerId, netns: s.netns, ifName: "eth0", hostVethName: s.hostVethName, vlanId: 5, mode: "strict" }, signal());
    expect(hostLeftovers(["vlan.eth.5", s.hostVethName, "10.211.0.5", "lookup 105"])).toEqual([]);
  });

  it("branch pod (standard): IP rules 512/1536 to table 105 and no iif rules; DEL cleans", async () => {
    fresh();
    const s = {
      ...spec(),
      branch: { vlanId: 5, eniMac: "0a:58:00:00:05:06", subnetGateway: "10.211.8.1", parentIfIndex: trunk.ifindex, mode: "standard" },
    };
    await dp.setup(s, signal());
    const rules = hostJson(["rule", "show"]).filter((r) => JSON.stringify(r).includes("10.211.0.5"));
    expect(rules.map((r) => [r.priority, r.table])).toEqual([[512, "main"], [1536, "105"]]);
    expect(hostJson(["rule", "show"]).filter((r) => r.priority === 10 && r.table === "105")).toEqual([]);
    expect(hostJson(["route", "show", "10.211.0.5/32"])).toEqual([expect.objectContaining({ dev: s.hostVethName })]);
    await dp.check(s, signal());
    await dp.teardown({ containerId: s.containerId, netns: s.netns, ifName: "eth0", hostVethName: s.hostVethName, ipv4: s.ipv4, vlanId: 5, mode: "standard" }, signal());
    expect(hostLeftovers(["vlan.eth.5", s.hostVethName, "10.211.0.5", "lookup 105"])).toEqual([]);
  });

  it("parallel ADDs and DELs of different pods do not interfere", async () => {
    fresh();
    const pods = [0, 1, 2].map((i) => ({ ns: createNetns(), i }));
    const dpFresh = loose(createIproute2Dataplane({ stateDir: join(stateDir, "parallel") }));
    const specs = pods.map(({ ns: n, i }) => ({
      ...spec(), containerId: `par${i}`, netns: n.path, podName: `par${i}`, hostVethName: `enih2p${process.pid % 10000}${i}`, ipv4: `10.211.1.${i + 1}`,
    }));
    try {
      await Promise.all(specs.map((s) => dpFresh.setup(s, signal())));
      await Promise.all(specs.map((s) => dpFresh.check(s, signal())));
      await Promise.all(specs.map((s) => dpFresh.teardown(s, signal())));
      expect(hostLeftovers(specs.flatMap((s) => [s.hostVethName, `${s.ipv4} `]))).toEqual([]);
    } finally {
      pods.forEach(({ ns: n }) => n.remove());
    }
  });

  it("a late DEL of an older sandbox (CNI_NETNS empty, no prevResult) leaves the pod's current veth alone", async () => {
    fresh();
    const out = await dp.setup(spec(), signal());
    await dp.teardown({ containerId: "older-sandbox", netns: "", ifName: "eth0", hostVethName: spec().hostVethName }, signal());
    expect(hostJson(["link", "show", spec().hostVethName])[0]?.address).toBe(out.hostVeth.mac);
    await dp.check(spec(), signal());
  });

  it("ADD replaces a stale host veth of the same pod (an earlier sandbox not deleted)", async () => {
    fresh();
    const hv = spec().hostVethName;
    execFileSync("ip", ["link", "add", hv, "type", "veth", "peer", "name", `${hv.slice(0, 12)}x`]);
    const out = await dp.setup(spec(), signal());
    expect(hostJson(["link", "show", hv])[0]?.address).toBe(out.hostVeth.mac);
    await dp.check(spec(), signal());
  });
});

function execIp(ns: TestNetns, args: string[]): void {
  ns.ipJson(args);
}

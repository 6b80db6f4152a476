// Host links for real (root): a veth per ENI with the ENI's MAC and MTU 9001, its ifindex, a
// macvlan on the trunk link moved into a netns (the plugin's fallback for VLAN links), cleanup of
// stale links from a crashed run, and removal on shutdown.

import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHostLinks } from "../../../ipamd/hostlinks/index.js";
import type { HostLinks } from "../../../ipamd/hostlinks/index.js";
import { describeIf, needRoot } from "../../helpers/prereq.js";

const PREFIX = "h3t-";
const NETNS = `h3t-ns-${process.pid}`;

interface Row {
  ifindex: number;
  ifname: string;
  address: string;
  mtu: number;
  flags: string[];
}

async function links(): Promise<Row[]> {
  return JSON.parse((await execa("ip", ["-j", "link", "show"])).stdout) as Row[];
}

async function ours(): Promise<string[]> {
  return (await links()).map((r) => r.ifname).filter((n) => n.startsWith(PREFIX)).sort();
}

async function sweep(): Promise<void> {
  for (const n of await ours()) await execa("ip", ["link", "del", n], { reject: false });
  await execa("ip", ["netns", "del", NETNS], { reject: false });
}

describeIf(needRoot(), "host links (needs root: creates links on the host)", () => {
  let hl: HostLinks;
  beforeAll(async () => {
    await sweep();
    hl = createHostLinks({ mode: "on", prefix: PREFIX });
  });
  afterAll(async () => {
    await hl.removeAll().catch(() => undefined);
    await sweep();
  });

  it("cleans links left by a crashed run, and only those of its prefix", async () => {
    await execa("ip", ["link", "add", `${PREFIX}eni5`, "type", "veth", "peer", "name", `${PREFIX}eni5p`]);
    await execa("ip", ["link", "add", `${PREFIX}trunk6p`, "type", "veth", "peer", "name", "h3x-other"]);
    try {
      const removed = await hl.cleanStale();
      expect(removed.sort()).toEqual([`${PREFIX}eni5`, `${PREFIX}trunk6p`]);
      expect(await ours()).toEqual([]);
    } finally {
      await execa("ip", ["link", "del", "h3x-other"], { reject: false });
    }
  });

  it("creates a link per ENI with the ENI's MAC, MTU 9001, up, and returns its ifindex", async () => {
    const eni = await hl.ensure({ eniId: "eni-aaa", mac: "02:0A:00:00:00:01", deviceNumber: 1, isTrunk: false });
    const trunk = await hl.ensure({ eniId: "eni-trunk", mac: "02:0a:00:00:00:02", deviceNumber: 2, isTrunk: true });
    const rows = await links();
    for (const l of [eni, trunk]) {
      const row = rows.find((r) => r.ifname === l.name);
      expect(row).toMatchObject({ ifindex: l.ifIndex, address: l.mac, mtu: 9001 });
      expect(row?.flags).toContain("UP");
      expect(rows.find((r) => r.ifname === l.peerName)?.flags).toContain("UP");
    }
    expect([eni.name, trunk.name]).toEqual([`${PREFIX}eni1`, `${PREFIX}trunk2`]);
    expect(eni.mac).toBe("02:0a:00:00:00:01");
  });

  it("is idempotent for the same MAC and recreates the link for another one", async () => {
    const before = hl.get("eni-aaa");
    const same = await hl.ensure({ eniId: "eni-aaa", mac: "02:0a:00:00:00:01", deviceNumber: 1, isTrunk: false });
    expect(same.ifIndex).toBe(before?.ifIndex);
    const moved = await hl.ensure({ eniId: "eni-aaa", mac: "02:0a:00:00:00:09", deviceNumber: 1, isTrunk: false });
    expect(moved.ifIndex).not.toBe(before?.ifIndex);
    expect((await links()).find((r) => r.ifname === moved.name)?.address).toBe("02:0a:00:00:00:09");
  });

  it("gives a reused device number's link to the new ENI only", async () => {
    await hl.ensure({ eniId: "eni-old", mac: "02:0a:00:00:00:31", deviceNumber: 3, isTrunk: false });
    const fresh = await hl.ensure({ eniId: "eni-new", mac: "02:0a:00:00:00:32", deviceNumber: 3, isTrunk: false });
    await hl.remove("eni-old"); // late detach hook of the old ENI: must not touch the new link
    expect((await links()).find((r) => r.ifname === fresh.name)?.address).toBe("02:0a:00:00:00:32");
    await hl.remove("eni-new");
    expect(await ours()).not.toContain(fresh.name);
  });

  it("carries a macvlan child (by ParentIfIndex) that works inside a network namespace", async () => {
    const trunk = hl.get("eni-trunk");
    expect(trunk).toBeDefined();
    const parent = (await links()).find((r) => r.ifindex === trunk?.ifIndex)?.ifname;
    expect(parent).toBe(`${PREFIX}trunk2`);
    await execa("ip", ["netns", "add", NETNS]);
    await execa("ip", ["link", "add", "link", parent as string, "name", "h3t-mv", "address", "02:0b:00:00:00:01", "type", "macvlan", "mode", "bridge"]);
    await execa("ip", ["link", "set", "h3t-mv", "netns", NETNS]);
    await execa("ip", ["-n", NETNS, "link", "set", "h3t-mv", "up"]);
    const inside = JSON.parse((await execa("ip", ["-n", NETNS, "-j", "link", "show", "h3t-mv"])).stdout) as Row[];
    expect(inside[0]?.flags).toEqual(expect.arrayContaining(["UP", "LOWER_UP"]));
    expect(inside[0]?.address).toBe("02:0b:00:00:00:01");
    await execa("ip", ["netns", "del", NETNS]);
  });

  it("after a restart adopts the trunk link (same ifindex, children kept) and sweeps the rest", async () => {
    const trunk = hl.get("eni-trunk");
    await execa("ip", ["link", "add", "link", trunk?.name as string, "name", "h3t-child", "type", "macvlan", "mode", "bridge"]);
    await hl.ensure({ eniId: "eni-gone", mac: "02:0a:00:00:00:41", deviceNumber: 4, isTrunk: false });
    // A new daemon process: a fresh instance, the same trunk ENI (same MAC) comes back first.
    const next = createHostLinks({ mode: "on", prefix: PREFIX });
    try {
      const adopted = await next.ensure({ eniId: "eni-trunk", mac: trunk?.mac as string, deviceNumber: 2, isTrunk: true });
      expect(adopted.ifIndex).toBe(trunk?.ifIndex);
      expect(await next.cleanStale()).toEqual(expect.arrayContaining([`${PREFIX}eni1`, `${PREFIX}eni4`]));
      const names = (await links()).map((r) => r.ifname);
      expect(names).toContain("h3t-child");
      expect(names).not.toContain(`${PREFIX}eni4`);
    } finally {
      await execa("ip", ["link", "del", "h3t-child"], { reject: false });
    }
    // The old instance still believes it owns them; its removals must tolerate their absence.
    await hl.remove("eni-gone");
    await hl.remove("eni-aaa");
  });

  it("removes all of them on shutdown, both veth ends", async () => {
    expect(await ours()).toEqual([`${PREFIX}trunk2`, `${PREFIX}trunk2p`]);
    await hl.remove("eni-aaa"); // already gone: fine
    await hl.removeAll();
    expect(await ours()).toEqual([]);
    expect(hl.list()).toEqual([]);
  });
});

// The pure datastore: idempotent keys, exhaustion text, unknown pod, cooldown exactness, device
// and route table numbers, trunk ENIs, ENI removal, rollback, restore.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import type { HarnessError } from "../../../common/errors.js";
import {
  Datastore,
  MAIN_ROUTE_TABLE,
  NO_AVAILABLE_IP_MSG,
  UNKNOWN_POD_MSG,
  isNoAvailableIp,
  isUnknownPod,
} from "../../../ipamd/datastore/index.js";
import { instanceLimits, secondaryIpsPerEni } from "../../../common/limits.js";
import { eni, key, meta } from "./fixtures.js";

function store(cooldownMs?: number): { clock: FakeClock; ds: Datastore } {
  const clock = new FakeClock(1_000);
  return { clock, ds: new Datastore(cooldownMs === undefined ? { clock } : { clock, cooldownMs }) };
}

describe("Datastore assign/release", () => {
  it("gives the same IP to the same key and different IPs to different keys", () => {
    const { ds } = store();
    ds.addEni(eni(0, 3));
    const a = ds.assign(key("c1"), meta("p1"));
    const again = ds.assign(key("c1"), meta("p1"));
    const b = ds.assign(key("c2"), meta("p2"));
    const otherIf = ds.assign(key("c1", "eth1"), meta("p1"));
    expect(a.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.lease.ip).toBe(a.lease.ip);
    expect(new Set([a.lease.ip, b.lease.ip, otherIf.lease.ip]).size).toBe(3);
    expect(ds.stats().assignedIps).toBe(3);
  });

  it("fails with the real exhaustion text once every IP is taken", () => {
    const { ds } = store();
    ds.addEni(eni(0, 2));
    ds.assign(key("c1"), meta("p1"));
    ds.assign(key("c2"), meta("p2"));
    let caught: unknown;
    try {
      ds.assign(key("c3"), meta("p3"));
    } catch (e: unknown) {
      caught = e;
    }
    expect((caught as Error).message).toBe("AssignPodIPv4Address: no available IP/Prefix addresses");
    expect((caught as Error).message).toBe(NO_AVAILABLE_IP_MSG);
    expect(isNoAvailableIp(caught)).toBe(true);
    expect(ds.lookup(key("c3"))).toBeUndefined();
  });

  it("fails with `datastore: unknown pod` on release of an unknown key, and on a second release", () => {
    const { ds } = store();
    ds.addEni(eni(0, 2));
    expect(() => ds.release(key("nope"))).toThrow(UNKNOWN_POD_MSG);
    ds.assign(key("c1"), meta("p1"));
    ds.release(key("c1"));
    let caught: unknown;
    try {
      ds.release(key("c1"));
    } catch (e: unknown) {
      caught = e;
    }
    expect((caught as Error).message).toBe("datastore: unknown pod");
    expect(isUnknownPod(caught)).toBe(true);
  });

  it("keeps a released IP out of use for exactly the cooldown", async () => {
    const { clock, ds } = store(30_000);
    ds.addEni(eni(0, 1));
    const ip = ds.assign(key("c1"), meta("p1")).lease.ip;
    ds.release(key("c1"));
    expect(ds.stats()).toMatchObject({ assignedIps: 0, cooldownIps: 1 });
    await clock.advance(29_999);
    expect(() => ds.assign(key("c2"), meta("p2"))).toThrow(NO_AVAILABLE_IP_MSG);
    const err = (() => {
      try {
        ds.assign(key("c2"), meta("p2"));
      } catch (e: unknown) {
        return e as HarnessError;
      }
      return undefined;
    })();
    expect(err?.details).toMatch(/1 in cooldown \(first free in 1 ms\)/);
    await clock.advance(1);
    expect(ds.stats().cooldownIps).toBe(0);
    expect(ds.assign(key("c2"), meta("p2")).lease.ip).toBe(ip);
  });

  it("prefers an IP that is not cooling down", () => {
    const { ds } = store();
    ds.addEni(eni(0, 2));
    const first = ds.assign(key("c1"), meta("p1")).lease.ip;
    ds.release(key("c1"));
    const next = ds.assign(key("c2"), meta("p2")).lease.ip;
    expect(next).not.toBe(first);
  });

  it("has the default cooldown of 30 s and refuses a negative one", async () => {
    const { clock, ds } = store();
    expect(ds.cooldownMs).toBe(30_000);
    expect(() => new Datastore({ clock, cooldownMs: -1 })).toThrow(/cooldown/);
  });
});

describe("Datastore ENIs", () => {
  it("fills the lowest device first and reports device number and route table", () => {
    const { ds } = store();
    ds.addEni(eni(2, 1));
    ds.addEni(eni(0, 1));
    ds.addEni(eni(1, 1));
    const leases = ["a", "b", "c"].map((c) => ds.assign(key(c), meta(c)).lease);
    expect(leases.map((l) => l.deviceNumber)).toEqual([0, 1, 2]);
    expect(leases.map((l) => l.routeTableId)).toEqual([MAIN_ROUTE_TABLE, 2, 3]);
    expect(leases.map((l) => l.eniId)).toEqual(["eni-0000", "eni-0001", "eni-0002"]);
    expect(ds.enis().map((e) => [e.deviceNumber, e.routeTableId, e.isPrimary])).toEqual([
      [0, 254, true],
      [1, 2, false],
      [2, 3, false],
    ]);
  });

  it("never hands out IPs of the trunk ENI and does not count it", () => {
    const { ds } = store();
    ds.addEni(eni(0, 1));
    ds.addEni(eni(1, 0, { isTrunk: true }));
    expect(ds.stats()).toMatchObject({ enis: 1, totalIps: 1, trunkAttached: true });
    ds.assign(key("a"), meta("a"));
    expect(() => ds.assign(key("b"), meta("b"))).toThrow(NO_AVAILABLE_IP_MSG);
    expect(() => ds.addEni(eni(3, 2, { isTrunk: true }))).toThrow(/trunk/);
  });

  it("refuses duplicate ENI ids, device numbers and IPs", () => {
    const { ds } = store();
    ds.addEni(eni(0, 2));
    expect(() => ds.addEni(eni(0, 2))).toThrow(/already added/);
    expect(() => ds.addEni({ ...eni(0, 0), eniId: "eni-x" })).toThrow(/device number 0/);
    expect(() => ds.addEni({ ...eni(1, 0), secondaryIps: ["10.0.0.11"] })).toThrow(/already on eni-0000/);
  });

  it("removes an ENI only when none of its IPs is assigned", () => {
    const { ds } = store();
    ds.addEni(eni(0, 1));
    ds.addEni(eni(1, 1));
    ds.assign(key("a"), meta("a"));
    ds.assign(key("b"), meta("b"));
    expect(() => ds.removeEni("eni-0001")).toThrow(/still has 1 assigned/);
    ds.release(key("b"));
    ds.removeEni("eni-0001");
    expect(ds.stats()).toMatchObject({ enis: 1, totalIps: 1 });
    expect(() => ds.removeEni("eni-0001")).toThrow(/not attached/);
  });

  it("fits an instance type: m5.large gives 3 x 9 pod IPs, then the exhaustion error", () => {
    const { ds } = store();
    const l = instanceLimits("m5.large");
    for (let d = 0; d < l.maxEnis; d++) ds.addEni(eni(d, secondaryIpsPerEni(l)));
    const ips = new Set<string>();
    for (let i = 0; i < 27; i++) ips.add(ds.assign(key(`c${i}`), meta(`p${i}`)).lease.ip);
    expect(ips.size).toBe(27);
    expect(() => ds.assign(key("c27"), meta("p27"))).toThrow(NO_AVAILABLE_IP_MSG);
  });
});

describe("Datastore rollback", () => {
  it("rollbackAssign frees the IP at once (no cooldown) and forgets the key", () => {
    const { ds } = store();
    ds.addEni(eni(0, 1));
    const a = ds.assign(key("a"), meta("a"));
    ds.rollbackAssign(a.lease);
    expect(ds.lookup(key("a"))).toBeUndefined();
    expect(ds.stats()).toMatchObject({ assignedIps: 0, cooldownIps: 0 });
    expect(ds.assign(key("b"), meta("b")).lease.ip).toBe(a.lease.ip);
  });

  it("rollbackRelease puts the very lease back", () => {
    const { ds } = store();
    ds.addEni(eni(0, 2));
    const a = ds.assign(key("a"), meta("a")).lease;
    const released = ds.release(key("a"));
    ds.rollbackRelease(released);
    expect(ds.lookup(key("a"))).toBe(a);
    expect(ds.stats()).toMatchObject({ assignedIps: 1, cooldownIps: 0 });
    expect(ds.assign(key("b"), meta("b")).lease.ip).not.toBe(a.ip);
  });
});

describe("Datastore restore", () => {
  it("puts leases back and takes their IPs out of the free pool", () => {
    const { ds } = store();
    ds.addEni(eni(0, 3));
    const report = ds.restore([{ key: key("old"), ip: "10.0.0.12", allocatedAt: 5, metadata: meta("old") }]);
    expect(report).toEqual({ restored: 1, unbacked: [] });
    expect(ds.assign(key("old"), meta("old"))).toMatchObject({ created: false, lease: { ip: "10.0.0.12", allocatedAt: 5 } });
    const fresh = [ds.assign(key("n1"), meta("n1")).lease.ip, ds.assign(key("n2"), meta("n2")).lease.ip];
    expect(fresh).toEqual(["10.0.0.11", "10.0.0.13"]);
  });

  it("keeps a lease whose ENI is not attached yet and claims the IP when the ENI comes", () => {
    const { ds } = store();
    ds.addEni(eni(0, 1));
    const report = ds.restore([{ key: key("old"), ip: "10.0.1.11", allocatedAt: 5, metadata: meta("old") }]);
    expect(report.unbacked.map((l) => l.ip)).toEqual(["10.0.1.11"]);
    expect(ds.stats()).toMatchObject({ unbackedLeases: 1, assignedIps: 1 });
    ds.addEni(eni(1, 2));
    expect(ds.lookup(key("old"))).toMatchObject({ eniId: "eni-0001", deviceNumber: 1, routeTableId: 2 });
    expect(ds.stats()).toMatchObject({ unbackedLeases: 0, assignedIps: 1, totalIps: 3 });
    const ips = [ds.assign(key("a"), meta("a")).lease.ip, ds.assign(key("b"), meta("b")).lease.ip];
    expect(ips).not.toContain("10.0.1.11");
  });

  it("refuses one IP leased twice", () => {
    const { ds } = store();
    ds.addEni(eni(0, 2));
    expect(() =>
      ds.restore([
        { key: key("a"), ip: "10.0.0.11", allocatedAt: 1, metadata: meta("a") },
        { key: key("b"), ip: "10.0.0.11", allocatedAt: 2, metadata: meta("b") },
      ]),
    ).toThrow(/10\.0\.0\.11 leased twice/);
    expect(ds.leases()).toEqual([]); // all or nothing
    expect(() => ds.restore([{ key: key("a"), ip: "10.0.0.12", allocatedAt: 1, metadata: meta("a") }, { key: key("a"), ip: "10.0.0.13", allocatedAt: 1, metadata: meta("a") }])).toThrow(
      "aws-cni/a/eth0 leased twice",
    );
  });
});

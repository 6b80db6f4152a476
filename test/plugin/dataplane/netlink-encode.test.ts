// The rtnetlink encoder (plugin/dataplane/netlink/encode.ts): lengths, alignment, the fields
// iproute2 sets for the same line, and the parse of the kernel's answers (acks, errors with an
// extended-ack message, links). netlink.int.test.ts checks the kernel state they produce.
import { describe, expect, it } from "vitest";
import type { IfName, Ipv4, Mac, NetnsPath, TableId, VlanId } from "../../../common/boundary/index.js";
import { encodeGetLink, encodeOp, namesOf, NLMSG_ERROR, parseAnswers, RTM } from "../../../plugin/dataplane/netlink/encode.js";
import type { Op } from "../../../plugin/dataplane/ops.js";

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const ix = new Map([["eth0", 7], ["veth1", 9], ["trunk", 3]]);

/** Walks the attributes after a fixed header: [type, payload] pairs. */
function attrs(b: Uint8Array, from: number): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  let pos = from;
  while (pos + 4 <= b.length) {
    const len = view(b).getUint16(pos, true);
    out.push([view(b).getUint16(pos + 2, true), b.subarray(pos + 4, pos + len)]);
    pos += (len + 3) & ~3;
  }
  return out;
}

describe("netlink encoder", () => {
  it("frames: length = bytes, request|ack, sequence; every message 4-byte aligned", () => {
    const ops: Op[] = [
      { kind: "link-up", name: "eth0" as IfName },
      { kind: "link-del", name: "eth0" as IfName },
      { kind: "veth", name: "veth1" as IfName, mac: "0a:00:00:00:00:01" as Mac, mtu: 9001, peer: "eth0" as IfName, peerMac: "0a:00:00:00:00:02" as Mac, peerNetns: "/run/netns/x" as NetnsPath },
      { kind: "sublink", name: "vlan.eth.5" as IfName, parent: "trunk" as IfName, mac: undefined, link: { vlan: 5 as VlanId } },
      { kind: "sublink", name: "vlan.eth.5" as IfName, parent: "trunk" as IfName, mac: "0a:00:00:00:00:05" as Mac, link: "macvlan" },
      { kind: "route", verb: "replace", dst: "10.0.0.5" as Ipv4, via: undefined, dev: "eth0" as IfName, scopeLink: true, table: 254 as TableId },
      { kind: "route", verb: "add", dst: "default", via: "10.0.0.1" as Ipv4, dev: "eth0" as IfName, scopeLink: false, table: 1005 as TableId },
      { kind: "rule", verb: "add", match: { iif: "veth1" as IfName }, table: 105 as TableId, prio: 10 },
      { kind: "rule", verb: "del", match: { from: "10.0.0.5" as Ipv4 }, table: undefined, prio: 1536 },
      { kind: "addr", ip: "10.0.0.5" as Ipv4, dev: "eth0" as IfName },
      { kind: "neigh", ip: "169.254.1.1" as Ipv4, mac: "0a:00:00:00:00:01" as Mac, dev: "eth0" as IfName },
    ];
    for (const [i, op] of ops.entries()) {
      const b = encodeOp(op, ix, 100 + i, 5);
      expect(view(b).getUint32(0, true), op.kind).toBe(b.length);
      expect(b.length % 4, op.kind).toBe(0);
      expect(view(b).getUint16(6, true) & 0x5, op.kind).toBe(0x5);
      expect(view(b).getUint32(8, true)).toBe(100 + i);
    }
  });

  it("route: main table in the header, a table >= 256 as RTA_TABLE; no gateway means scope link (as iproute2)", () => {
    const main = encodeOp({ kind: "route", verb: "add", dst: "169.254.1.1" as Ipv4, via: undefined, dev: "eth0" as IfName, scopeLink: false, table: 254 as TableId }, ix, 1);
    expect([main[16], main[17], main[20], main[21], main[22], main[23]]).toEqual([2, 32, 254, 3, 253, 1]);
    expect(view(main).getUint16(6, true)).toBe(0x1 | 0x4 | 0x400 | 0x200); // create|excl
    const big = encodeOp({ kind: "route", verb: "replace", dst: "default", via: "10.0.0.1" as Ipv4, dev: "eth0" as IfName, scopeLink: false, table: 1005 as TableId }, ix, 1);
    expect([big[17], big[20], big[22]]).toEqual([0, 0, 0]);
    expect(view(big).getUint16(6, true)).toBe(0x1 | 0x4 | 0x400 | 0x100); // create|replace
    const a = attrs(big, 28);
    expect(a.map(([t]) => t)).toEqual([15, 5, 4]); // table, gateway, oif
    expect(view(a[0]![1]).getUint32(0, true)).toBe(1005);
    expect([...a[1]![1]]).toEqual([10, 0, 0, 1]);
    expect(view(a[2]![1]).getUint32(0, true)).toBe(7);
  });

  it("rule add defaults to the main table with action to-table; rule del leaves action and table open", () => {
    const add = encodeOp({ kind: "rule", verb: "add", match: { to: "10.0.0.5" as Ipv4 }, table: undefined, prio: 512 }, ix, 1);
    expect(view(add).getUint16(4, true)).toBe(RTM.NEWRULE);
    expect([add[17], add[18], add[20], add[23]]).toEqual([32, 0, 254, 1]);
    const del = encodeOp({ kind: "rule", verb: "del", match: { from: "10.0.0.5" as Ipv4 }, table: undefined, prio: 1536 }, ix, 1);
    expect(view(del).getUint16(4, true)).toBe(RTM.DELRULE);
    expect([del[17], del[18], del[20], del[23]]).toEqual([0, 32, 0, 0]);
    expect(attrs(del, 28).map(([t]) => t)).toEqual([6, 2]); // priority, src
  });

  it("veth: the peer in a nested ifinfomsg with its name, MTU, MAC and the netns fd", () => {
    const b = encodeOp({ kind: "veth", name: "veth1" as IfName, mac: "0a:00:00:00:00:01" as Mac, mtu: 9001, peer: "eth0" as IfName, peerMac: "0a:00:00:00:00:02" as Mac, peerNetns: "/run/netns/x" as NetnsPath }, ix, 1, 42);
    const top = attrs(b, 32);
    expect(top.map(([t]) => t)).toEqual([3, 4, 1, 18]);
    const info = attrs(top[3]![1], 0);
    expect(Buffer.from(info[0]![1]).toString("latin1")).toBe("veth\0");
    const peer = attrs(attrs(info[1]![1], 0)[0]![1], 16);
    expect(peer.map(([t]) => t)).toEqual([3, 4, 1, 28]);
    expect(view(peer[3]![1]).getUint32(0, true)).toBe(42);
  });

  it("names each op needs resolved", () => {
    expect(namesOf({ kind: "sublink", name: "v" as IfName, parent: "trunk" as IfName, mac: undefined, link: "macvlan" })).toEqual(["trunk"]);
    expect(namesOf({ kind: "rule", verb: "add", match: { iif: "x" as IfName }, table: undefined, prio: 1 })).toEqual([]);
    expect(encodeGetLink("eth0", 3).length % 4).toBe(0);
  });

  it("parses acks, errors with an extended-ack message, and links; stops at a truncated message", () => {
    const err = (errno: number, seq: number, msg?: string): number[] => {
      const tlv = msg === undefined ? [] : (() => {
        const s = [...Buffer.from(`${msg}\0`)];
        const len = 4 + s.length;
        const out = [len & 0xff, len >> 8, 1, 0, ...s];
        while (out.length % 4) out.push(0);
        return out;
      })();
      const len = 16 + 4 + 16 + tlv.length;
      const flags = msg === undefined ? 0x100 : 0x300;
      const b = new Uint8Array(len);
      const v = view(b);
      v.setUint32(0, len, true); v.setUint16(4, NLMSG_ERROR, true); v.setUint16(6, flags, true); v.setUint32(8, seq, true);
      v.setInt32(16, -errno, true);
      b.set(tlv, 36);
      return [...b];
    };
    const link = new Uint8Array(32);
    view(link).setUint32(0, 32, true); view(link).setUint16(4, RTM.NEWLINK, true); view(link).setUint32(8, 9, true); view(link).setInt32(20, 12, true);
    const all = Uint8Array.from([...err(0, 7), ...err(95, 8, "Unknown device type"), ...link, 99, 0, 0, 0]);
    expect(parseAnswers(all)).toEqual([
      { type: NLMSG_ERROR, seq: 7, errno: 0, ifindex: undefined, message: undefined },
      { type: NLMSG_ERROR, seq: 8, errno: 95, ifindex: undefined, message: "Unknown device type" },
      { type: RTM.NEWLINK, seq: 9, errno: undefined, ifindex: 12, message: undefined },
    ]);
  });
});

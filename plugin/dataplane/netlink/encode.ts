// rtnetlink messages for the dataplane's operations (linux/rtnetlink.h, if_link.h, fib_rules.h,
// neighbour.h), pure: an op, the ifindexes it names, a sequence number -> the request bytes; and
// the parse of the kernel's answers. Field for field what iproute2 sends for the same `ip` line.
import type { Ipv4, Mac, TableId } from "../../../common/boundary/index.js";
import { MAIN_TABLE } from "../names.js";
import type { Op } from "../ops.js";

export const RTM = { NEWLINK: 16, DELLINK: 17, GETLINK: 18, NEWADDR: 20, NEWROUTE: 24, NEWNEIGH: 28, NEWRULE: 32, DELRULE: 33 } as const;
export const NLM_F = { REQUEST: 0x1, ACK: 0x4, REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400 } as const;
export const NLMSG_ERROR = 2;
const AF_INET = 2;
const IFF_UP = 1;
const IFLA = { ADDRESS: 1, IFNAME: 3, MTU: 4, LINK: 5, LINKINFO: 18, NET_NS_FD: 28 } as const;
const RTA = { DST: 1, OIF: 4, GATEWAY: 5, TABLE: 15 } as const;
const FRA = { DST: 1, SRC: 2, IIFNAME: 3, PRIORITY: 6, TABLE: 15 } as const;
const RTPROT_BOOT = 3;
const RT_SCOPE_LINK = 253;
const RTN_UNICAST = 1;
const NUD_PERMANENT = 0x80;
const FR_ACT_TO_TBL = 1;
const MACVLAN_MODE_BRIDGE = 4;
/** nlmsgerr flags: extended-ack attributes follow; the echoed request is only its header. */
const NLM_F_CAPPED = 0x100;
const NLM_F_ACK_TLVS = 0x200;
const NLMSGERR_ATTR_MSG = 1;

/** Appends attributes (4-byte aligned) after a fixed header; nests for IFLA_LINKINFO. */
class Attrs {
  readonly bytes: number[] = [];
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i] as number);
    return this;
  }
  attr(type: number, data: ArrayLike<number>): this {
    const len = 4 + data.length;
    this.raw([len & 0xff, len >> 8, type & 0xff, type >> 8]).raw(data);
    while (this.bytes.length % 4 !== 0) this.bytes.push(0);
    return this;
  }
  nest(type: number, inner: Attrs): this {
    return this.attr(type, inner.bytes);
  }
}

const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const str = (s: string): number[] => [...Buffer.from(`${s}\0`, "latin1")];
const ip4 = (ip: Ipv4): number[] => ip.split(".").map(Number);
const mac = (m: Mac): number[] => m.split(":").map((h) => parseInt(h, 16));

/** struct ifinfomsg: family, pad, type, index, flags, change (16 bytes). */
const ifinfo = (index: number, flags = 0, change = 0): number[] => [0, 0, ...u16(0), ...u32(index), ...u32(flags), ...u32(change)];

/** The ifindexes an op refers to, by name, resolved by the runner in the op's netns. */
export type Indexes = ReadonlyMap<string, number>;

/** Names whose ifindex the op needs (the runner resolves them first: "Cannot find device"). */
export function namesOf(op: Op): string[] {
  switch (op.kind) {
    case "link-del":
    case "link-up":
      return [op.name];
    case "sublink":
      return [op.parent];
    case "route":
    case "addr":
    case "neigh":
      return [op.dev];
    default:
      return [];
  }
}

const idx = (ix: Indexes, name: string): number => ix.get(name) as number;

function linkInfo(kind: string, data: Attrs): Attrs {
  return new Attrs().attr(1, str(kind)).nest(2, data);
}

function link(op: Extract<Op, { kind: "veth" | "sublink" }>, ix: Indexes, peerNetnsFd: number): { type: number; flags: number; body: Attrs } {
  const create = NLM_F.CREATE | NLM_F.EXCL;
  if (op.kind === "veth") {
    const peer = new Attrs().raw(ifinfo(0)).attr(IFLA.IFNAME, str(op.peer)).attr(IFLA.MTU, u32(op.mtu)).attr(IFLA.ADDRESS, mac(op.peerMac)).attr(IFLA.NET_NS_FD, u32(peerNetnsFd));
    const body = new Attrs().raw(ifinfo(0)).attr(IFLA.IFNAME, str(op.name)).attr(IFLA.MTU, u32(op.mtu)).attr(IFLA.ADDRESS, mac(op.mac))
      .nest(IFLA.LINKINFO, linkInfo("veth", new Attrs().nest(1, peer)));
    return { type: RTM.NEWLINK, flags: create, body };
  }
  const body = new Attrs().raw(ifinfo(0)).attr(IFLA.LINK, u32(idx(ix, op.parent))).attr(IFLA.IFNAME, str(op.name));
  if (op.mac !== undefined) body.attr(IFLA.ADDRESS, mac(op.mac));
  const info = op.link === "macvlan" ? linkInfo("macvlan", new Attrs().attr(1, u32(MACVLAN_MODE_BRIDGE))) : linkInfo("vlan", new Attrs().attr(1, u16(op.link.vlan)));
  return { type: RTM.NEWLINK, flags: create, body: body.nest(IFLA.LINKINFO, info) };
}

/** A table id goes in the header when it fits a byte, else in an attribute (as iproute2 does). */
const tableByte = (t: TableId | undefined): number => (t !== undefined && t < 256 ? t : 0);

function route(op: Extract<Op, { kind: "route" }>, ix: Indexes): { type: number; flags: number; body: Attrs } {
  const dstLen = op.dst === "default" ? 0 : 32;
  // iproute2: a unicast route with no gateway gets scope link even without the word.
  const scope = op.scopeLink || op.via === undefined ? RT_SCOPE_LINK : 0;
  const rtmsg = [AF_INET, dstLen, 0, 0, tableByte(op.table), RTPROT_BOOT, scope, RTN_UNICAST, ...u32(0)];
  const body = new Attrs().raw(rtmsg);
  if (op.table >= 256) body.attr(RTA.TABLE, u32(op.table));
  if (op.dst !== "default") body.attr(RTA.DST, ip4(op.dst));
  if (op.via !== undefined) body.attr(RTA.GATEWAY, ip4(op.via));
  body.attr(RTA.OIF, u32(idx(ix, op.dev)));
  const flags = op.verb === "replace" ? NLM_F.CREATE | NLM_F.REPLACE : NLM_F.CREATE | NLM_F.EXCL;
  return { type: RTM.NEWROUTE, flags, body };
}

function rule(op: Extract<Op, { kind: "rule" }>): { type: number; flags: number; body: Attrs } {
  const add = op.verb === "add";
  const m = op.match;
  // iproute2: `rule add` without `lookup` goes to the main table; `rule del` matches what it names.
  const tbl = op.table ?? (add ? MAIN_TABLE : undefined);
  const frh = [AF_INET, "to" in m ? 32 : 0, "from" in m ? 32 : 0, 0, tableByte(tbl), 0, 0, add ? FR_ACT_TO_TBL : 0, ...u32(0)];
  const body = new Attrs().raw(frh);
  if (tbl !== undefined && tbl >= 256) body.attr(FRA.TABLE, u32(tbl));
  body.attr(FRA.PRIORITY, u32(op.prio));
  if ("to" in m) body.attr(FRA.DST, ip4(m.to));
  else if ("from" in m) body.attr(FRA.SRC, ip4(m.from));
  else body.attr(FRA.IIFNAME, str(m.iif));
  return { type: add ? RTM.NEWRULE : RTM.DELRULE, flags: add ? NLM_F.CREATE | NLM_F.EXCL : 0, body };
}

/** The request for one op (NLM_F_REQUEST | NLM_F_ACK added), given its ifindexes. */
export function encodeOp(op: Op, ix: Indexes, seq: number, peerNetnsFd = -1): Uint8Array {
  const m = message(op, ix, peerNetnsFd);
  return frame(m.type, NLM_F.REQUEST | NLM_F.ACK | m.flags, seq, m.body.bytes);
}

function message(op: Op, ix: Indexes, peerNetnsFd: number): { type: number; flags: number; body: Attrs } {
  switch (op.kind) {
    case "link-del":
      return { type: RTM.DELLINK, flags: 0, body: new Attrs().raw(ifinfo(idx(ix, op.name))) };
    case "link-up":
      return { type: RTM.NEWLINK, flags: 0, body: new Attrs().raw(ifinfo(idx(ix, op.name), IFF_UP, IFF_UP)) };
    case "veth":
    case "sublink":
      return link(op, ix, peerNetnsFd);
    case "route":
      return route(op, ix);
    case "rule":
      return rule(op);
    case "addr": {
      const a = ip4(op.ip);
      const body = new Attrs().raw([AF_INET, 32, 0, 0, ...u32(idx(ix, op.dev))]).attr(2, a).attr(1, a);
      return { type: RTM.NEWADDR, flags: NLM_F.CREATE | NLM_F.EXCL, body };
    }
    case "neigh": {
      const body = new Attrs().raw([AF_INET, 0, ...u16(0), ...u32(idx(ix, op.dev)), ...u16(NUD_PERMANENT), 0, 0]).attr(1, ip4(op.ip)).attr(2, mac(op.mac));
      return { type: RTM.NEWNEIGH, flags: NLM_F.CREATE | NLM_F.EXCL, body };
    }
  }
}

/** RTM_GETLINK by name: the kernel answers with the link (its ifindex) or ENODEV. */
export function encodeGetLink(name: string, seq: number): Uint8Array {
  return frame(RTM.GETLINK, NLM_F.REQUEST, seq, new Attrs().raw(ifinfo(0)).attr(IFLA.IFNAME, str(name)).bytes);
}

function frame(type: number, flags: number, seq: number, body: readonly number[]): Uint8Array {
  const len = 16 + body.length;
  return Uint8Array.from([...u32(len), ...u16(type), ...u16(flags), ...u32(seq), ...u32(0), ...body]);
}

/** One message of the kernel's answer: its type, sequence, and for NLMSG_ERROR the errno (0 = ack). */
export interface Answer {
  type: number;
  seq: number;
  errno: number | undefined;
  /** RTM_NEWLINK answers: the link's ifindex. */
  ifindex: number | undefined;
  /** The kernel's extended-ack message (NLMSGERR_ATTR_MSG), e.g. "Unknown device type". */
  message: string | undefined;
}

/** Splits a datagram from the kernel into its messages. */
export function parseAnswers(buf: Uint8Array): Answer[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Answer[] = [];
  let pos = 0;
  while (pos + 16 <= buf.length) {
    const len = view.getUint32(pos, true);
    if (len < 16 || pos + len > buf.length) break;
    const type = view.getUint16(pos + 4, true);
    const seq = view.getUint32(pos + 8, true);
    const errno = type === NLMSG_ERROR && len >= 20 ? -view.getInt32(pos + 16, true) | 0 : undefined;
    const ifindex = type === RTM.NEWLINK && len >= 24 ? view.getInt32(pos + 20, true) : undefined;
    const message = errno === undefined ? undefined : extackMessage(buf.subarray(pos, pos + len), view.getUint16(pos + 6, true));
    out.push({ type, seq, errno, ifindex, message });
    pos += (len + 3) & ~3;
  }
  return out;
}


/** NLMSGERR_ATTR_MSG of an NLMSG_ERROR (whole message bytes), when the kernel attached one. */
function extackMessage(msg: Uint8Array, flags: number): string | undefined {
  if ((flags & NLM_F_ACK_TLVS) === 0 || msg.length < 36) return undefined;
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  // nlmsghdr (16) + error (4) + the echoed request: its header only when capped, else all of it.
  let pos = 20 + ((flags & NLM_F_CAPPED) !== 0 ? 16 : view.getUint32(20, true));
  pos = (pos + 3) & ~3;
  while (pos + 4 <= msg.length) {
    const len = view.getUint16(pos, true);
    const type = view.getUint16(pos + 2, true) & 0x3fff;
    if (len < 4 || pos + len > msg.length) return undefined;
    if (type === NLMSGERR_ATTR_MSG) {
      const text = msg.subarray(pos + 4, pos + len);
      const end = text.indexOf(0);
      return Buffer.from(end < 0 ? text : text.subarray(0, end)).toString("latin1").slice(0, 200);
    }
    pos += (len + 3) & ~3;
  }
  return undefined;
}

// The ADD result as aws-cni builds it (host veth, container interface, a last "dummy" entry that
// carries the VLAN id, docs/REFERENCE.md §3), chaining with a prevResult, and reading it back on DEL
// and CHECK.
import {
  bad,
  decimal,
  ok,
  parseIpv4,
  parseIpv4Prefix,
  parseTableId,
  parseVlanId,
  type Ipv4,
  type Parsed,
  type TableId,
  type VlanId,
} from "../../common/boundary/index.js";
import type { Interface110, Result110 } from "../cni/types110.js";
import { MAIN_TABLE, POD_GATEWAY, vlanTable } from "../dataplane/names.js";
import type { PodInterfaces } from "../dataplane/types.js";

export interface AddFacts {
  ifName: string;
  netns: string;
  ipv4: string;
  mtu: number;
  interfaces: PodInterfaces;
  dummyName: string;
  /** 0 for ordinary pods. */
  vlanId: number;
  deviceNumber: number;
  routeTable: number;
  /** PodENISubnetGW for branch pods (aws-cni puts it in ips[].gateway). */
  gateway?: string;
}

export function buildAddResult(f: AddFacts): Result110 {
  const container: Interface110 = {
    name: f.ifName,
    mac: f.interfaces.container.mac,
    mtu: f.mtu,
    sandbox: f.netns,
    // aws-cni stores the host route table id here (pciID), for DEL from prevResult.
    pciID: String(f.routeTable),
  };
  // aws-cni: branch pods pack the VLAN id in mac; ordinary pods pack VLAN 0 in mac, the device
  // number in sandbox and the interface count in socketPath (cni.go, "dummy interface").
  const dummy: Interface110 =
    f.vlanId > 0
      ? { name: f.dummyName, mac: String(f.vlanId) }
      : { name: f.dummyName, mac: "0", sandbox: String(f.deviceNumber), socketPath: "1" };
  const ip = { interface: 1, address: `${f.ipv4}/32`, ...(f.gateway === undefined ? {} : { gateway: f.gateway }) };
  return {
    cniVersion: "1.1.0",
    interfaces: [{ name: f.interfaces.hostVeth.name, mac: f.interfaces.hostVeth.mac }, container, dummy],
    ips: [ip],
    routes: [{ dst: "0.0.0.0/0", gw: POD_GATEWAY }],
  };
}

/** Spec "chained plugins": pass the previous plugins' entries on, ours appended, indexes shifted. */
export function chainResult(prev: Result110 | undefined, ours: Result110): Result110 {
  if (prev === undefined) return ours;
  const offset = prev.interfaces?.length ?? 0;
  const out: Result110 = {
    cniVersion: "1.1.0",
    interfaces: [...(prev.interfaces ?? []), ...(ours.interfaces ?? [])],
    ips: [
      ...(prev.ips ?? []),
      ...(ours.ips ?? []).map((ip) => (ip.interface === undefined ? ip : { ...ip, interface: ip.interface + offset })),
    ],
    routes: [...(prev.routes ?? []), ...(ours.routes ?? [])],
  };
  const dns = ours.dns ?? prev.dns;
  if (dns !== undefined) out.dns = dns;
  return out;
}

/** What a prevResult says about our attachment, typed. */
export interface PrevFacts {
  /** 0 for ordinary pods. */
  vlanId: VlanId | 0;
  /** The pod IPv4 without prefix length; undefined when the container interface has none. */
  ipv4?: Ipv4;
  gateway?: Ipv4;
  routeTable: TableId;
}

/**
 * Reads the dummy entry (by name) and the container interface's IP, as aws-cni's DEL does; the
 * value is undefined when prevResult holds no dummy entry of ours. Every number and address that
 * will reach a command is parsed here (a prevResult is outside input).
 */
export function readPrevResult(prev: Result110, ifName: string, dummyName: string): Parsed<PrevFacts | undefined> {
  const ifaces = prev.interfaces ?? [];
  const dummy = ifaces.find((i) => i.name === dummyName);
  const vlanNumber = decimal(dummy?.mac);
  if (dummy === undefined || vlanNumber === undefined) return ok(undefined);
  const vlan = vlanNumber === 0 ? ok<0>(0) : parseVlanId(vlanNumber, "prevResult's VLAN id (the dummy interface's mac)");
  if (!vlan.ok) return bad(vlan.problem);
  const idx = ifaces.findIndex((i) => i.name === ifName && i.sandbox !== undefined);
  const ip = prev.ips?.find((p) => p.interface === idx && idx >= 0 && !p.address.includes(":"));
  const table = routeTableOf(vlan.value, ifaces[idx]?.pciID, dummy.sandbox);
  if (!table.ok) return bad(table.problem);
  const facts: PrevFacts = { vlanId: vlan.value, routeTable: table.value };
  if (ip !== undefined) {
    const prefix = parseIpv4Prefix(ip.address, "prevResult's address");
    if (!prefix.ok) return bad(prefix.problem);
    facts.ipv4 = prefix.value.address;
  }
  if (ip?.gateway !== undefined) {
    const gw = parseIpv4(ip.gateway, "prevResult's gateway");
    if (!gw.ok) return bad(gw.problem);
    facts.gateway = gw.value;
  }
  return ok(facts);
}

function routeTableOf(vlanId: VlanId | 0, pciID: string | undefined, dummySandbox: string | undefined): Parsed<TableId> {
  if (vlanId > 0) return ok(vlanTable(vlanId as VlanId));
  const fromPci = decimal(pciID);
  if (fromPci !== undefined && fromPci > 0) return parseTableId(fromPci, "prevResult's route table (pciID)");
  // Older entries: device d uses table d+1, the primary ENI (device 0) the main table.
  const device = decimal(dummySandbox);
  return device !== undefined && device > 0 ? parseTableId(device + 1, "prevResult's device number") : ok(MAIN_TABLE);
}

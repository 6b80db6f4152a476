// The ADD result as aws-cni builds it (host veth, container interface, a last "dummy" entry that
// carries the VLAN id, docs/REFERENCE.md §3), chaining with a prevResult, and reading it back on DEL
// and CHECK.
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

/** What a prevResult says about our attachment; undefined when it holds no dummy entry of ours. */
export interface PrevFacts {
  vlanId: number;
  /** The pod IPv4 without prefix length; undefined when the container interface has none. */
  ipv4?: string;
  gateway?: string;
  routeTable: number;
  containerMac?: string;
  hostVethName?: string;
}

/** Reads the dummy entry (by name) and the container interface's IP, as aws-cni's DEL does. */
export function readPrevResult(prev: Result110, ifName: string, dummyName: string): PrevFacts | undefined {
  const ifaces = prev.interfaces ?? [];
  const dummy = ifaces.find((i) => i.name === dummyName);
  if (dummy === undefined) return undefined;
  const vlanId = Number(dummy.mac);
  if (!Number.isInteger(vlanId) || vlanId < 0) return undefined;
  const idx = ifaces.findIndex((i) => i.name === ifName && i.sandbox !== undefined);
  const ip = prev.ips?.find((p) => p.interface === idx && idx >= 0 && !p.address.includes(":"));
  const facts: PrevFacts = { vlanId, routeTable: routeTableOf(vlanId, ifaces[idx]?.pciID, dummy.sandbox) };
  if (ip !== undefined) facts.ipv4 = ip.address.split("/")[0] as string;
  if (ip?.gateway !== undefined) facts.gateway = ip.gateway;
  const mac = ifaces[idx]?.mac;
  if (mac !== undefined) facts.containerMac = mac;
  // Our host veth entry comes right before the container interface.
  const host = idx > 0 ? ifaces[idx - 1] : undefined;
  if (host !== undefined && host.sandbox === undefined) facts.hostVethName = host.name;
  return facts;
}

function routeTableOf(vlanId: number, pciID: string | undefined, dummySandbox: string | undefined): number {
  if (vlanId > 0) return vlanTable(vlanId);
  const fromPci = Number(pciID);
  if (pciID !== undefined && Number.isInteger(fromPci) && fromPci > 0) return fromPci;
  // Older entries: device d uses table d+1, the primary ENI (device 0) the main table.
  const device = Number(dummySandbox);
  return Number.isInteger(device) && device > 0 ? device + 1 : MAIN_TABLE;
}

/** Host route table for an ordinary pod from ipamd's reply (device 0 = primary ENI = main). */
export function ordinaryRouteTable(deviceNumber: number, routeTableId: number): number {
  if (deviceNumber <= 0) return MAIN_TABLE;
  return routeTableId > 0 ? routeTableId : deviceNumber + 1;
}

// ipamd's AddNetwork and DelNetwork replies parsed into typed values before any planning (issue
// #10): a reply is outside input like any other, and its strings end up in `ip` commands.
import {
  bad,
  ok,
  parseIfIndex,
  parseIpv4,
  parseMac,
  parseTableId,
  parseVlanId,
  type IfIndex,
  type Ipv4,
  type Mac,
  type Parsed,
  type TableId,
  type VlanId,
} from "../../common/boundary/index.js";
import type { AddNetworkReply, DelNetworkReply, IPAllocationMetadata } from "../../proto/rpc.js";
import { MAIN_TABLE, vlanTable } from "../dataplane/names.js";

export interface BranchLease {
  vlanId: VlanId;
  eniMac: Mac;
  subnetGateway: Ipv4;
  /**
   * undefined when ipamd sent 0: a daemon without host links (non-root) knows no trunk link; the
   * real dataplane then fails cleanly, `dataplane: none` needs none.
   */
  parentIfIndex: IfIndex | undefined;
}

export interface AddLease {
  ipv4: Ipv4;
  /** -1 for branch pods (docs/REFERENCE.md §1.7). */
  deviceNumber: number;
  /** The host route table of the pod: main, device+1, or vlanId+100. */
  routeTable: TableId;
  branch?: BranchLease;
}

/** Host route table for an ordinary pod (device 0 = primary ENI = main; device d uses table d+1). */
export function ordinaryRouteTable(deviceNumber: number, routeTableId: number): Parsed<TableId> {
  if (deviceNumber <= 0) return ok(MAIN_TABLE);
  return parseTableId(routeTableId > 0 ? routeTableId : deviceNumber + 1, "ipamd's RouteTableId");
}

/** The first IPv4 allocation, as aws-cni reads it; undefined when the reply has none. */
function firstIpv4(meta: readonly IPAllocationMetadata[]): IPAllocationMetadata | undefined {
  return meta.find((m) => m.IPv4Addr !== "");
}

function branchOf(r: AddNetworkReply): Parsed<BranchLease> {
  const vlanId = parseVlanId(r.PodVlanId, "ipamd's PodVlanId");
  if (!vlanId.ok) return bad(vlanId.problem);
  const eniMac = parseMac(r.PodENIMAC, "ipamd's PodENIMAC");
  if (!eniMac.ok) return bad(eniMac.problem);
  const gw = parseIpv4(r.PodENISubnetGW, "ipamd's PodENISubnetGW");
  if (!gw.ok) return bad(gw.problem);
  const parent = r.ParentIfIndex === 0 ? ok(undefined) : parseIfIndex(r.ParentIfIndex, "ipamd's ParentIfIndex");
  if (!parent.ok) return bad(parent.problem);
  return ok({ vlanId: vlanId.value, eniMac: eniMac.value, subnetGateway: gw.value, parentIfIndex: parent.value });
}

/** A successful AddNetworkReply; `undefined` value when it holds no IPv4 address. */
export function parseAddReply(r: AddNetworkReply): Parsed<AddLease | undefined> {
  const meta = firstIpv4(r.IPAllocationMetadata);
  if (meta === undefined) return ok(undefined);
  const ipv4 = parseIpv4(meta.IPv4Addr, "ipamd's IPv4Addr");
  if (!ipv4.ok) return bad(ipv4.problem);
  if (r.PodVlanId !== 0) {
    const branch = branchOf(r);
    if (!branch.ok) return bad(branch.problem);
    return ok({ ipv4: ipv4.value, deviceNumber: meta.DeviceNumber, routeTable: vlanTable(branch.value.vlanId), branch: branch.value });
  }
  const table = ordinaryRouteTable(meta.DeviceNumber, meta.RouteTableId);
  if (!table.ok) return bad(table.problem);
  return ok({ ipv4: ipv4.value, deviceNumber: meta.DeviceNumber, routeTable: table.value });
}

export interface DelLease {
  ipv4: Ipv4;
  /** 0 for ordinary pods. */
  vlanId: VlanId | 0;
  /** Ordinary pods only (a branch pod's rules go by VLAN). */
  routeTable?: TableId;
}

/** A successful DelNetworkReply; `undefined` value when the container had no IPv4 address. */
export function parseDelReply(r: DelNetworkReply): Parsed<DelLease | undefined> {
  const meta = firstIpv4(r.IPAllocationMetadata);
  if (meta === undefined) return ok(undefined);
  const ipv4 = parseIpv4(meta.IPv4Addr, "ipamd's IPv4Addr");
  if (!ipv4.ok) return bad(ipv4.problem);
  if (r.PodVlanId !== 0) {
    const vlanId = parseVlanId(r.PodVlanId, "ipamd's PodVlanId");
    return vlanId.ok ? ok({ ipv4: ipv4.value, vlanId: vlanId.value }) : bad(vlanId.problem);
  }
  const table = ordinaryRouteTable(meta.DeviceNumber, meta.RouteTableId);
  return table.ok ? ok({ ipv4: ipv4.value, vlanId: 0, routeTable: table.value }) : bad(table.problem);
}

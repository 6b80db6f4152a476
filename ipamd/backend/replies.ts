// Reply builders: every field present with proto3 defaults, like the Go structs ipamd returns.

import type { AddNetworkReply, DelNetworkReply, IPAllocationMetadata } from "../../proto/rpc.js";

export function addReply(fields: Partial<AddNetworkReply> = {}): AddNetworkReply {
  return {
    Success: false,
    IPAllocationMetadata: [],
    UseExternalSNAT: false,
    VPCv4CIDRs: [],
    PodVlanId: 0,
    PodENIMAC: "",
    PodENISubnetGW: "",
    ParentIfIndex: 0,
    VPCv6CIDRs: [],
    NetworkPolicyMode: "",
    ...fields,
  };
}

export function delReply(fields: Partial<DelNetworkReply> = {}): DelNetworkReply {
  return { Success: false, IPAllocationMetadata: [], PodVlanId: 0, NetworkPolicyMode: "", ...fields };
}

export function ipMeta(ipv4: string, deviceNumber: number, routeTableId: number): IPAllocationMetadata {
  return { IPv4Addr: ipv4, IPv6Addr: "", DeviceNumber: deviceNumber, RouteTableId: routeTableId };
}

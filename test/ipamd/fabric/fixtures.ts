// The VPC view the fabric tests share.
import type { VpcRouting } from "../../../ipamd/fabric/types.js";
import { parseRouting } from "../../../ipamd/fabric/view.js";

export const A = "i-0aaaaaaaaaaaaaaaa";
export const B = "i-0bbbbbbbbbbbbbbbb";

/** node-a 10.0.0.4 (two secondary IPs, a branch ENI on VLAN 3), node-b 10.0.0.8 (a secondary ENI, a branch on VLAN 1). */
export const VIEW: VpcRouting = parseRouting({
  version: "e.1", vpcId: "vpc-0123456789abcdef0", cidrs: ["10.0.0.0/16"],
  instances: [{ instanceId: A, name: "node-a", privateIp: "10.0.0.4" }, { instanceId: B, name: "node-b", privateIp: "10.0.0.8" }],
  interfaces: [
    { eniId: "eni-0a0000000000000a1", interfaceType: "interface", macAddress: "02:AA:00:00:00:01", subnetCidr: "10.0.0.0/19", ips: ["10.0.0.4", "10.0.0.5", "10.0.0.6"], instanceId: A },
    { eniId: "eni-0a0000000000000a2", interfaceType: "trunk", macAddress: "02:aa:00:00:00:02", subnetCidr: "10.0.0.0/19", ips: ["10.0.0.7"], instanceId: A },
    { eniId: "eni-0a0000000000000a3", interfaceType: "branch", macAddress: "02:aa:00:00:00:03", subnetCidr: "10.0.32.0/19", ips: ["10.0.32.4"], instanceId: A, trunkEniId: "eni-0a0000000000000a2", vlanId: 3 },
    { eniId: "eni-0b0000000000000b1", interfaceType: "interface", macAddress: "02:bb:00:00:00:01", subnetCidr: "10.0.0.0/19", ips: ["10.0.0.8"], instanceId: B },
    { eniId: "eni-0b0000000000000b2", interfaceType: "interface", macAddress: "02:bb:00:00:00:02", subnetCidr: "10.0.0.0/19", ips: ["10.0.0.9", "10.0.0.10"], instanceId: B },
    { eniId: "eni-0b0000000000000b3", interfaceType: "branch", macAddress: "02:bb:00:00:00:03", subnetCidr: "10.0.32.0/19", ips: ["10.0.32.5"], instanceId: B, trunkEniId: "eni-0b0000000000000b9", vlanId: 1 },
  ],
});


// Inspection views for the control API and introspection HTTP: this node's ENIs (primary, trunk,
// ordinary from the datastore; branch ENIs from the fake EC2), leases, and the node itself.

import type { NetworkInterface } from "../../controller/index.js";
import type { Datastore, EniInfo } from "../datastore/index.js";
import type { HostLinks } from "../hostlinks/index.js";
import type { InstanceLimits } from "../../common/limits.js";
import { maxPods } from "../../common/limits.js";
import type * as W from "./control-types.js";

export interface InspectDeps {
  nodeName: string;
  instanceType: string;
  limits: InstanceLimits;
  datastore: Datastore;
  hostLinks: HostLinks;
  /** Branch ENIs of this node (the fake EC2's view). */
  branchEnis(): readonly NetworkInterface[];
  capacity(): Record<string, string>;
  trunk(): { eniId: string; ifIndex: number } | undefined;
  subnetCidr: string;
}

export interface Inspector {
  enis(): W.ENI[];
  leases(): W.Lease[];
  node(): W.Node;
}

function datastoreEni(e: EniInfo, links: HostLinks): W.ENI {
  const link = links.get(e.eniId);
  return {
    eni_id: e.eniId,
    mac: e.mac,
    device_number: e.deviceNumber,
    trunk: e.isTrunk,
    branch: false,
    vlan_id: 0,
    ipv4_addresses: [e.primaryIp, ...e.secondaryIps].filter((ip) => ip !== ""),
    subnet_cidr: e.subnetCidr,
    pod_namespace: "",
    pod_name: "",
    host_link: link?.name ?? "",
    host_ifindex: link?.ifIndex ?? 0,
    state: "attached",
  };
}

function branchEni(e: NetworkInterface): W.ENI {
  return {
    eni_id: e.eniId,
    mac: e.mac,
    device_number: -1,
    trunk: false,
    branch: true,
    vlan_id: e.vlanId,
    ipv4_addresses: [...e.privateIps],
    subnet_cidr: e.subnetCidr,
    pod_namespace: e.podNamespace,
    pod_name: e.podName,
    host_link: "",
    host_ifindex: 0,
    state: e.state,
  };
}

export function createInspector(d: InspectDeps): Inspector {
  return {
    enis: () => [...d.datastore.enis().map((e) => datastoreEni(e, d.hostLinks)), ...d.branchEnis().map(branchEni)],
    leases: () =>
      d.datastore.leases().map((l) => ({
        network_name: l.key.networkName,
        container_id: l.key.containerID,
        if_name: l.key.ifName,
        ipv4: l.ip,
        pod_namespace: l.metadata.k8sPodNamespace,
        pod_name: l.metadata.k8sPodName,
        allocated_at_ms: l.allocatedAt,
        eni_id: l.eniId ?? "",
      })),
    node: () => ({
      name: d.nodeName,
      instance_type: d.instanceType,
      capacity: d.capacity(),
      trunk_eni_id: d.trunk()?.eniId ?? "",
      trunk_ifindex: d.trunk()?.ifIndex ?? 0,
      subnet_cidr: d.subnetCidr,
      max_pods: maxPods(d.limits),
    }),
  };
}

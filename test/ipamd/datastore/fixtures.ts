// Test fixtures for the datastore: ENIs with predictable IPs, keys and metadata.

import type { EniSpec, LeaseKey, PodMetadata } from "../../../ipamd/datastore/index.js";

/** An ENI at device d in 10.0.d.0/24: primary .10, secondaries .11, .12, ... */
export function eni(d: number, secondaries: number, extra: Partial<EniSpec> = {}): EniSpec {
  return {
    eniId: `eni-${String(d).padStart(4, "0")}`,
    mac: `02:00:00:00:00:${d.toString(16).padStart(2, "0")}`,
    deviceNumber: d,
    primaryIp: `10.0.${d}.10`,
    subnetCidr: `10.0.${d}.0/24`,
    secondaryIps: Array.from({ length: secondaries }, (_, i) => `10.0.${d}.${11 + i}`),
    ...extra,
  };
}

export function key(container: string, ifName = "eth0", networkName = "aws-cni"): LeaseKey {
  return { networkName, containerID: container, ifName };
}

export function meta(name: string, namespace = "default"): PodMetadata {
  return { k8sPodNamespace: namespace, k8sPodName: name, interfacesCount: 1 };
}

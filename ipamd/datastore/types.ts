// The datastore's public shapes: lease keys (the CNI primary key), pod metadata, ENIs, leases, stats.

/** The CNI attachment key ipamd uses (pkg/ipamd/datastore IPAMKey): network, container, interface. */
export interface LeaseKey {
  readonly networkName: string;
  readonly containerID: string;
  readonly ifName: string;
}

/** What the checkpoint keeps about the pod (IPAMMetadata); fields empty when unknown. */
export interface PodMetadata {
  readonly k8sPodNamespace: string;
  readonly k8sPodName: string;
  /** Interfaces of the pod (1 unless multi-NIC); the checkpoint's interfacesCount. */
  readonly interfacesCount: number;
}

/** An ENI as it is attached to the node, with the secondary IPs the datastore may hand out. */
export interface EniSpec {
  readonly eniId: string;
  readonly mac: string;
  /** EC2 DeviceIndex: 0 is the primary ENI. */
  readonly deviceNumber: number;
  readonly primaryIp: string;
  readonly subnetCidr: string;
  /** Addresses for pods (the ENI's primary address excluded). A trunk ENI has none. */
  readonly secondaryIps: readonly string[];
  /** The trunk ENI carries branch ENIs; it is never used for ordinary pods' IPs. */
  readonly isTrunk?: boolean;
}

export type IpState =
  | { readonly kind: "free" }
  | { readonly kind: "assigned"; readonly key: LeaseKey }
  /** Released in memory, the release not yet durable: not assignable until the write is done. */
  | { readonly kind: "releasing"; readonly key: LeaseKey; readonly since: number }
  | { readonly kind: "cooldown"; readonly until: number };

/** A read-only view of one ENI. */
export interface EniInfo extends EniSpec {
  readonly isPrimary: boolean;
  readonly isTrunk: boolean;
  /** Route table of the ENI: main (254) for device 0, device + 1 otherwise. */
  readonly routeTableId: number;
  readonly attachedAt: number;
  readonly ips: ReadonlyArray<{ readonly ip: string; readonly state: IpState }>;
}

export interface Lease {
  readonly key: LeaseKey;
  readonly ip: string;
  /** The ENI holding the IP; undefined for a restored lease whose ENI is not (yet) attached. */
  readonly eniId: string | undefined;
  readonly deviceNumber: number;
  readonly routeTableId: number;
  /** Clock milliseconds when the lease was first made. */
  readonly allocatedAt: number;
  readonly metadata: PodMetadata;
}

/** The result of assign: the lease, and whether this call created it (false = idempotent repeat). */
export interface Assignment {
  readonly lease: Lease;
  readonly created: boolean;
}

/** Like the real DataStoreStats (ordinary pods' IPv4 only; the trunk ENI is not counted). */
export interface DatastoreStats {
  /** Secondary IPs on non-trunk ENIs. */
  readonly totalIps: number;
  readonly assignedIps: number;
  /** Released IPs still waiting out the cooldown or their durable release (not assignable yet, counted as available by warm targets). */
  readonly cooldownIps: number;
  /** Leases restored from the checkpoint whose IP is on no attached ENI. */
  readonly unbackedLeases: number;
  /** Non-trunk ENIs. */
  readonly enis: number;
  readonly trunkAttached: boolean;
}

/** totalIps - assignedIps, the real AvailableAddresses(). */
export function availableAddresses(stats: DatastoreStats): number {
  return stats.totalIps - stats.assignedIps;
}

export function leaseKeyString(key: LeaseKey): string {
  return `${key.networkName}/${key.containerID}/${key.ifName}`;
}

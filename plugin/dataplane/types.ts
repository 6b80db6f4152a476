// What the verbs ask of the pod dataplane, and what it answers. The verbs never run iproute2
// themselves; the real implementation (netns + iproute2) and the recording one (tests, non-root)
// both implement Dataplane.

export type SgEnforcingMode = "strict" | "standard";

export interface BranchSpec {
  vlanId: number;
  /** The branch ENI's MAC (PodENIMAC), given to the VLAN link. */
  eniMac: string;
  /** Subnet gateway (PodENISubnetGW): subnet base + 1. */
  subnetGateway: string;
  /** ifindex of the trunk link in the host netns (ParentIfIndex). */
  parentIfIndex: number;
  mode: SgEnforcingMode;
}

export interface PodNetworkSpec {
  containerId: string;
  /** Path of the pod's network namespace (CNI_NETNS). */
  netns: string;
  /** Interface name inside the pod (CNI_IFNAME). */
  ifName: string;
  podNamespace: string;
  podName: string;
  /** Host veth name: prefix + first 11 hex of sha1("<namespace>.<name>"), see docs/REFERENCE.md §3. */
  hostVethName: string;
  mtu: number;
  /** The pod's IPv4 address (no prefix length: it is configured as /32). */
  ipv4: string;
  /** Route table for "from <ip>" rules; 254 (main) means none (device d uses table d+1). */
  routeTable: number;
  /** Present for branch-ENI pods. */
  branch?: BranchSpec;
}

export interface LinkInfo {
  name: string;
  mac: string;
  /** Netns path for links inside the pod; undefined for host links. */
  sandbox?: string;
}

export interface PodInterfaces {
  hostVeth: LinkInfo;
  container: LinkInfo;
  /** Branch pods: the VLAN (or, on kernels without 802.1Q, the macvlan fallback) link on the host. */
  vlan?: LinkInfo & { kind: "vlan" | "macvlan" };
}

/** What DEL knows: from prevResult when there is one, else only names derived from CNI args. */
export interface TeardownSpec {
  containerId: string;
  netns: string; // may be "" (containerd's second DEL)
  ifName: string;
  hostVethName: string;
  ipv4?: string;
  routeTable?: number;
  vlanId?: number;
  mode?: SgEnforcingMode;
}

export interface Dataplane {
  /** Configures the pod network; on failure undoes everything it made, then throws CniError. */
  setup(spec: PodNetworkSpec, signal: AbortSignal): Promise<PodInterfaces>;
  /** Removes what setup made; succeeds when some or all of it is already gone. */
  teardown(spec: TeardownSpec, signal: AbortSignal): Promise<void>;
  /** Verifies the pod network against spec; throws CniError naming what is missing or wrong. */
  check(spec: PodNetworkSpec, signal: AbortSignal): Promise<void>;
}

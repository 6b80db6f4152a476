// What the verbs ask of the pod dataplane, and what it answers. The verbs never run iproute2
// themselves; the real implementation (netns + iproute2) and the recording one (tests, non-root)
// both implement Dataplane. Every value a plan is built from is a typed value of common/boundary
// (issue #10): nothing reaches a command line that a parser did not check.
import type { ContainerId, IfIndex, IfName, Ipv4, Mac, NetnsPath, TableId, VlanId } from "../../common/boundary/index.js";

export type SgEnforcingMode = "strict" | "standard";

export interface BranchSpec {
  vlanId: VlanId;
  /** The branch ENI's MAC (PodENIMAC), given to the VLAN link; CHECK has none (prevResult lacks it). */
  eniMac: Mac | undefined;
  /** Subnet gateway (PodENISubnetGW): subnet base + 1; CHECK may have none. */
  subnetGateway: Ipv4 | undefined;
  /** ifindex of the trunk link in the host netns (ParentIfIndex); CHECK has none. */
  parentIfIndex: IfIndex | undefined;
  mode: SgEnforcingMode;
}

export interface PodNetworkSpec {
  containerId: ContainerId;
  /** Path of the pod's network namespace (CNI_NETNS). */
  netns: NetnsPath;
  /** Interface name inside the pod (CNI_IFNAME). */
  ifName: IfName;
  podNamespace: string;
  podName: string;
  /** Host veth name: prefix + first 11 hex of sha1("<namespace>.<name>"), see docs/REFERENCE.md §3. */
  hostVethName: IfName;
  /** 576..9001 (aws-cni's GetPodMTU). */
  mtu: number;
  /** The pod's IPv4 address (no prefix length: it is configured as /32). */
  ipv4: Ipv4;
  /** Route table for "from <ip>" rules; 254 (main) means none (device d uses table d+1). */
  routeTable: TableId;
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
  containerId: ContainerId;
  netns: NetnsPath | ""; // "" on containerd's second DEL
  ifName: IfName;
  hostVethName: IfName;
  ipv4?: Ipv4;
  routeTable?: TableId;
  /** 0 or absent: an ordinary pod. */
  vlanId?: VlanId | 0;
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

// The daemon's configuration: one frozen, validated object (defaults <- config file <- flags).

import type { SimplePolicy } from "../../cluster/k8s/index.js";
import type { ControllerFaults, ProvisioningDelay } from "../../controller/index.js";

export type HostLinksMode = "auto" | "on" | "off";
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** The real ipamd's warm-pool environment variables (docs/REFERENCE.md §4); undefined = unset. */
export interface WarmTargets {
  WARM_ENI_TARGET: number;
  WARM_IP_TARGET: number | undefined;
  MINIMUM_IP_TARGET: number | undefined;
  WARM_PREFIX_TARGET: number | undefined;
}

export interface NodeConfig {
  name: string;
  instanceType: string;
  /** Subnet of the primary, ordinary and trunk ENIs. */
  subnetCidr: string;
  /** Subnet branch ENIs get their IPs from. */
  branchSubnetCidr: string;
  /** VPCv4CIDRs of AddNetworkReply. */
  vpcCidrs: readonly string[];
  /** ENABLE_POD_ENI: ask the controller for a trunk ENI at start (only if the type trunks). */
  trunk: boolean;
}

/** Where the cluster is: in this process (the standalone daemon), or an API server + EC2 (cluster mode). */
export type ClusterMode =
  | { mode: "memory" }
  | { mode: "kube"; kubeconfig: string | undefined; ec2Endpoint: string; fabric: FabricConfig };

/** Cluster mode's share of the VPC's routing on this node (ipamd/fabric). */
export interface FabricConfig {
  enabled: boolean;
  /** The node's link into the VPC (eth0 on an instance, on a kind node, on `cluster up`'s nodes). */
  uplink: string;
}

/** --serve-api: the embedded cluster served as a Kubernetes API (memory mode only). */
export interface ServeApi {
  host: string;
  port: number;
  /** Where the kubeconfig (server, CA, token) is written, 0600, before the ready line. */
  kubeconfig: string;
}

export interface IpamdConfig {
  cluster: ClusterMode;
  serveApi: ServeApi | undefined;
  /** unix:///path or host:port: rpc.CNIBackend and health (the plugin's socket). */
  listen: string;
  /** unix:///path or host:port: harness.v1.Control, on its own socket (README, Security). */
  control: string;
  /** The ClientVersion requests must carry ("" by default, docs/REFERENCE.md §2). */
  clientVersion: string;
  stateDir: string;
  /** The config file read, or undefined. */
  configFile: string | undefined;
  node: NodeConfig;
  policies: readonly SimplePolicy[];
  provisioningDelay: ProvisioningDelay;
  /** Branch ENI cooldown of the controller before deletion. */
  branchCooldownMs: number;
  ec2: { qps: number; burst: number; callLatencyMs: number };
  faults: ControllerFaults & { ipamdDown: boolean };
  warm: WarmTargets;
  /** IP_COOLDOWN_PERIOD. */
  ipCooldownMs: number;
  /** 0 = fail at once like the real ipamd. */
  waitForBranchEniMs: number;
  hostLinks: HostLinksMode;
  /** Name prefix of host links (distinct per daemon when several run on one host). */
  hostLinkPrefix: string;
  /** host:port, or "off". */
  introspection: string;
  metrics: string;
  logLevel: LogLevel;
  /** Seed of the controller's RNG (delay distributions, fault rates). */
  seed: number;
}

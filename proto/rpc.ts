// TypeScript shapes of rpc.proto messages as @grpc/proto-loader gives them with keepCase,
// longs as numbers, defaults on. Shared by the plugin's client and ipamd's server.

export interface AddNetworkRequest {
  K8S_POD_NAME: string;
  K8S_POD_NAMESPACE: string;
  K8S_POD_INFRA_CONTAINER_ID: string;
  Netns: string;
  IfName: string;
  NetworkName: string;
  ContainerID: string;
  ClientVersion: string;
  RequiresMultiNICAttachment: boolean;
}

export interface IPAllocationMetadata {
  IPv4Addr: string;
  IPv6Addr: string;
  DeviceNumber: number;
  RouteTableId: number;
}

export interface AddNetworkReply {
  Success: boolean;
  IPAllocationMetadata: IPAllocationMetadata[];
  UseExternalSNAT: boolean;
  VPCv4CIDRs: string[];
  PodVlanId: number;
  PodENIMAC: string;
  PodENISubnetGW: string;
  ParentIfIndex: number;
  VPCv6CIDRs: string[];
  NetworkPolicyMode: string;
}

export interface DelNetworkRequest {
  K8S_POD_NAME: string;
  K8S_POD_NAMESPACE: string;
  K8S_POD_INFRA_CONTAINER_ID: string;
  Reason: string;
  IfName: string;
  NetworkName: string;
  ContainerID: string;
  ClientVersion: string;
  K8S_POD_UID: string;
}

export interface DelNetworkReply {
  Success: boolean;
  IPAllocationMetadata: IPAllocationMetadata[];
  PodVlanId: number;
  NetworkPolicyMode: string;
}

/**
 * The ClientVersion both sides compare by default; a mismatch is FAILED_PRECONDITION. Release
 * builds of aws-cni send "" and their ipamd expects "" (the Makefile's -X flag names no existing
 * symbol, docs/REFERENCE.md §2), so the real plugin works against mock-ipamd unchanged. mock-ipamd
 * --client-version and the plugin's netconf key ipamdClientVersion choose another value.
 */
export const CLIENT_VERSION = "";

/** gRPC method paths, so a client can call without parsing the .proto at start-up. */
export const ADD_NETWORK_PATH = "/rpc.CNIBackend/AddNetwork";
export const DEL_NETWORK_PATH = "/rpc.CNIBackend/DelNetwork";

/** Health service name the real aws-node registers. */
export const HEALTH_SERVICE = "grpc.health.v1.aws-node";

/** Loader options every user of the protos shares, so field names and defaults agree. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
} as const;

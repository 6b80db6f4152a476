// Field tables of rpc.proto (v1.20+ numbers, docs/REFERENCE.md §2) and grpc.health.v1, for wire.ts.
// test/plugin/client/schema.test.ts checks them against proto/rpc.proto so they cannot drift.
import type { MessageSpec } from "./wire.js";

const s = (no: number, name: string) => ({ no, name, kind: "string" as const });
const b = (no: number, name: string) => ({ no, name, kind: "bool" as const });
const i = (no: number, name: string) => ({ no, name, kind: "int32" as const });

export const IPAllocationMetadataSpec: MessageSpec = {
  name: "IPAllocationMetadata",
  fields: [s(1, "IPv4Addr"), s(2, "IPv6Addr"), i(3, "DeviceNumber"), i(4, "RouteTableId")],
};

export const AddNetworkRequestSpec: MessageSpec = {
  name: "AddNetworkRequest",
  fields: [
    s(1, "K8S_POD_NAME"),
    s(2, "K8S_POD_NAMESPACE"),
    s(3, "K8S_POD_INFRA_CONTAINER_ID"),
    s(4, "Netns"),
    s(5, "IfName"),
    s(6, "NetworkName"),
    s(7, "ContainerID"),
    s(8, "ClientVersion"),
    b(9, "RequiresMultiNICAttachment"),
  ],
};

export const AddNetworkReplySpec: MessageSpec = {
  name: "AddNetworkReply",
  fields: [
    b(1, "Success"),
    { no: 2, name: "IPAllocationMetadata", kind: "message", repeated: true, message: IPAllocationMetadataSpec },
    b(5, "UseExternalSNAT"),
    { ...s(6, "VPCv4CIDRs"), repeated: true },
    i(7, "PodVlanId"),
    s(8, "PodENIMAC"),
    s(9, "PodENISubnetGW"),
    i(10, "ParentIfIndex"),
    { ...s(12, "VPCv6CIDRs"), repeated: true },
    s(13, "NetworkPolicyMode"),
  ],
};

export const DelNetworkRequestSpec: MessageSpec = {
  name: "DelNetworkRequest",
  fields: [
    s(1, "K8S_POD_NAME"),
    s(2, "K8S_POD_NAMESPACE"),
    s(3, "K8S_POD_INFRA_CONTAINER_ID"),
    s(5, "Reason"),
    s(6, "IfName"),
    s(7, "NetworkName"),
    s(8, "ContainerID"),
    s(9, "ClientVersion"),
    s(10, "K8S_POD_UID"),
  ],
};

export const DelNetworkReplySpec: MessageSpec = {
  name: "DelNetworkReply",
  fields: [
    b(1, "Success"),
    { no: 2, name: "IPAllocationMetadata", kind: "message", repeated: true, message: IPAllocationMetadataSpec },
    i(4, "PodVlanId"),
    s(6, "NetworkPolicyMode"),
  ],
};

/** grpc.health.v1.HealthCheckRequest / HealthCheckResponse (status is an enum: int32 on the wire). */
export const HealthCheckRequestSpec: MessageSpec = { name: "HealthCheckRequest", fields: [s(1, "service")] };
export const HealthCheckResponseSpec: MessageSpec = { name: "HealthCheckResponse", fields: [i(1, "status")] };
export const HEALTH_CHECK_PATH = "/grpc.health.v1.Health/Check";
/** grpc.health.v1 ServingStatus values. */
export const SERVING = 1;

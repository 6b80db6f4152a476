// The fabric of cluster mode: this node's share of the VPC's routing (every other node's pod
// addresses to that node, this node's branch ENIs onto its trunk), kept in step with mock-ec2's
// routing view. See plan.ts for the routes and why.

export { createFabric } from "./reconciler.js";
export type { Fabric, FabricDeps, FabricLog, FabricSource, FabricStatus } from "./reconciler.js";
export { spawnIp, procSysctl } from "./netlink.js";
export type { IpPort, SysctlPort } from "./netlink.js";
export { ec2FabricSource } from "./source.js";
export { startNodeFabric } from "./start.js";
export type { NodeFabricOptions } from "./start.js";
export { planFabric } from "./plan.js";
export { diffFabric } from "./diff.js";
export { FABRIC_TABLE } from "./types.js";
export type { FabricSelf, VpcRouting } from "./types.js";

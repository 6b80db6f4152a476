// mock-ipamd's public entry point: what other actors' wiring (the harness's simulated world, the
// demo, tests) may use. Everything else under ipamd/ is internal.

export { createBackend, durableIpDatastore, classify, NO_BRANCH_TEXT, NO_IP_TEXT, UNKNOWN_POD_TEXT } from "./backend/index.js";
export type { Backend, BackendDeps, BackendLog, IpDatastore, NodeInfo, NodePods } from "./backend/index.js";
export { MemoryCheckpoint, FileCheckpoint } from "./checkpoint/index.js";
export { Datastore, DurableDatastore, isUnknownPod } from "./datastore/index.js";
export type { EniSpec } from "./datastore/index.js";
export { markCniNode, trunkReady, waitForNode } from "./cluster/node.js";
export { nodePods, nodePodsInformer } from "./cluster/pods.js";
export { controlClient } from "./server/control-client.js";
export type { ControlClient } from "./server/control-client.js";
export type * as ControlWire from "./server/control-types.js";
export { startDaemon } from "./daemon.js";
export type { RunningDaemon } from "./daemon.js";
export { ownedNamePattern } from "./hostlinks/types.js";

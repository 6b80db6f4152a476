// The cluster seam: one interface (types.ts), two backends (memory.ts on the ObjectStore, kube/ on
// any API server), and what components build on it: informers, the event recorder, retries.

export type * from "./types.js";
export { createInformer, type InformerEventType, type InformerHandler, type InformerLog, type InformerOptions } from "./informer.js";
export { createEventRecorder, recorderFor, type EventRecorder, type Recorded, type RecorderOptions } from "./recorder.js";
export { EventCorrelator, MAX_LRU_CACHE_ENTRIES, aggregationKey } from "./correlator.js";
export { DEFAULT_BACKOFF, DEFAULT_RETRY, isConflict, isUidPreconditionFailure, retryOnConflict, type Backoff } from "./retry.js";
export { createMemoryCluster, type MemoryClusterOptions } from "./memory.js";
export { bindPod, createPod, recordScheduling, scheduledMessage } from "./bind.js";
export { registerNode, setNodeReady, type NodeRegistration } from "./register.js";

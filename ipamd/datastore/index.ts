// Public API of ipamd's datastore: the pure allocation state and its durable (checkpointed) wrapper.

export type {
  Assignment,
  DatastoreStats,
  EniInfo,
  EniSpec,
  IpState,
  Lease,
  LeaseKey,
  PodMetadata,
} from "./types.js";
export { availableAddresses, leaseKeyString } from "./types.js";
export {
  DEFAULT_IP_COOLDOWN_MS,
  MAIN_ROUTE_TABLE,
  NO_AVAILABLE_IP_MSG,
  UNKNOWN_POD_MSG,
  isNoAvailableIp,
  isUnknownPod,
  routeTableFor,
} from "./errors.js";
export type { DatastoreOptions, RestoreReport, RestoredLease } from "./datastore.js";
export { Datastore } from "./datastore.js";
export { DurableDatastore, snapshot } from "./durable.js";

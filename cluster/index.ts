// The in-memory API server: object model, store factory, event aggregation helpers.

export * from "./types.js";
export { createClusterStore, type ClusterStoreDeps } from "./store.js";
export { EVENT_AGGREGATION_WINDOW_MS, formatEventAge, formatEventCount } from "./events.js";

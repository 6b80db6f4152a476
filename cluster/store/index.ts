// The registry (the API server's object store): see types.ts for the interface.

export * from "./types.js";
export { createObjectStore, DEFAULT_STORE_LIMITS, type ObjectStoreDeps, type StoreLimits } from "./store.js";
export { StatusError, toStatus, statusCode, qualifiedResource, OPTIMISTIC_LOCK_MESSAGE } from "./errors.js";
export { INITIAL_NAMESPACES } from "./bootstrap.js";
export { parseLabelSelector, matchesLabels, fromLabelSelector, type LabelRequirement } from "./labels.js";

// Kubernetes wire shapes and their codecs: typed views parsed at the edge, builders for the objects
// the components create.

export type * from "./types.js";
export * from "./pod.js";
export * from "./node.js";
export * from "./sgp.js";
export * from "./cninode.js";
export * from "./event.js";
export * from "./selector.js";
export * from "./resources.js";
export * from "./duration.js";
export type { MetaView } from "./meta.js";
export { describeObject } from "./meta.js";
export { formatTime, invalidField } from "./fields.js";

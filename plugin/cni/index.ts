// The CNI protocol, one owner: env, netconf, CNI_ARGS, versions, results, conversion, errors, skel.
export * from "./args.js";
export * from "./convert.js";
export * from "./env.js";
export * from "./errors.js";
export * from "./log.js";
export * from "./netconf.js";
export * from "./skel.js";
export type * from "./types040.js";
export type * from "./types100.js";
export type * from "./types110.js";
export * from "./version.js";

// mock-ipamd configuration: defaults <- config file (YAML/JSON) <- flags, one frozen object.

export type { ClusterMode, HostLinksMode, IpamdConfig, LogLevel, NodeConfig, WarmTargets } from "./types.js";
export { DEFAULT_CONFIG } from "./defaults.js";
export { buildCommand, parseFlags, type Flags } from "./flags.js";
export { parseConfigFile, resolveConfig, type ReadFile } from "./resolve.js";
export type { ConfigFile } from "./schema.js";

// The libcni-like runtime: public API.

export type { CniRuntime } from "./runtime.js";
export { createCniRuntime } from "./runtime.js";
export { loadConfDir, loopbackList, parseConfFile, parseConfList } from "./conf.js";
export type { LoadedConfs } from "./conf.js";
export { convertResult } from "./convert.js";
export { cacheFile, listCache, readCache } from "./cache.js";
export type { CachedAttachment } from "./cache.js";
export { findPlugin, pluginErrorText } from "./exec.js";
export { SUPPORTED_VERSIONS, atLeast, compareVersions, pickVersion } from "./version.js";
export type { CniResult, CniRuntimeOptions, CniVerb, ExecRecord, GCAttachment, NetworkConfigList, PluginConf, PluginErrorObject, RuntimeConf } from "./types.js";

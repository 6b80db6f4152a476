// The libcni-like runtime: ADD/DEL/CHECK/GC/STATUS over a network config list, with libcni's
// ordering, injection, result cache, version gates and error wording (docs/REFERENCE.md sections 5 and 7).

import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import { deleteCache, readCache, writeCache } from "./cache.js";
import { convertResult } from "./convert.js";
import { gcNetworkList } from "./gc.js";
import { buildPluginConfig } from "./inject.js";
import { createInvoker } from "./invoke.js";
import { atLeast, isSupported } from "./version.js";
import type { CniResult, CniRuntimeOptions, GCAttachment, NetworkConfigList, RuntimeConf } from "./types.js";

export interface CniRuntime {
  /** Runs every plugin in order, each with the previous result; caches the final result. */
  addNetworkList(list: NetworkConfigList, rt: RuntimeConf, signal?: AbortSignal): Promise<CniResult>;
  /** Runs every plugin in reverse order with the cached result (≥ 0.4.0); removes the cache. */
  delNetworkList(list: NetworkConfigList, rt: RuntimeConf, signal?: AbortSignal): Promise<void>;
  checkNetworkList(list: NetworkConfigList, rt: RuntimeConf, signal?: AbortSignal): Promise<void>;
  /** DELs cached attachments of this network not in `valid`, then sends GC (≥ 1.1.0) to every plugin. */
  gcNetworkList(list: NetworkConfigList, valid: readonly GCAttachment[], signal?: AbortSignal): Promise<void>;
  statusNetworkList(list: NetworkConfigList, signal?: AbortSignal): Promise<void>;
  getCachedResult(list: NetworkConfigList, rt: Pick<RuntimeConf, "containerId" | "ifName">): Promise<CniResult | undefined>;
}

function asResult(output: unknown, listVersion: string): CniResult | undefined {
  if (typeof output !== "object" || output === null || Array.isArray(output)) return undefined;
  const o = output as Record<string, unknown>;
  // fixupResultVersion: a result without (or with an empty) cniVersion is in the config's version.
  return { ...o, cniVersion: typeof o.cniVersion === "string" && o.cniVersion !== "" ? o.cniVersion : listVersion };
}

/** A result in the list's version when both are known (libcni's GetAsVersion), else as it is. */
function inVersion(result: CniResult | undefined, version: string): CniResult | undefined {
  if (result === undefined || !isSupported(version) || !isSupported(result.cniVersion)) return result;
  return convertResult(result, version);
}

export function createCniRuntime(opts: CniRuntimeOptions, clock: Clock = systemClock): CniRuntime {
  const invoke = createInvoker(opts, clock);

  async function cached(list: NetworkConfigList, rt: Pick<RuntimeConf, "containerId" | "ifName">): Promise<CniResult | undefined> {
    const entry = await readCache(opts.cacheDir, list.name, rt);
    try {
      return inVersion(entry?.result, list.cniVersion);
    } catch {
      return undefined;
    }
  }

  const api: CniRuntime = {
    async addNetworkList(list, rt, signal) {
      // libcni's AddNetworkList: each plugin gets the previous result as that plugin printed it
      // (no conversion: plugins parse prevResult into their own version); the last one is
      // returned and cached as is. Only cached results are converted, when read back (DEL, CHECK).
      let prev: CniResult | undefined;
      for (const plugin of list.plugins) {
        const config = buildPluginConfig(list.name, list.cniVersion, plugin, prev, rt);
        const output = await invoke("ADD", list, plugin, rt, config, signal);
        prev = asResult(output, list.cniVersion) ?? prev;
      }
      const result = prev ?? { cniVersion: list.cniVersion };
      await writeCache(opts.cacheDir, list.name, list.bytes, rt, result);
      return result;
    },

    async delNetworkList(list, rt, signal) {
      // libcni: no cached result for 0.3.x lists; prevResult only from 0.4.0 on.
      const prev = isSupported(list.cniVersion) && atLeast(list.cniVersion, "0.4.0") ? await cached(list, rt) : undefined;
      for (const plugin of [...list.plugins].reverse()) {
        await invoke("DEL", list, plugin, rt, buildPluginConfig(list.name, list.cniVersion, plugin, prev, rt), signal);
      }
      await deleteCache(opts.cacheDir, list.name, rt);
    },

    async checkNetworkList(list, rt, signal) {
      if (!isSupported(list.cniVersion) || !atLeast(list.cniVersion, "0.4.0")) {
        throw new HarnessError("invalid-argument", `configuration version "${list.cniVersion}" does not support the CHECK command`);
      }
      if (list.disableCheck) return;
      // No cached result: libcni still runs CHECK, without prevResult (the plugin then says what is missing).
      const prev = await cached(list, rt);
      for (const plugin of list.plugins) {
        await invoke("CHECK", list, plugin, rt, buildPluginConfig(list.name, list.cniVersion, plugin, prev, rt), signal);
      }
    },

    gcNetworkList: (list, valid, signal) => gcNetworkList({ invoke, cacheDir: opts.cacheDir, del: (l, rt, sig) => api.delNetworkList(l, rt, sig) }, list, valid, signal),

    async statusNetworkList(list, signal) {
      if (!isSupported(list.cniVersion) || !atLeast(list.cniVersion, "1.1.0")) return;
      for (const plugin of list.plugins) {
        await invoke("STATUS", list, plugin, { containerId: "", netns: "", ifName: "" }, buildPluginConfig(list.name, list.cniVersion, plugin, undefined, {}), signal);
      }
    },

    getCachedResult: cached,
  };
  return api;
}

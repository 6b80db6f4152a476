// libcni's GCNetworkList: DEL every cached attachment of the network that is not in the valid
// set, then (from 1.1.0) send GC with `cni.dev/valid-attachments` to every plugin; keep going
// after errors and report them all.

import { HarnessError, errorMessage } from "../../common/errors.js";
import { listCache } from "./cache.js";
import { buildPluginConfig } from "./inject.js";
import type { Invoke } from "./invoke.js";
import { atLeast, isSupported } from "./version.js";
import type { GCAttachment, NetworkConfigList, RuntimeConf } from "./types.js";

export interface GcDeps {
  invoke: Invoke;
  cacheDir: string;
  del: (list: NetworkConfigList, rt: RuntimeConf, signal?: AbortSignal) => Promise<void>;
}

async function delStale(deps: GcDeps, list: NetworkConfigList, valid: readonly GCAttachment[], signal: AbortSignal | undefined): Promise<string[]> {
  const errors: string[] = [];
  const keep = new Set(valid.map((a) => `${a.containerID}\u0000${a.ifname}`));
  for (const a of await listCache(deps.cacheDir)) {
    if (a.networkName !== list.name || keep.has(`${a.containerId}\u0000${a.ifName}`)) continue;
    const rt: RuntimeConf = {
      containerId: a.containerId, ifName: a.ifName, netns: a.netns ?? "",
      ...(a.cniArgs ? { args: a.cniArgs } : {}), ...(a.capabilityArgs ? { capabilityArgs: a.capabilityArgs } : {}),
    };
    try {
      await deps.del(list, rt, signal);
    } catch (e) {
      errors.push(`failed to delete stale attachment ${a.containerId} ${a.ifName}: ${errorMessage(e)}`);
    }
  }
  return errors;
}

export async function gcNetworkList(deps: GcDeps, list: NetworkConfigList, valid: readonly GCAttachment[], signal?: AbortSignal): Promise<void> {
  if (list.disableGC) return;
  const errors = await delStale(deps, list, valid, signal);
  if (isSupported(list.cniVersion) && atLeast(list.cniVersion, "1.1.0")) {
    const attachments = valid.map((a) => ({ containerID: a.containerID, ifname: a.ifname }));
    for (const plugin of list.plugins) {
      // Both spellings: cni.dev/attachments is the older draft's key (docs/REFERENCE.md §5).
      const config = { ...buildPluginConfig(list.name, list.cniVersion, plugin, undefined, {}), "cni.dev/valid-attachments": attachments, "cni.dev/attachments": attachments };
      try {
        await deps.invoke("GC", list, plugin, { containerId: "", netns: "", ifName: "" }, config, signal);
      } catch (e) {
        errors.push(errorMessage(e));
      }
    }
  }
  if (errors.length > 0) throw new HarnessError("internal", errors.join("\n"));
}

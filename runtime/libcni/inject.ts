// libcni's buildOneConfig: the config each plugin of a list gets on stdin (name, cniVersion,
// prevResult after the first ADD, runtimeConfig = declared capabilities ∩ capability args).

import type { CniResult, PluginConf, RuntimeConf } from "./types.js";

export function runtimeConfigFor(plugin: PluginConf, capabilityArgs: RuntimeConf["capabilityArgs"]): Record<string, unknown> | undefined {
  const caps = plugin.capabilities;
  if (typeof caps !== "object" || caps === null || capabilityArgs === undefined) return undefined;
  const rc: Record<string, unknown> = {};
  for (const [cap, supported] of Object.entries(caps as Record<string, unknown>)) {
    if (supported === true && Object.hasOwn(capabilityArgs, cap)) rc[cap] = capabilityArgs[cap];
  }
  return Object.keys(rc).length > 0 ? rc : undefined;
}

export function buildPluginConfig(
  listName: string,
  cniVersion: string,
  plugin: PluginConf,
  prevResult: CniResult | undefined,
  rt: Pick<RuntimeConf, "capabilityArgs">,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...plugin, name: listName, cniVersion };
  if (prevResult !== undefined) out.prevResult = prevResult;
  const rc = runtimeConfigFor(plugin, rt.capabilityArgs);
  if (rc !== undefined) out.runtimeConfig = rc;
  return out;
}

/** "K=V;K=V" in the given order. */
export function formatCniArgs(args: RuntimeConf["args"]): string {
  return (args ?? []).map(([k, v]) => `${k}=${v}`).join(";");
}

/** libcni's pluginDescription: type="x" plus name="y" when the plugin entry has its own name. */
export function pluginDescription(plugin: PluginConf): string {
  const name = typeof plugin.name === "string" && plugin.name !== "" ? ` name=${JSON.stringify(plugin.name)}` : "";
  return `type=${JSON.stringify(plugin.type)}${name}`;
}

// Loading network config lists from a conf dir, as libcni/go-cni do: files with .conf, .conflist
// or .json in lexical order; a single-plugin .conf becomes a one-element list; invalid files skipped.

import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { pickVersion } from "./version.js";
import type { NetworkConfigList, PluginConf } from "./types.js";

const EXTENSIONS = [".conf", ".conflist", ".json"];

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new HarnessError("invalid-config", `${what}: not a JSON object`);
  return v as Record<string, unknown>;
}

function asPlugin(v: unknown, what: string): PluginConf {
  const o = asObject(v, what);
  if (typeof o.type !== "string" || o.type === "") throw new HarnessError("invalid-config", `${what}: plugin without "type"`);
  return o as PluginConf;
}

/** libcni's ConfListFromBytes (with the 1.2 `cniVersions` rule). */
export function parseConfList(text: string, source = ""): NetworkConfigList {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HarnessError("invalid-config", `error parsing configuration list ${source}: ${errorMessage(e)}`);
  }
  const o = asObject(raw, source || "conflist");
  if (typeof o.name !== "string" || o.name === "") throw new HarnessError("invalid-config", `error parsing configuration list ${source}: no name`);
  let cniVersion = typeof o.cniVersion === "string" ? o.cniVersion : "";
  if (Array.isArray(o.cniVersions)) {
    const picked = pickVersion(o.cniVersions.filter((v): v is string => typeof v === "string"));
    if (picked !== "") cniVersion = picked;
  }
  if (!Array.isArray(o.plugins) || o.plugins.length === 0) {
    throw new HarnessError("invalid-config", `error parsing configuration list ${source}: no plugins in list`);
  }
  return {
    name: o.name,
    cniVersion,
    disableCheck: o.disableCheck === true || o.disableCheck === "true",
    disableGC: o.disableGC === true || o.disableGC === "true",
    plugins: o.plugins.map((p, i) => asPlugin(p, `${source} plugins[${i}]`)),
    source,
    bytes: text,
  };
}

/** libcni's ConfListFromConf: a single plugin config wrapped in a list of its own name and version. */
export function parseConfFile(text: string, source = ""): NetworkConfigList {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HarnessError("invalid-config", `error parsing configuration ${source}: ${errorMessage(e)}`);
  }
  const plugin = asPlugin(raw, source || "conf");
  const list = { name: plugin.name, cniVersion: plugin.cniVersion ?? "", plugins: [plugin] };
  return parseConfList(JSON.stringify(list), source);
}

export interface LoadedConfs {
  lists: NetworkConfigList[];
  /** Files skipped, with why (go-cni skips invalid files and keeps going). */
  skipped: { file: string; reason: string }[];
}

export async function loadConfDir(dir: string): Promise<LoadedConfs> {
  const names = (await readdir(dir)).filter((n) => EXTENSIONS.includes(extname(n))).sort();
  const out: LoadedConfs = { lists: [], skipped: [] };
  for (const n of names) {
    const file = join(dir, n);
    try {
      const text = await readFile(file, "utf8");
      out.lists.push(extname(n) === ".conflist" ? parseConfList(text, file) : parseConfFile(text, file));
    } catch (e) {
      out.skipped.push({ file, reason: errorMessage(e) });
    }
  }
  return out;
}

/** containerd's CRI adds this loopback network for every sandbox (go-cni WithLoNetwork). */
export function loopbackList(): NetworkConfigList {
  return parseConfList(JSON.stringify({ cniVersion: "0.3.1", name: "cni-loopback", plugins: [{ type: "loopback" }] }), "(built-in)");
}

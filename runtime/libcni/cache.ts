// libcni's result cache: <cacheDir>/results/<network>-<containerId>-<ifName>, format cniCacheV1,
// written atomically (temp + rename) after a whole ADD succeeded and removed after DEL.

import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CniResult, RuntimeConf } from "./types.js";

export interface CachedAttachment {
  kind: "cniCacheV1";
  containerId: string;
  config: string;
  ifName: string;
  networkName: string;
  netns?: string;
  cniArgs?: [string, string][];
  capabilityArgs?: Record<string, unknown>;
  result?: CniResult;
}

export function cacheFile(cacheDir: string, network: string, rt: Pick<RuntimeConf, "containerId" | "ifName">): string {
  return join(cacheDir, "results", `${network}-${rt.containerId}-${rt.ifName}`);
}

export async function writeCache(cacheDir: string, network: string, listBytes: string, rt: RuntimeConf, result: CniResult): Promise<void> {
  const entry: CachedAttachment = {
    kind: "cniCacheV1",
    containerId: rt.containerId,
    config: Buffer.from(listBytes).toString("base64"),
    ifName: rt.ifName,
    networkName: network,
    ...(rt.netns === "" ? {} : { netns: rt.netns }),
    ...(rt.args === undefined || rt.args.length === 0 ? {} : { cniArgs: rt.args.map(([k, v]) => [k, v] as [string, string]) }),
    ...(rt.capabilityArgs === undefined ? {} : { capabilityArgs: { ...rt.capabilityArgs } }),
    result,
  };
  const file = cacheFile(cacheDir, network, rt);
  await mkdir(join(cacheDir, "results"), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
  await rename(tmp, file);
}

/** The cached entry, or undefined when absent or unreadable (libcni then DELs without prevResult). */
export async function readCache(cacheDir: string, network: string, rt: Pick<RuntimeConf, "containerId" | "ifName">): Promise<CachedAttachment | undefined> {
  try {
    const v = JSON.parse(await readFile(cacheFile(cacheDir, network, rt), "utf8")) as CachedAttachment;
    return v.kind === "cniCacheV1" ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function deleteCache(cacheDir: string, network: string, rt: Pick<RuntimeConf, "containerId" | "ifName">): Promise<void> {
  await rm(cacheFile(cacheDir, network, rt), { force: true });
}

/** libcni's GetCachedAttachments: every cached entry (of one container when given). */
export async function listCache(cacheDir: string, containerId = ""): Promise<CachedAttachment[]> {
  let names: string[];
  try {
    names = await readdir(join(cacheDir, "results"));
  } catch {
    return [];
  }
  const out: CachedAttachment[] = [];
  for (const n of names) {
    if (n.includes(".tmp-")) continue;
    try {
      const v = JSON.parse(await readFile(join(cacheDir, "results", n), "utf8")) as CachedAttachment;
      if (v.kind === "cniCacheV1" && (containerId === "" || v.containerId === containerId)) out.push(v);
    } catch {
      // unreadable entries are skipped, as libcni does
    }
  }
  return out;
}

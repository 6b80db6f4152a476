// File-backed AttachmentStore: one small JSON file per attachment under <stateDir>/<network>/, so
// parallel invocations for different containers never touch the same file. Written to a temp file
// and renamed (atomic); no fsync, as libcni's own result cache: after a crash, GC only misses a
// record, and ipamd's checkpoint stays the source of truth for IPs.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AttachmentRecord, AttachmentStore } from "./state.js";

const FORMAT = "mock-vpc-cni-attachment/1";

function fileName(containerId: string, ifName: string): string {
  return `${encodeURIComponent(containerId)}_${encodeURIComponent(ifName)}.json`;
}

/**
 * One record, or undefined when it cannot be used: removed meanwhile by a concurrent DEL, another
 * format, or cut short by a crash (no fsync). GC must keep going past such files (spec: GC keeps
 * going after partial errors), so they are skipped instead of failing every later GC.
 */
async function readRecord(path: string): Promise<AttachmentRecord | undefined> {
  let parsed: ({ format?: string } & AttachmentRecord) | null;
  try {
    parsed = JSON.parse(await readFile(path, "utf8")) as ({ format?: string } & AttachmentRecord) | null;
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object" || parsed.format !== FORMAT) return undefined;
  const { format: _format, ...rec } = parsed;
  return rec;
}

export function fileAttachmentStore(stateDir: string): AttachmentStore {
  const dir = (network: string): string => join(stateDir, encodeURIComponent(network));
  return {
    async put(network, rec) {
      await mkdir(dir(network), { recursive: true, mode: 0o700 });
      const target = join(dir(network), fileName(rec.containerId, rec.ifName));
      const tmp = `${target}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ format: FORMAT, ...rec }), { mode: 0o600 });
      await rename(tmp, target);
    },
    async remove(network, containerId, ifName) {
      await rm(join(dir(network), fileName(containerId, ifName)), { force: true });
    },
    async list(network) {
      let names: string[];
      try {
        names = await readdir(dir(network));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw e;
      }
      const out: AttachmentRecord[] = [];
      for (const n of names.filter((f) => f.endsWith(".json"))) {
        const rec = await readRecord(join(dir(network), n));
        if (rec !== undefined) out.push(rec);
      }
      return out;
    },
  };
}

// File-backed AttachmentStore: one small JSON file per attachment, so parallel invocations for
// different containers never touch the same file. File and directory names are fixed-length
// SHA-256 hashes of the key, so no two keys share a file (issue #10: `a_b`+`eth0` and `a`+`b_eth0`
// did) and no id is too long for a file name. Written to a temp file and renamed (atomic); no
// fsync, as libcni's own result cache: after a crash GC only misses a record, and ipamd's
// checkpoint stays the source of truth for IPs. Records are outside input when read back: parsed.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  parseContainerId,
  parseIfName,
  parseIpv4,
  parseNetnsPath,
  parseVlanId,
  podNameProblem,
  podNamespaceProblem,
  type Parsed,
} from "../../common/boundary/index.js";
import { sha256Hex } from "../../common/hash.js";
import type { AttachmentRecord, AttachmentStore } from "./state.js";

const FORMAT = "mock-vpc-cni-attachment/1";

/** JSON of the parts: unambiguous whatever characters they hold. */
export const networkDirName = (network: string): string => sha256Hex(JSON.stringify(["network", network]));
export const recordFileName = (containerId: string, ifName: string): string => `${sha256Hex(JSON.stringify([containerId, ifName]))}.json`;

/** Names of the first format (before hashing), still read and removed so no record is orphaned. */
const legacyDir = (network: string): string => encodeURIComponent(network);
const legacyFile = (containerId: string, ifName: string): string => `${encodeURIComponent(containerId)}_${encodeURIComponent(ifName)}.json`;

const value = <T>(p: Parsed<T>): T | undefined => (p.ok ? p.value : undefined);

/** A record with every field checked, or undefined (another format, cut short by a crash, tampered). */
export function parseRecord(raw: unknown): AttachmentRecord | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const str = (k: string): string => (typeof r[k] === "string" ? (r[k] as string) : "\0");
  const containerId = value(parseContainerId(str("containerId")));
  const ifName = value(parseIfName(str("ifName")));
  const hostVethName = value(parseIfName(str("hostVethName")));
  const ipv4 = value(parseIpv4(str("ipv4")));
  const netns = str("netns") === "" ? "" : value(parseNetnsPath(str("netns")));
  const vlanId = r.vlanId === 0 ? 0 : value(parseVlanId(r.vlanId));
  const mode = r.mode === "strict" || r.mode === "standard" ? r.mode : undefined;
  const pod = podNamespaceProblem(str("podNamespace")) === undefined && podNameProblem(str("podName")) === undefined;
  if (r.format !== FORMAT || containerId === undefined || ifName === undefined || hostVethName === undefined) return undefined;
  if (ipv4 === undefined || netns === undefined || vlanId === undefined || mode === undefined || !pod || typeof r.infraContainerId !== "string") return undefined;
  return { containerId, ifName, netns, podNamespace: str("podNamespace"), podName: str("podName"), infraContainerId: r.infraContainerId, hostVethName, ipv4, vlanId, mode };
}

/**
 * One record, or undefined when it cannot be used: removed meanwhile by a concurrent DEL, another
 * format, or cut short by a crash (no fsync). GC must keep going past such files (spec: GC keeps
 * going after partial errors), so they are skipped instead of failing every later GC.
 */
async function readRecord(path: string): Promise<AttachmentRecord | undefined> {
  try {
    return parseRecord(JSON.parse(await readFile(path, "utf8")));
  } catch {
    return undefined;
  }
}

async function readDir(dir: string): Promise<AttachmentRecord[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const out: AttachmentRecord[] = [];
  for (const n of names.filter((f) => f.endsWith(".json"))) {
    const rec = await readRecord(join(dir, n));
    if (rec !== undefined) out.push(rec);
  }
  return out;
}

export function fileAttachmentStore(stateDir: string): AttachmentStore {
  const dir = (network: string): string => join(stateDir, networkDirName(network));
  return {
    // put and remove are synchronous syscalls: for one small file in a CLI that exits right after,
    // that is cheaper than the thread-pool round trips of fs/promises (README, Performance).
    async put(network, rec) {
      mkdirSync(dir(network), { recursive: true, mode: 0o700 });
      const target = join(dir(network), recordFileName(rec.containerId, rec.ifName));
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, network, ...rec }), { mode: 0o600 });
      renameSync(tmp, target);
    },
    async remove(network, containerId, ifName) {
      rmSync(join(dir(network), recordFileName(containerId, ifName)), { force: true });
      // An old-format name can be too long or invalid for this file system: then it never existed.
      try {
        rmSync(join(stateDir, legacyDir(network), legacyFile(containerId, ifName)), { force: true });
      } catch {
        // ENAMETOOLONG and the like
      }
    },
    async list(network) {
      const legacy = legacyDir(network) === networkDirName(network) ? [] : await readDir(join(stateDir, legacyDir(network))).catch(() => []);
      return [...(await readDir(dir(network))), ...legacy];
    },
  };
}

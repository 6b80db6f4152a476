// Whether this kernel has 802.1Q links, probed once and cached under a state dir: this machine's
// kernel answers "Unknown device type" (docs/REFERENCE.md §6); real EKS and kind nodes have VLANs.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IfName, VlanId } from "../../common/boundary/index.js";
import type { OpRunner } from "./batch.js";
import type { BranchLinkKind } from "./plan.js";

export const VLAN_CACHE_FILE = "vlan-support";

const UNKNOWN_TYPE_RE = /Unknown device type/i;

/**
 * Probe: an 802.1Q link on `lo`. Without the 8021q driver the kernel answers "Unknown device type";
 * with it, it refuses lo (VLAN-challenged) or creates the link, which the probe then removes.
 */
export async function probeVlanSupport(run: OpRunner, signal: AbortSignal): Promise<BranchLinkKind> {
  const probe = `mvc-vprobe${process.pid % 10000}` as IfName;
  const r = await run([{ kind: "sublink", name: probe, parent: "lo" as IfName, mac: undefined, link: { vlan: 4094 as VlanId } }], {}, signal);
  if (r.exitCode === 0) {
    await run([{ kind: "link-del", name: probe }], { force: true }, signal);
    return "vlan";
  }
  return r.failures.some((f) => UNKNOWN_TYPE_RE.test(f.message)) ? "macvlan" : "vlan";
}

function readCache(stateDir: string): BranchLinkKind | undefined {
  try {
    const v = readFileSync(join(stateDir, VLAN_CACHE_FILE), "utf8").trim();
    return v === "vlan" || v === "macvlan" ? v : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(stateDir: string, kind: BranchLinkKind): void {
  try {
    mkdirSync(stateDir, { recursive: true });
    const tmp = join(stateDir, `${VLAN_CACHE_FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, `${kind}\n`);
    renameSync(tmp, join(stateDir, VLAN_CACHE_FILE)); // atomic: parallel ADDs never read half a file
  } catch {
    // A read-only state dir only costs a probe per branch ADD.
  }
}

/** The cached answer, or a probe whose answer is cached (state dirs under /run reset at boot). */
export async function branchLinkKind(
  stateDir: string,
  run: OpRunner,
  signal: AbortSignal,
): Promise<{ kind: BranchLinkKind; probed: boolean }> {
  const cached = readCache(stateDir);
  if (cached !== undefined) return { kind: cached, probed: false };
  const kind = await probeVlanSupport(run, signal);
  writeCache(stateDir, kind);
  return { kind, probed: true };
}

// Reads and cleans the host state a containerd run can leave behind: processes, mounts,
// network namespaces, links and iptables chains (portmap's CNI-HOSTPORT-*, CNI-DN-*).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { promisify } from "node:util";

export { LIBCNI_CACHE, deleteRuncContainers, k8sCgroupDirs, removeCgroupDirs, removeSandboxLeftovers } from "../../harness/cluster/containerd/leftovers.js";
import { k8sCgroupDirs } from "../../harness/cluster/containerd/leftovers.js";

const run = promisify(execFile);
const DEADLINE_MS = 10_000;

/** Pids whose command line contains needle (e.g. our containerd socket path). */
export async function pidsMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmd.split("\0").join(" ").includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

/** Mount points at or under dir, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile("/proc/self/mountinfo", "utf8");
  const points = info
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .map((p) => p.replace(/\\040/g, " "))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function unmountAll(dir: string): Promise<void> {
  // Repeat: a lazily detached overlay can expose another mount beneath it.
  for (let round = 0; round < 3; round++) {
    const points = await mountsUnder(dir);
    if (points.length === 0) return;
    for (const p of points) {
      await run("umount", [p], { timeout: DEADLINE_MS }).catch(() => run("umount", ["-l", p], { timeout: DEADLINE_MS }).catch(() => undefined));
    }
  }
}

export async function linkNames(): Promise<string[]> {
  const { stdout } = await run("ip", ["-o", "link", "show"], { timeout: DEADLINE_MS });
  return stdout
    .split("\n")
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
}

export async function natChains(): Promise<string[]> {
  const { stdout } = await run("iptables", ["-w", "5", "-t", "nat", "-S"], { timeout: DEADLINE_MS });
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("-N "))
    .map((l) => l.slice(3).trim());
}

async function ipt(args: string[]): Promise<void> {
  await run("iptables", ["-w", "5", "-t", "nat", ...args], { timeout: DEADLINE_MS }).catch(() => undefined);
}

/** portmap's top-level chains, which it creates on first use and never removes. */
const PORTMAP_CHAINS = ["CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ"];

/**
 * Removes portmap's top-level chains when the run created them and no port mapping is left in
 * them (other runs on this machine may be using them meanwhile: then they stay). Per-pod CNI-DN-*
 * chains are portmap's DEL's business.
 */
export async function removePortmapChains(before: readonly string[]): Promise<string[]> {
  const chains = await natChains();
  const fresh = PORTMAP_CHAINS.filter((c) => chains.includes(c) && !before.includes(c));
  if (fresh.length === 0) return [];
  const { stdout } = await run("iptables", ["-w", "5", "-t", "nat", "-S", "CNI-HOSTPORT-DNAT"], { timeout: DEADLINE_MS }).catch(() => ({ stdout: "" }));
  if (stdout.split("\n").some((l) => l.startsWith("-A "))) return [];
  // Jumps from the built-in chains, deleted by position (last first, so positions stay valid).
  const { stdout: all } = await run("iptables", ["-w", "5", "-t", "nat", "-S"], { timeout: DEADLINE_MS });
  const count = new Map<string, number>();
  const doomed: [string, number][] = [];
  for (const rule of all.split("\n")) {
    const chain = /^-A (\S+) /.exec(rule)?.[1];
    if (chain === undefined) continue;
    const pos = (count.get(chain) ?? 0) + 1;
    count.set(chain, pos);
    const target = / -j (\S+)/.exec(rule)?.[1] ?? "";
    if (!fresh.includes(chain) && fresh.includes(target)) doomed.push([chain, pos]);
  }
  for (const [chain, pos] of doomed.reverse()) await ipt(["-D", chain, String(pos)]);
  for (const c of fresh) await ipt(["-F", c]);
  for (const c of fresh) await ipt(["-X", c]);
  return fresh;
}

export async function deleteLink(name: string): Promise<void> {
  await run("ip", ["link", "del", name], { timeout: DEADLINE_MS }).catch(() => undefined);
}

/** `ip -d -o link show` of one link; rejects when it does not exist. */
export async function linkDetails(name: string): Promise<string> {
  return (await run("ip", ["-d", "-o", "link", "show", "dev", name], { timeout: DEADLINE_MS })).stdout;
}

/** The name of the link with this ifindex, or undefined. */
export async function linkNameOf(ifindex: number): Promise<string | undefined> {
  const { stdout } = await run("ip", ["-o", "link", "show"], { timeout: DEADLINE_MS });
  const line = stdout.split("\n").find((l) => l.startsWith(`${ifindex}: `));
  return line === undefined ? undefined : /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
}

/** Container cgroups (64-hex ids) left under the k8s.io parents. */
export async function leftoverCgroups(): Promise<string[]> {
  const out: string[] = [];
  for (const d of await k8sCgroupDirs()) {
    for (const e of await readdir(d).catch(() => [] as string[])) if (/^[0-9a-f]{64}$/.test(e)) out.push(`${d}/${e}`);
  }
  return out;
}

/**
 * The host-side veth names mock-vpc-cni gives a pod (docs/REFERENCE.md §3: prefix + first 11 hex of
 * sha1("<namespace>.<name>"); "eni" for ordinary pods, "vlan" for branch pods in strict mode).
 * Leak checks look for exactly these, because the machine is shared and other runs add links.
 */
export function podVethNames(namespace: string, name: string): string[] {
  const h = createHash("sha1").update(`${namespace}.${name}`).digest("hex").slice(0, 11);
  return [`eni${h}`, `vlan${h}`];
}


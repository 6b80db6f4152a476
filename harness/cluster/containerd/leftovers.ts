// What a containerd run leaves on the host outside its own directories, and how to remove it after a
// crash: runc containers whose shim is gone, their cgroups, libcni's cached results, shim sockets.
// Shared by `cluster down` and the containerd tests.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, rm, rmdir } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);
const DEADLINE_MS = 10_000;

/**
 * Force-deletes every runc container under runcRoot (one subdir per containerd namespace): after a
 * containerd or shim crash the containers' processes would otherwise outlive the run.
 */
export async function deleteRuncContainers(runcRoot: string): Promise<string[]> {
  const deleted: string[] = [];
  for (const ns of await readdir(runcRoot).catch(() => [] as string[])) {
    const root = `${runcRoot}/${ns}`;
    const { stdout } = await run("runc", ["--root", root, "list", "-q"], { timeout: DEADLINE_MS }).catch(() => ({ stdout: "" }));
    for (const id of stdout.split("\n").filter((l) => l !== "")) {
      await run("runc", ["--root", root, "delete", "--force", id], { timeout: DEADLINE_MS }).catch(() => undefined);
      deleted.push(id);
    }
  }
  return deleted;
}

/** containerd's cgroup parent "k8s.io" in each mounted hierarchy (v1: per controller; v2: one). */
export async function k8sCgroupDirs(): Promise<string[]> {
  const base = "/sys/fs/cgroup";
  const candidates = [`${base}/k8s.io`, ...(await readdir(base).catch(() => [] as string[])).map((c) => `${base}/${c}/k8s.io`)];
  const found: string[] = [];
  for (const c of candidates) if (await readdir(c).then(() => true, () => false)) found.push(c);
  return found;
}

/** Removes the k8s.io cgroup parents a run created (rmdir: only succeeds when empty). */
export async function removeCgroupDirs(dirs: readonly string[]): Promise<void> {
  for (const d of dirs) await rmdir(d).catch(() => undefined);
}

/** Where libcni caches results (containerd 1.6 does not make it configurable). */
export const LIBCNI_CACHE = "/var/lib/cni/results";

/**
 * Removes what a killed containerd leaves for each orphaned sandbox: libcni's cached results
 * (`<network>-<id>-<ifname>`, normally deleted by a successful DEL) and the shim's socket, which
 * containerd 1.6 names sha256(<containerd address>/<namespace>/<id>) under /run/containerd/s.
 */
export async function removeSandboxLeftovers(socket: string, namespace: string, ids: readonly string[]): Promise<void> {
  const cache = await readdir(LIBCNI_CACHE).catch(() => [] as string[]);
  for (const id of ids) {
    for (const f of cache.filter((n) => n.includes(`-${id}-`))) await rm(`${LIBCNI_CACHE}/${f}`, { force: true });
    const hex = createHash("sha256").update(`${socket}/${namespace}/${id}`).digest("hex");
    await rm(`/run/containerd/s/${hex}`, { force: true });
  }
}

// `cluster down`: removes everything a cluster's state file records, in the order that frees it
// (kubelets, the pods' sandboxes through CRI while ipamd still answers, the daemons, whatever else
// runs in a node's netns, runc containers left by a dead shim, the netns, the bridge, the paths
// containerd made, the kubeconfig if it is still ours, the state dir). Every step runs even when
// an earlier one failed or its target is already gone (a crash); the state file goes last, and
// stays when something could not be removed, so `down` can be run again.

import { createHash } from "node:crypto";
import { readFile, readdir, readlink, rm, rmdir } from "node:fs/promises";
import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { CriClient } from "../../cri/index.js";
import { nodeContainerdPaths } from "./containerd/node.js";
import { deleteRuncContainers, removeSandboxLeftovers } from "./containerd/leftovers.js";
import type { NodeLayout } from "./names.js";
import type { ProcessId } from "./proc.js";
import { isAlive, netnsInode, processesInNetns, startTimeOf, stopProcess } from "./proc.js";
import type { ClusterState, ProcessRecord } from "./state.js";
import { StateFile } from "./state.js";
import { deleteBridge, deleteNodeNetwork } from "./vpc.js";

export interface DownReport {
  /** False when there was no state file: nothing to do. */
  readonly found: boolean;
  readonly problems: readonly string[];
}

export interface DownOptions {
  readonly progress: (line: string) => void;
  readonly clock?: Clock;
}

export async function clusterDown(stateDir: string, o: DownOptions): Promise<DownReport> {
  const clock = o.clock ?? systemClock;
  const file = await StateFile.open(stateDir);
  if (file === undefined) return { found: false, problems: [] };
  const s = file.state;
  const problems: string[] = [];
  const step = async (what: string, f: () => Promise<unknown>): Promise<void> => {
    try {
      await f();
    } catch (e) {
      problems.push(`${what}: ${errorMessage(e)}`);
    }
  };
  // An `up` still running would go on creating things: it goes first (only that very process).
  if (s.upPid !== process.pid) await step("stopping the running cluster up", () => stopProcess({ pid: s.upPid, startTime: s.upStartTime }, 0, clock));
  await step("stopping the kubelets", () => stopRole(s, "kubelet", clock));
  for (const n of s.nodes) await step(`sandboxes of ${n.name}`, () => removeSandboxes(s, n.name));
  for (const role of ["controller", "ipamd", "containerd", "api-server", "mock-ec2"] as const) await step(`stopping ${role}`, () => stopRole(s, role, clock));
  for (const n of s.nodes) {
    await step(`processes in ${n.netns}`, () => killNetnsProcesses(n.netns, clock));
    await step(`containers of ${n.name}`, () => removeContainers(nodeLike(n)));
    await step(`network of ${n.name}`, () => deleteNodeNetwork(n));
  }
  await step("processes of the state dir", () => killStrays(stateDir, clock));
  if (s.bridge !== undefined) await step(`bridge ${s.bridge}`, () => deleteBridge(s.bridge as string));
  for (const p of s.createdPaths) await step(`removing ${p}`, () => rmdirIfEmpty(p));
  await step(`kubeconfig ${s.kubeconfig.path}`, () => removeKubeconfig(s));
  o.progress(`cluster "${s.name}": ${s.processes.length} processes, ${s.nodes.length} nodes, ${s.bridge === undefined ? "no bridge" : `bridge ${s.bridge}`} removed${problems.length === 0 ? "" : ` (${problems.length} problem(s))`}`);
  if (problems.length === 0) await step(`state dir ${stateDir}`, () => rm(stateDir, { recursive: true, force: true }));
  return { found: true, problems };
}

function nodeLike(n: ClusterState["nodes"][number]): NodeLayout {
  return { index: 0, name: n.name, netns: n.netns, hostVeth: n.hostVeth, uplink: "eth0", dir: n.dir };
}

async function stopRole(s: ClusterState, role: ProcessRecord["role"], clock: Clock): Promise<void> {
  // Side by side: each gets its grace period at the same time.
  await Promise.all(s.processes.filter((p) => p.role === role).map((p) => stopProcess(p, 8_000, clock)));
}

/** Kubelet's order (StopPodSandbox, RemovePodSandbox), while ipamd still answers the DELs. */
async function removeSandboxes(s: ClusterState, node: string): Promise<void> {
  const ctrd = s.processes.find((p) => p.role === "containerd" && p.node === node);
  const n = s.nodes.find((x) => x.name === node);
  if (ctrd === undefined || n === undefined || !(await isAlive(ctrd))) return;
  const cri = new CriClient({ socket: nodeContainerdPaths(nodeLike(n)).socket, defaultTimeoutMs: 20_000 });
  try {
    for (const sb of await cri.listPodSandbox(undefined, { timeoutMs: 5_000 })) {
      await cri.stopPodSandbox(sb.id).catch(() => undefined);
      await cri.removePodSandbox(sb.id).catch(() => undefined);
    }
  } finally {
    cri.close();
  }
}

/** Whatever still runs in the node's netns (containerd's shims above all) is the node's. */
async function killNetnsProcesses(netns: string, clock: Clock): Promise<void> {
  const inode = await netnsInode(`/run/netns/${netns}`);
  if (inode === undefined) return;
  const procs = await processesInNetns(inode);
  await Promise.all(procs.map((p) => stopProcess(p, 3_000, clock)));
}

/** Containers whose shim is gone still run: runc deletes them; their CNI cache and shim sockets go too. */
async function removeContainers(n: NodeLayout): Promise<void> {
  const paths = nodeContainerdPaths(n);
  const ids = await deleteRuncContainers(paths.runcRoot);
  await removeSandboxLeftovers(paths.socket, "k8s.io", ids);
}

/**
 * Processes started by `up` but not yet recorded when it was killed: a node's are caught by their
 * netns; a host daemon's command line names the state dir (its --state-dir or --kubeconfig), and
 * only our own executables are considered.
 */
async function killStrays(stateDir: string, clock: Clock): Promise<void> {
  const ours = new Set([process.execPath, "/usr/bin/containerd", "/usr/bin/containerd-shim-runc-v2"]);
  const strays: ProcessId[] = [];
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const exe = await readlink(`/proc/${e}/exe`).catch(() => "");
    if (!ours.has(exe)) continue;
    const argv = (await readFile(`/proc/${e}/cmdline`, "utf8").catch(() => "")).split("\0");
    if (!argv.some((a) => a === stateDir || a.startsWith(`${stateDir}/`))) continue;
    const startTime = await startTimeOf(Number(e));
    if (startTime !== undefined) strays.push({ pid: Number(e), startTime });
  }
  await Promise.all(strays.map((p) => stopProcess(p, 3_000, clock)));
}

async function rmdirIfEmpty(p: string): Promise<void> {
  await rmdir(p).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT" && e.code !== "ENOTEMPTY" && e.code !== "EBUSY") throw e;
  });
}

/** The kubeconfig `up` wrote, unless someone changed it since (then it is theirs now). */
async function removeKubeconfig(s: ClusterState): Promise<void> {
  const text = await readFile(s.kubeconfig.path).catch(() => undefined);
  if (text === undefined || s.kubeconfig.sha256 === undefined) return;
  if (createHash("sha256").update(text).digest("hex") === s.kubeconfig.sha256) await rm(s.kubeconfig.path, { force: true });
}

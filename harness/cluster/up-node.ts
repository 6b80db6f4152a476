// One node of `cluster up`, in order: its EC2 instance, its netns on the VPC bridge (the instance's
// MAC and address), containerd, the kubelet (registers the Node), mock-ipamd (waits for the Node,
// joins, takes ENIs from the shared EC2), the CNI plugin and conflist, then Ready. Every process is
// recorded in the state file as soon as it exists; the node itself before its netns is made.

import type { Clock } from "../../common/clock.js";
import type { Ec2Client } from "../../common/ec2/client.js";
import { HarnessError } from "../../common/errors.js";
import { installPlugins, writeConflist } from "./cni.js";
import { nodeDirs, readyNodeContainerd, startNodeContainerd } from "./containerd/node.js";
import { nodeArgv } from "./enter.js";
import { ensureInstance, providerId } from "./instance.js";
import type { KubeAccess } from "./kube.js";
import { nodeReady } from "./kube.js";
import type { ClusterLayout, NodeLayout } from "./names.js";
import type { ProcessId, Spawned } from "./proc.js";
import { daemonEnv, isAlive, sizeOf, spawnDetached, waitReadyLine } from "./proc.js";
import { ipamdArgv, ipamdPaths, kubeletArgv } from "./roles.js";
import type { ProcessRecord, StateFile } from "./state.js";
import { createNodeNetwork } from "./vpc.js";
import { join } from "node:path";
import { mkdir } from "node:fs/promises";

export interface NodeUpDeps {
  readonly layout: ClusterLayout;
  readonly state: StateFile;
  readonly ec2: Ec2Client;
  readonly ec2Endpoint: string;
  /** The kubeconfig the cluster's processes read (in the state dir). */
  readonly kubeconfig: string;
  readonly kube: KubeAccess;
  readonly imagesArchive: string;
  readonly instanceType: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly progress: (node: string, line: string) => void;
  readonly signal: AbortSignal;
}

export async function recordProcess(state: StateFile, role: ProcessRecord["role"], node: string | undefined, p: Spawned, log: string): Promise<void> {
  await state.update((s) => ({ ...s, processes: [...s.processes, { role, ...(node === undefined ? {} : { node }), pid: p.pid, startTime: p.startTime, log, argv: [...p.argv] }] }));
}

async function startNodeDaemon(d: NodeUpDeps, n: NodeLayout, role: "ipamd" | "kubelet", cmd: string[], what: string): Promise<Record<string, unknown>> {
  const dirs = nodeDirs(n);
  const log = join(dirs.logs, `${role}.log`);
  const from = await sizeOf(log);
  const p = await spawnDetached(nodeArgv(n.netns, join(dirs.scratch, role), cmd), log, daemonEnv());
  await recordProcess(d.state, role, n.name, p, log);
  return waitReadyLine(log, from, p, `${what} of ${n.name}`, { timeoutMs: d.timeoutMs, clock: d.clock, signal: d.signal });
}

export async function nodeUp(d: NodeUpDeps, n: NodeLayout): Promise<void> {
  const say = (line: string): void => d.progress(n.name, line);
  const inst = await ensureInstance(d.ec2, n.name, d.instanceType, d.signal);
  say(`instance ${inst.instanceId} ${inst.instanceType}, primary address ${inst.privateIp}`);
  await d.state.update((s) => ({ ...s, nodes: [...s.nodes, { name: n.name, netns: n.netns, hostVeth: n.hostVeth, dir: n.dir, instanceId: inst.instanceId, primaryIp: inst.privateIp }] }));
  await createNodeNetwork(d.layout, n, { ip: inst.privateIp, mac: inst.mac });
  say(`netns ${n.netns}: ${n.uplink} ${inst.privateIp}/${d.layout.prefixLength} on bridge ${d.layout.bridge}`);

  const dirs = nodeDirs(n);
  await mkdir(dirs.logs, { recursive: true });
  const ctrd = await startNodeContainerd(n);
  await recordProcess(d.state, "containerd", n.name, ctrd.process, ctrd.log);
  await readyNodeContainerd(ctrd, d.imagesArchive, { timeoutMs: d.timeoutMs, clock: d.clock });
  say(`containerd ready (pid ${ctrd.process.pid}), images imported`);

  await startNodeDaemon(d, n, "kubelet", kubeletArgv(n, {
    kubeconfig: d.kubeconfig, criSocket: ctrd.paths.socket, instanceType: inst.instanceType, providerId: providerId(inst), internalIp: inst.privateIp,
  }), "the kubelet");
  say("kubelet registered the Node (NotReady until the network plugin is ready)");

  await startNodeDaemon(d, n, "ipamd", ipamdArgv(n, { kubeconfig: d.kubeconfig, ec2Endpoint: d.ec2Endpoint }), "mock-ipamd");
  await installPlugins(dirs);
  await writeConflist(dirs, ipamdPaths(n).socket);
  say("mock-ipamd ready; plugin and conflist installed");

  await waitNodeReady(d, n, ctrd.process);
  say("Ready");
}

async function waitNodeReady(d: NodeUpDeps, n: NodeLayout, containerd: ProcessId): Promise<void> {
  const until = d.clock.now() + d.timeoutMs;
  while (!(await nodeReady(d.kube, n.name))) {
    if (!(await isAlive(containerd))) throw new HarnessError("unavailable", `containerd of ${n.name} exited; see ${join(nodeDirs(n).logs, "containerd.log")}`);
    if (d.clock.now() > until) throw new HarnessError("deadline", `node ${n.name} not Ready after ${d.timeoutMs / 1000} s; see the logs in ${nodeDirs(n).logs}`);
    await d.clock.sleep(200, d.signal);
  }
}

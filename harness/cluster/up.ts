// `cluster up`: the host's part (state file, VPC bridge, mock-ec2, API server, controller), then
// every node (up-node.ts) side by side, then ready. Refuses to start over a cluster whose state is
// still on disk (up, or left by a crash), naming the command that removes it. On a failure it
// removes what it made (down.ts), unless told to keep it.

import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { createEc2Client } from "../../common/ec2/client.js";
import { HarnessError } from "../../common/errors.js";
import { buildOciArchive } from "./containerd/images.js";
import { k8sCgroupDirs } from "./containerd/leftovers.js";
import { linkExists, netnsNames } from "./ip.js";
import { readKubeconfig } from "./kube.js";
import type { UpConfig } from "./options.js";
import { daemonEnv, sizeOf, spawnDetached, startTimeOf, waitReadyLine } from "./proc.js";
import { BIN, apiServerArgv, controllerArgv, mockEc2Argv } from "./roles.js";
import { STATE_FORMAT, StateFile } from "./state.js";
import type { ClusterState } from "./state.js";
import { nodeUp, recordProcess } from "./up-node.js";
import { checkVpcCidrFree, createBridge } from "./vpc.js";
import { describeLeftover } from "./status.js";

/** The checked flags (keeping a failed cluster is the command's business), and how to report and stop. */
export interface UpOptions extends Omit<UpConfig, "keepOnFailure"> {
  readonly progress: (line: string) => void;
  readonly signal: AbortSignal;
  readonly clock?: Clock;
}

/** The host commands a cluster needs (Debian: iproute2, util-linux, containerd, runc). */
const TOOLS = ["/usr/bin/containerd", "/usr/bin/ctr", "/usr/sbin/runc", "/usr/bin/nsenter", "/usr/bin/unshare"];

export async function preflight(o: UpOptions): Promise<void> {
  if (process.getuid?.() !== 0) throw new HarnessError("forbidden", "cluster up needs root: it makes network namespaces, a bridge and runs containerd");
  const missing = TOOLS.filter((t) => !existsSync(t));
  if (missing.length > 0) throw new HarnessError("not-found", `missing on this host: ${missing.join(", ")}`, { details: "install Debian's containerd, runc, util-linux (npm test's scripts/ensure-deps.sh does)" });
  for (const b of [BIN.mockEc2, BIN.harness, BIN.controller, BIN.ipamd, BIN.plugin]) {
    if (!existsSync(b)) throw new HarnessError("not-found", `${b} is missing: run npm run build`);
  }
  const leftover = await StateFile.read(o.layout.stateDir).catch((e: unknown) => e);
  if (leftover !== undefined) throw await describeLeftover(o.layout.stateDir, leftover);
  const taken = (await netnsNames()).filter((n) => o.layout.nodes.some((x) => x.netns === n));
  const links = [];
  for (const l of [o.layout.bridge, ...o.layout.nodes.map((n) => n.hostVeth)]) if (await linkExists(l)) links.push(l);
  if (taken.length > 0 || links.length > 0) {
    throw new HarnessError("conflict", `network namespaces or links of cluster "${o.layout.name}" exist without its state file: ${[...taken, ...links].join(", ")}`, {
      details: `another run made them (or its state dir was removed by hand); remove them (ip netns del NAME, ip link del NAME) or use another --name`,
    });
  }
  await checkVpcCidrFree(o.layout.vpcCidr, o.layout.bridge);
}

export async function clusterUp(o: UpOptions): Promise<ClusterState> {
  const clock = o.clock ?? systemClock;
  const l = o.layout;
  await preflight(o);
  await mkdir(l.stateDir, { recursive: true, mode: 0o755 });
  const upStart = (await startTimeOf(process.pid)) ?? 0;
  const state = await StateFile.create(l.stateDir, {
    format: STATE_FORMAT, name: l.name, stateDir: l.stateDir, upPid: process.pid, upStartTime: upStart, phase: "starting",
    createdAt: new Date(clock.now()).toISOString(), vpcCidr: l.vpcCidr, kubeconfig: { path: o.kubeconfig }, nodes: [], processes: [],
    createdPaths: await pathsContainerdWillCreate(),
  });
  await state.update((s) => ({ ...s, bridge: l.bridge }));
  await createBridge(l);
  o.progress(`VPC ${l.vpcCidr}: bridge ${l.bridge} ${l.gateway}/${l.prefixLength} (primary subnet ${l.primarySubnet}, branch subnet ${l.branchSubnet})`);

  const ec2Endpoint = await hostDaemon(o, state, "mock-ec2", mockEc2Argv(l, { stateDir: join(l.stateDir, "ec2"), qps: o.qps, burst: o.burst }), "endpoint");
  o.progress(`mock-ec2 ready at ${ec2Endpoint} (${o.qps} QPS, burst ${o.burst}, shared by the controller and every node)`);
  const kubeconfig = join(l.stateDir, "kubeconfig");
  const apiServer = await hostDaemon(o, state, "api-server", apiServerArgv(l, kubeconfig), "address");
  const sha256 = await publishKubeconfig(kubeconfig, o.kubeconfig);
  await state.update((s) => ({ ...s, ec2Endpoint, apiServer, kubeconfig: { path: o.kubeconfig, sha256 } }));
  o.progress(`API server ready at ${apiServer}; kubeconfig ${o.kubeconfig}`);
  await hostDaemon(o, state, "controller", controllerArgv(l, { kubeconfig, ec2Endpoint, provisioningDelay: o.provisioningDelay }), undefined);
  o.progress("mock-vpc-resource-controller ready");

  const imagesArchive = join(l.stateDir, "images", "images.tar");
  await mkdir(join(l.stateDir, "images"), { recursive: true });
  await buildOciArchive(imagesArchive, join(l.stateDir, "images", "build"), undefined, o.signal);
  const ec2 = createEc2Client({ endpoint: ec2Endpoint, accessKeyId: "vpc-cni-harness" }, clock);
  try {
    const deps = {
      layout: l, state, ec2, ec2Endpoint, kubeconfig, kube: await readKubeconfig(kubeconfig), imagesArchive, instanceType: o.instanceType,
      timeoutMs: o.timeoutMs, clock, signal: o.signal, progress: (node: string, line: string) => o.progress(`${node.padEnd(l.name.length + 7)}  ${line}`),
    };
    await Promise.all(l.nodes.map((n) => nodeUp(deps, n)));
  } finally {
    ec2.destroy();
  }
  await state.update((s) => ({ ...s, phase: "ready" }));
  return state.state;
}

/** Starts a host daemon, records it, and returns `field` of its ready line (when asked). */
async function hostDaemon(o: UpOptions, state: StateFile, role: "mock-ec2" | "api-server" | "controller", argv: string[], field: string | undefined): Promise<string> {
  const logs = join(o.layout.stateDir, "logs");
  await mkdir(logs, { recursive: true });
  const log = join(logs, `${role}.log`);
  const from = await sizeOf(log);
  const p = await spawnDetached(argv, log, daemonEnv());
  await recordProcess(state, role, undefined, p, log);
  const ready = await waitReadyLine(log, from, p, role, { timeoutMs: o.timeoutMs, ...(o.clock === undefined ? {} : { clock: o.clock }), signal: o.signal });
  if (field === undefined) return "";
  const v = ready[field];
  if (typeof v !== "string") throw new HarnessError("internal", `${role}'s ready line has no ${field}; see ${log}`);
  // A restart must come back where its clients look for it: the port it got, not port 0.
  const pinned = pinListen(p.argv, new URL(v).host);
  await state.update((s) => ({ ...s, processes: s.processes.map((r) => (r.pid === p.pid && r.startTime === p.startTime ? { ...r, argv: pinned } : r)) }));
  return v;
}

/** The command line with its --listen value replaced by the address it really listens on. */
export function pinListen(argv: readonly string[], hostPort: string): string[] {
  const i = argv.indexOf("--listen");
  return argv.map((a, j) => (i >= 0 && j === i + 1 ? hostPort : a));
}

/** Copies the API server's kubeconfig (0600) to where the user asked; its hash lets `down` remove only ours. */
async function publishKubeconfig(from: string, to: string): Promise<string> {
  await mkdir(join(to, ".."), { recursive: true });
  await copyFile(from, to);
  await chmod(to, 0o600);
  return createHash("sha256").update(await readFile(to)).digest("hex");
}

/** Host paths containerd creates outside its own dirs, if they are not there yet (down removes them when empty). */
async function pathsContainerdWillCreate(): Promise<string[]> {
  const cgroups = ["/sys/fs/cgroup", ...(await readdir("/sys/fs/cgroup").catch(() => [] as string[])).map((c) => `/sys/fs/cgroup/${c}`)].map((c) => `${c}/k8s.io`);
  const existing = new Set(await k8sCgroupDirs());
  return [...["/run/containerd/s", "/run/containerd", "/var/lib/cni/results", "/var/lib/cni"].filter((p) => !existsSync(p)), ...cgroups.filter((c) => !existing.has(c))];
}

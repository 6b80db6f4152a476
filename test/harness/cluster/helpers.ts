// Integration helpers for `cluster up`: the CLI as a process, the API through the kubeconfig it
// writes (kubectl for writes, typed GETs for reads), each node's containerd over CRI (which pod
// runs where, its pause process for a ping from inside its netns), and a snapshot of the host.

import { execFile, spawn } from "node:child_process";
import { readFile, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CriClient } from "../../../cri/index.js";
import { getJson, readKubeconfig } from "../../../harness/cluster/kube.js";
import type { KubeAccess } from "../../../harness/cluster/kube.js";
import { StateFile } from "../../../harness/cluster/state.js";
import type { ClusterState } from "../../../harness/cluster/state.js";
import { REPO_ROOT } from "../../helpers/daemon.js";
import { eventually } from "../../helpers/wait.js";

const run = promisify(execFile);
export const HARNESS_JS = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vpc-cni-harness ARGS` to its end (or until `until` is seen on stdout, then returns it running). */
export function cli(args: readonly string[], o: { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARNESS_JS, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 300_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface TestCluster {
  readonly name: string;
  readonly stateDir: string;
  readonly kubeconfig: string;
  readonly kube: KubeAccess;
  state(): Promise<ClusterState>;
  kubectl(args: readonly string[], input?: string): Promise<CliResult>;
  get<T>(path: string): Promise<T>;
}

export function clusterPaths(name: string): { stateDir: string; kubeconfig: string } {
  const stateDir = `/tmp/vch-test-${name}`;
  return { stateDir, kubeconfig: join(stateDir, "..", `vch-test-${name}.kubeconfig`) };
}

export async function upCluster(name: string, args: readonly string[]): Promise<{ cluster: TestCluster; up: CliResult }> {
  const { stateDir, kubeconfig } = clusterPaths(name);
  const up = await cli(["cluster", "up", "--name", name, "--state-dir", stateDir, "--kubeconfig", kubeconfig, ...args]);
  if (up.code !== 0) throw new Error(`cluster up exited ${up.code}\n${up.stdout}\n${up.stderr}`);
  const kube = await readKubeconfig(kubeconfig);
  return {
    up,
    cluster: {
      name, stateDir, kubeconfig, kube,
      state: async () => {
        const s = await StateFile.read(stateDir);
        if (s === undefined) throw new Error(`no state in ${stateDir}`);
        return s;
      },
      kubectl: (a, input) => kubectl(kubeconfig, a, input),
      get: async <T>(path: string) => (await getJson(kube, path)) as T,
    },
  };
}

export function kubectl(kubeconfig: string, args: readonly string[], input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn("kubectl", ["--kubeconfig", kubeconfig, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

export interface PodView {
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string; hostIP?: string };
}

export interface EventView {
  reason: string;
  message: string;
  type: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject: { name: string; namespace: string; uid?: string };
  source?: { component?: string };
}

export async function listPods(c: TestCluster, namespace: string): Promise<PodView[]> {
  return (await c.get<{ items: PodView[] }>(`/api/v1/namespaces/${namespace}/pods`)).items;
}

export async function listEvents(c: TestCluster, namespace: string): Promise<EventView[]> {
  return (await c.get<{ items: EventView[] }>(`/api/v1/namespaces/${namespace}/events`)).items;
}

/**
 * The namespace's Events once each of `pods` has one of each of `reasons`. The kubelet and the
 * controller post Events through their recorders, on their own after the status (as client-go's
 * broadcaster does): a pod can be Running before its Started Event is stored.
 */
export async function eventsOnceStored(c: TestCluster, namespace: string, pods: readonly string[], reasons: readonly string[]): Promise<EventView[]> {
  let events: EventView[] = [];
  await eventually(`${reasons.join(", ")} for ${pods.join(", ")}`, async () => {
    events = await listEvents(c, namespace);
    return pods.every((n) => reasons.every((r) => events.some((e) => e.involvedObject.name === n && e.reason === r)));
  }, 60_000, 200);
  return events;
}

/** A pod manifest, pinned to a node (spread by the test, not left to the scheduler). */
export function podYaml(o: { name: string; namespace: string; node?: string; labels?: Record<string, string> }): string {
  const labels = Object.entries(o.labels ?? {}).map(([k, v]) => `    ${k}: "${v}"`).join("\n");
  return [
    "apiVersion: v1", "kind: Pod", "metadata:", `  name: ${o.name}`, `  namespace: ${o.namespace}`,
    ...(labels === "" ? [] : ["  labels:", labels]),
    "spec:", ...(o.node === undefined ? [] : [`  nodeName: ${o.node}`]),
    "  containers:", "    - name: app", "      image: public.ecr.aws/docker/library/busybox:stable", "---",
  ].join("\n");
}

export function sgpYaml(namespace: string, label: string): string {
  return [
    "apiVersion: vpcresources.k8s.aws/v1beta1", "kind: SecurityGroupPolicy", "metadata:", "  name: sgp", `  namespace: ${namespace}`,
    "spec:", "  podSelector:", "    matchLabels:", `      role: ${label}`, "  securityGroups:", "    groupIds: [sg-0123456789abcdef0]", "---",
  ].join("\n");
}

export interface RunningSandbox {
  readonly node: string;
  readonly pod: string;
  readonly namespace: string;
  readonly sandboxId: string;
  /** The pause process: its /proc/<pid>/ns/net is the pod's network namespace. */
  readonly pid: number;
}

/** The ready sandboxes of every node, asked of each node's containerd over CRI. */
export async function runningSandboxes(c: TestCluster): Promise<RunningSandbox[]> {
  const s = await c.state();
  const out: RunningSandbox[] = [];
  for (const n of s.nodes) {
    const cri = new CriClient({ socket: join(n.dir, "containerd", "containerd.sock"), defaultTimeoutMs: 10_000 });
    try {
      for (const sb of await cri.listPodSandbox({ state: { state: "SANDBOX_READY" } })) {
        const st = await cri.podSandboxStatus(sb.id, { verbose: true });
        const pid = (JSON.parse(st.info["info"] ?? "{}") as { pid?: number }).pid ?? 0;
        out.push({ node: n.name, pod: sb.metadata?.name ?? "", namespace: sb.metadata?.namespace ?? "", sandboxId: sb.id, pid });
      }
    } finally {
      cri.close();
    }
  }
  return out;
}

/** One ping from inside a pod's network namespace (the host's iputils ping, entered with nsenter). */
export async function pingFrom(pid: number, ip: string): Promise<boolean> {
  return run("nsenter", [`--net=/proc/${pid}/ns/net`, "ping", "-c", "1", "-W", "2", "-q", ip], { timeout: 10_000 }).then(() => true, () => false);
}

/**
 * A TCP server inside a pod's network namespace (the pod's pause process `pid`): it answers every
 * connection with `reply`. Resolves once it listens; stop() ends it.
 */
export async function serveInPod(pid: number, port: number, reply: string): Promise<{ stop(): void }> {
  const script = `require("net").createServer((s) => s.end(${JSON.stringify(reply)})).listen(${port}, "0.0.0.0", () => console.log("listening"))`;
  const child = spawn("nsenter", [`--net=/proc/${pid}/ns/net`, process.execPath, "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => void (d.toString().includes("listening") && resolve()));
    child.once("exit", (code) => reject(new Error(`server in pod (pid ${pid}) exited ${code}: ${stderr}`)));
  });
  return { stop: () => void child.kill("SIGKILL") };
}

/** What a TCP connection from a pod's network namespace to ip:port reads, or the error. */
export async function connectFrom(pid: number, ip: string, port: number): Promise<string> {
  const script = `const s = require("net").connect(${port}, ${JSON.stringify(ip)}); let b = ""; s.setTimeout(3000, () => { console.log("timeout"); process.exit(1); }); s.on("data", (d) => (b += d)); s.on("end", () => console.log(b)); s.on("error", (e) => { console.log(e.code); process.exit(1); });`;
  return run("nsenter", [`--net=/proc/${pid}/ns/net`, process.execPath, "-e", script], { timeout: 10_000 }).then((r) => r.stdout.trim(), (e: { stdout?: string; message: string }) => `failed: ${e.stdout?.trim() || e.message}`);
}

/** Runs iptables inside a node's network namespace (the node's root netns, where kube-proxy writes). */
export async function nodeIptables(node: string, args: readonly string[]): Promise<void> {
  await run("ip", ["netns", "exec", node, "iptables", "-w", ...args], { timeout: 10_000 });
}

export interface HostSnapshot {
  netns: string[];
  links: string[];
  rules: string[];
  routes: string[];
  iptables: string[];
  mounts: string[];
  cgroups: string[];
}

const lines = (s: string): string[] => s.split("\n").map((l) => l.trim()).filter((l) => l !== "").sort();

/**
 * What a cluster could leave on the host: netns, links, rules, routes (every table, so addresses
 * too), iptables (all tables), mounts, k8s.io cgroups. Network namespaces (and their /run/netns
 * mounts) count only when named after the cluster (`<cluster>-…`, all a cluster makes there; its
 * pods' netns live under its state dir): others' come and go on a shared machine.
 */
export async function hostSnapshot(cluster: string): Promise<HostSnapshot> {
  const foreignNetns = (n: string): boolean => !n.startsWith(`${cluster}-`);
  const sh = async (cmd: string, args: string[]): Promise<string> => (await run(cmd, args, { timeout: 20_000 })).stdout;
  const linkNames = lines(await sh("ip", ["-o", "link", "show"])).map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? l);
  const cgroupRoots = ["", ...(await readdir("/sys/fs/cgroup").catch(() => [] as string[]))].map((c) => `/sys/fs/cgroup/${c}/k8s.io`.replace("//", "/"));
  const cgroups: string[] = [];
  for (const c of cgroupRoots) for (const e of await readdir(c).catch(() => [] as string[])) if (/^[0-9a-f]{64}$/.test(e)) cgroups.push(`${c}/${e}`);
  return {
    netns: lines(await sh("ip", ["netns", "list"])).map((l) => l.split(" ")[0] ?? l).filter((n) => !foreignNetns(n)),
    links: linkNames.sort(),
    rules: lines(await sh("ip", ["rule", "show"])),
    routes: lines(await sh("ip", ["route", "show", "table", "all"])),
    iptables: lines(await sh("iptables-save", [])).filter((l) => !l.startsWith("#")).map((l) => l.replace(/\[\d+:\d+\]/g, "")),
    mounts: lines(await readFile("/proc/self/mountinfo", "utf8")).map((l) => l.split(" ")[4] ?? l)
      .filter((m) => !(m.startsWith("/run/netns/") && foreignNetns(m.slice("/run/netns/".length)))),
    cgroups: cgroups.sort(),
  };
}

/** Processes that belong to a cluster: their command line names its state dir, or they run in one of its netns. */
export async function clusterProcesses(stateDir: string, netnsInodes: readonly number[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const cmd = (await readFile(`/proc/${e}/cmdline`, "utf8").catch(() => "")).split("\0").join(" ");
    const ns = await readlink(`/proc/${e}/ns/net`).catch(() => "");
    if (cmd.includes(stateDir) || netnsInodes.some((i) => ns === `net:[${i}]`)) out.push(`${e} ${cmd.slice(0, 120)}`);
  }
  return out;
}

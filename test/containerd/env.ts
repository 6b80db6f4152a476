// Starts a private containerd (Debian's 1.6 + runc) for a test run, with our CNI bin and conf
// dirs and a locally built pause image, and tears everything down again, even after failures.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { CriClient } from "../../cri/index.js";
import { BUSYBOX_IMAGE, PAUSE_IMAGE, buildOciArchive } from "../../harness/cluster/containerd/images.js";
import { containerdPaths, renderContainerdConfig } from "../../harness/cluster/containerd/config.js";
import type { ContainerdPaths } from "../../harness/cluster/containerd/config.js";
import { deleteLink, deleteRuncContainers, k8sCgroupDirs, mountsUnder, natChains, pidsMentioning, removeCgroupDirs, removePortmapChains, removeSandboxLeftovers, unmountAll } from "./host.js";
import { teardownSandboxes, waitFor } from "./lifecycle.js";

const run = promisify(execFile);
export const DEBIAN_CNI_DIR = "/usr/lib/cni";
const DEBIAN_PLUGINS = ["loopback", "portmap", "bridge", "host-local"];

export interface ContainerdEnvOptions {
  /** conflist of the default runtime handler; a function gets the run's temp dir. */
  conflist: Conflist;
  /** Extra runtime handlers and their conflists (e.g. { bridge: bridgeConflist(...) }). */
  handlerConflists?: Record<string, Conflist>;
  /** Executables copied into the CNI bin dir (e.g. dist/bin/mock-vpc-cni), by file name. */
  plugins?: string[];
  /**
   * Put a recording wrapper in front of each of `plugins`: every exec's CNI_COMMAND, CNI_CONTAINERID,
   * CNI_NETNS and CNI_IFNAME land in a log (what containerd really sends; see cniCalls()).
   */
  recordCalls?: boolean;
  /** Links the conflists create that the run must delete afterwards (e.g. a bridge). */
  cleanupLinks?: string[];
  startTimeoutMs?: number;
}

export interface CniCall {
  plugin: string;
  command: string;
  containerId: string;
  /** "" when containerd sent an empty CNI_NETNS (the DEL of RemovePodSandbox). */
  netns: string;
  ifname: string;
}

export type Conflist = object | ((dir: string) => object);

export interface ContainerdEnv {
  dir: string;
  paths: ContainerdPaths;
  cniBinDir: string;
  pauseImage: string;
  busyboxImage: string;
  cri: CriClient;
  ctr(args: string[], timeoutMs?: number): Promise<string>;
  /** The plugin execs recorded so far (recordCalls), oldest first. */
  cniCalls(): Promise<CniCall[]>;
  /** containerd's log so far (for failure messages). */
  log(): Promise<string>;
  /** Removes every sandbox, stops containerd, and cleans the host. Safe to call twice. */
  stop(): Promise<void>;
}

async function writeConflist(dir: string, confDir: string, c: Conflist): Promise<void> {
  await mkdir(confDir, { recursive: true });
  const conflist = typeof c === "function" ? c(dir) : c;
  const name = (conflist as { name?: string }).name ?? "net";
  await writeFile(join(confDir, `10-${name}.conflist`), JSON.stringify(conflist, null, 2));
}

async function prepareBinDir(dir: string, binDir: string, plugins: readonly string[], record: boolean): Promise<void> {
  await mkdir(binDir, { recursive: true });
  for (const p of DEBIAN_PLUGINS) await symlink(join(DEBIAN_CNI_DIR, p), join(binDir, p));
  const realDir = join(dir, "cni-real");
  await mkdir(realDir, { recursive: true });
  for (const p of plugins) {
    const name = basename(p);
    // A copy, not a link: a rebuild of dist/ during the run must not swap the binary under containerd.
    await copyFile(p, join(record ? realDir : binDir, name));
    if (record) await writeFile(join(binDir, name), recorderScript(name, join(realDir, name), join(dir, CALLS_LOG)), { mode: 0o755 });
  }
}

const CALLS_LOG = "cni-calls.log";

/** One short line per exec (an O_APPEND write, atomic), then exec: stdin, stdout, exit code pass through. */
function recorderScript(name: string, real: string, log: string): string {
  return `#!/bin/sh\nprintf '%s\\t%s\\t%s\\t%s\\t%s\\n' "${name}" "$CNI_COMMAND" "$CNI_CONTAINERID" "$CNI_NETNS" "$CNI_IFNAME" >> '${log}'\nexec '${real}' "$@"\n`;
}

async function readCalls(dir: string): Promise<CniCall[]> {
  const text = await readFile(join(dir, CALLS_LOG), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [plugin = "", command = "", containerId = "", netns = "", ifname = ""] = l.split("\t");
      return { plugin, command, containerId, netns, ifname };
    });
}

async function spawnContainerd(dir: string, configFile: string): Promise<ChildProcess> {
  const logFile = await open(join(dir, "containerd.log"), "a");
  const child = spawn("containerd", ["--config", configFile, "--log-level", "info"], {
    stdio: ["ignore", logFile.fd, logFile.fd],
  });
  child.once("exit", () => void logFile.close().catch(() => undefined));
  return child;
}

interface RunState {
  dir: string;
  paths: ContainerdPaths;
  chainsBefore: string[];
  cgroupsBefore: string[];
  cleanupLinks: readonly string[];
  child?: ChildProcess;
  cri?: CriClient;
}

/** Tears a run down in the order that frees things: sandboxes, containerd, shims, runc, mounts. */
async function cleanup(s: RunState): Promise<void> {
  if (s.cri) await teardownSandboxes(s.cri).catch(() => undefined);
  s.cri?.close();
  await stopProcess(s.child);
  // Shims (and anything else) still pointing at our socket are ours: stop them by pid.
  for (const pid of await pidsMentioning(s.paths.socket)) killQuietly(pid, "SIGKILL");
  // Containers whose shim is gone (containerd crashed or was killed) still run: runc removes them.
  const orphans = await deleteRuncContainers(s.paths.runcRoot);
  await removeSandboxLeftovers(s.paths.socket, "k8s.io", orphans);
  await removeCgroupDirs((await k8sCgroupDirs()).filter((d) => !s.cgroupsBefore.includes(d)));
  await unmountAll(s.dir);
  await removePortmapChains(s.chainsBefore);
  for (const l of s.cleanupLinks) await deleteLink(l);
  if ((await mountsUnder(s.dir)).length === 0) await rm(s.dir, { recursive: true, force: true });
}

/** Writes bin dir, conflists and config.toml for a run (handler name -> its conf dir). */
async function prepareRun(dir: string, opts: ContainerdEnvOptions): Promise<string> {
  const cniBinDir = join(dir, "cni-bin");
  await prepareBinDir(dir, cniBinDir, opts.plugins ?? [], opts.recordCalls === true);
  await writeConflist(dir, join(dir, "net.d"), opts.conflist);
  const handlers: Record<string, string> = {};
  for (const [name, conflist] of Object.entries(opts.handlerConflists ?? {})) {
    handlers[name] = join(dir, `net.d-${name}`);
    await writeConflist(dir, handlers[name], conflist);
  }
  const configFile = join(dir, "config.toml");
  const input = { dir, cniBinDir, cniConfDir: join(dir, "net.d"), sandboxImage: PAUSE_IMAGE, handlers };
  await writeFile(configFile, renderContainerdConfig(input));
  return configFile;
}

/** Waits for CRI, imports the local images, waits for the image and the CNI config to be seen. */
async function waitReady(cri: CriClient, ctr: ContainerdEnv["ctr"], dir: string, startTimeoutMs: number): Promise<void> {
  await waitFor("containerd CRI to answer", startTimeoutMs, () => cri.version({ timeoutMs: 1_000 }).then(() => true));
  await buildOciArchive(join(dir, "images.tar"), join(dir, "image-build"));
  await ctr(["images", "import", join(dir, "images.tar")]);
  await waitFor("the pause image in CRI", 10_000, async () => (await cri.imageStatus(PAUSE_IMAGE)) !== null);
  await waitFor("CRI NetworkReady", 10_000, async () => (await cri.status()).some((c) => c.type === "NetworkReady" && c.status));
}

export async function startContainerd(opts: ContainerdEnvOptions): Promise<ContainerdEnv> {
  const dir = await mkdtemp("/tmp/vch-ctrd-");
  const paths = containerdPaths(dir);
  const state: RunState = { dir, paths, chainsBefore: await natChains(), cgroupsBefore: await k8sCgroupDirs(), cleanupLinks: opts.cleanupLinks ?? [] };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= cleanup(state));
  const ctr = async (args: string[], timeoutMs = 60_000): Promise<string> =>
    (await run("ctr", ["-a", paths.socket, "-n", "k8s.io", ...args], { timeout: timeoutMs })).stdout;
  const log = (): Promise<string> => readFile(join(dir, "containerd.log"), "utf8").catch(() => "");
  let cri: CriClient;
  try {
    const configFile = await prepareRun(dir, opts);
    state.child = await spawnContainerd(dir, configFile);
    cri = state.cri = new CriClient({ socket: paths.socket, defaultTimeoutMs: 60_000 });
    await waitReady(cri, ctr, dir, opts.startTimeoutMs ?? 30_000);
  } catch (e) {
    const tail = (await log()).slice(-3000);
    await stop();
    throw new Error(`containerd test env did not start: ${String(e)}\n--- containerd.log (tail)\n${tail}`, { cause: e });
  }
  const cniBinDir = join(dir, "cni-bin");
  return { dir, paths, cniBinDir, pauseImage: PAUSE_IMAGE, busyboxImage: BUSYBOX_IMAGE, cri, ctr, cniCalls: () => readCalls(dir), log, stop };
}

function killQuietly(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

// One node's containerd (Debian's 1.6): its config under the node's dir (root, state, sockets,
// runc root, pod netns all there), started as a node process, the local pause and busybox images
// imported, CRI answering. The CNI bin and conf dirs are the node's; the conflist comes later
// (once the node's ipamd is ready), as aws-node writes it.

import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Clock } from "../../../common/clock.js";
import { systemClock } from "../../../common/clock.js";
import { HarnessError, errorMessage } from "../../../common/errors.js";
import { CriClient } from "../../../cri/index.js";
import { nodeArgv } from "../enter.js";
import type { NodeLayout } from "../names.js";
import type { Spawned } from "../proc.js";
import { daemonEnv, isAlive, spawnDetached } from "../proc.js";
import { containerdPaths, renderContainerdConfig } from "./config.js";
import type { ContainerdPaths } from "./config.js";
import { PAUSE_IMAGE } from "./images.js";

const run = promisify(execFile);

export interface NodeDirs {
  readonly containerd: string;
  readonly cniBin: string;
  readonly cniConf: string;
  readonly scratch: string;
  readonly logs: string;
}

export function nodeDirs(n: NodeLayout): NodeDirs {
  return {
    containerd: join(n.dir, "containerd"), cniBin: join(n.dir, "cni", "bin"), cniConf: join(n.dir, "cni", "net.d"),
    scratch: join(n.dir, "scratch"), logs: join(n.dir, "logs"),
  };
}

export function nodeContainerdPaths(n: NodeLayout): ContainerdPaths {
  return containerdPaths(nodeDirs(n).containerd);
}

export interface StartedContainerd {
  readonly process: Spawned;
  readonly log: string;
  readonly paths: ContainerdPaths;
}

/** Writes the config and starts containerd in the node; resolves once it is spawned (not yet ready). */
export async function startNodeContainerd(n: NodeLayout): Promise<StartedContainerd> {
  const d = nodeDirs(n);
  for (const dir of [d.containerd, d.cniBin, d.cniConf, d.scratch, d.logs]) await mkdir(dir, { recursive: true });
  const config = join(d.containerd, "config.toml");
  await writeFile(config, renderContainerdConfig({ dir: d.containerd, cniBinDir: d.cniBin, cniConfDir: d.cniConf, sandboxImage: PAUSE_IMAGE }));
  const log = join(d.logs, "containerd.log");
  const argv = nodeArgv(n.netns, join(d.scratch, "containerd"), ["containerd", "--config", config, "--log-level", "info"]);
  return { process: await spawnDetached(argv, log, daemonEnv()), log, paths: containerdPaths(d.containerd) };
}

/** Waits for CRI to answer, then imports the images archive (built once per cluster). */
export async function readyNodeContainerd(c: StartedContainerd, archive: string, o: { timeoutMs: number; clock?: Clock }): Promise<void> {
  const clock = o.clock ?? systemClock;
  const cri = new CriClient({ socket: c.paths.socket, defaultTimeoutMs: 5_000 });
  try {
    const until = clock.now() + o.timeoutMs;
    for (;;) {
      const ok = await cri.version({ timeoutMs: 1_000 }).then(() => true, () => false);
      if (ok) break;
      if (!(await isAlive(c.process))) throw new HarnessError("unavailable", `containerd exited at start; see ${c.log}`);
      if (clock.now() > until) throw new HarnessError("deadline", `containerd's CRI did not answer within ${o.timeoutMs / 1000} s; see ${c.log}`);
      await clock.sleep(100);
    }
    await ctr(c.paths.socket, ["images", "import", archive]);
    if ((await cri.imageStatus(PAUSE_IMAGE)) === null) throw new HarnessError("internal", `the pause image is not in containerd after the import; see ${c.log}`);
  } finally {
    cri.close();
  }
}

export async function ctr(socket: string, args: readonly string[]): Promise<string> {
  try {
    return (await run("ctr", ["-a", socket, "-n", "k8s.io", ...args], { timeout: 60_000 })).stdout;
  } catch (e) {
    throw new HarnessError("unavailable", `ctr ${args.join(" ")}: ${errorMessage(e)}`);
  }
}

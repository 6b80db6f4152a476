// Cleanup after a failure: containerd is SIGKILLed with a pod and a container running, and the
// env's stop() must still leave nothing behind (no process, mount, netns, link).
import { existsSync, readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { podSandboxConfig } from "../../cri/index.js";
import { bridgeConflist } from "./conflists.js";
import { startContainerd } from "./env.js";
import type { ContainerdEnv } from "./env.js";
import { LIBCNI_CACHE, leftoverCgroups, linkNames, mountsUnder, pidsMentioning } from "./host.js";
import { waitFor } from "./lifecycle.js";
import { startContainer } from "./pods.js";
import { describeIf, missingOf, needRoot } from "../helpers/prereq.js";

const hasContainerd = existsSync("/usr/bin/containerd") && existsSync("/usr/lib/cni/bridge");
const SHIM_SOCKETS = "/run/containerd/s";
const BRIDGE = `vchc${process.pid.toString(16).slice(-6)}`;

/** Running (a zombie waiting for its new parent to reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describeIf(missingOf(needRoot(), !hasContainerd && "Debian's containerd and containernetworking-plugins (scripts/ensure-deps.sh)"), "containerd env cleanup after containerd is killed (needs root and Debian's containerd)", () => {
  let env: ContainerdEnv | undefined;
  afterAll(async () => {
    await env?.stop();
  });

  it("kills orphaned containers and unmounts everything", async () => {
    const linksBefore = await linkNames();
    const shimSocketsBefore = await readdir(SHIM_SOCKETS).catch(() => [] as string[]);
    env = await startContainerd({
      conflist: (dir) => bridgeConflist({ bridge: BRIDGE, subnet: "10.252.0.0/24", dataDir: join(dir, "host-local") }),
      cleanupLinks: [BRIDGE],
    });
    const config = podSandboxConfig({ namespace: "default", name: "orphan", uid: "uid-orphan" });
    const id = await env.cri.runPodSandbox(config);
    const cid = await startContainer(env.cri, id, config, env.busyboxImage, "sleeper", ["/bin/sleep", "3600"]);
    const pausePid = (JSON.parse((await env.cri.podSandboxStatus(id, { verbose: true })).info["info"] ?? "{}") as { pid?: number }).pid ?? 0;
    expect(alive(pausePid)).toBe(true);
    expect((await env.cri.containerStatus(cid))?.state).toBe("CONTAINER_RUNNING");

    const [containerd] = await pidsMentioning(join(env.dir, "config.toml"));
    expect(containerd).toBeDefined();
    process.kill(containerd ?? 0, "SIGKILL");
    await waitFor("containerd to die", 5_000, async () => !alive(containerd ?? 0));

    const { dir, paths } = env;
    await env.stop();
    expect(alive(pausePid)).toBe(false);
    expect(await pidsMentioning(paths.socket)).toEqual([]);
    expect(await pidsMentioning(dir)).toEqual([]);
    expect(await mountsUnder(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(await leftoverCgroups()).toEqual([]);
    // No DEL ran, so libcni's cache and the shim's socket are the env's to remove.
    expect((await readdir(LIBCNI_CACHE).catch(() => [] as string[])).filter((f) => f.includes(id))).toEqual([]);
    expect((await readdir(SHIM_SOCKETS).catch(() => [] as string[])).filter((f) => !shimSocketsBefore.includes(f))).toEqual([]);
    expect((await linkNames()).filter((l) => l === BRIDGE && !linksBefore.includes(l))).toEqual([]);
  });
});

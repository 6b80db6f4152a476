// containerd CRI with Debian's bridge + host-local: proves the test environment itself (config,
// pause image, CRI client, cleanup) independently of our plugin and daemon.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { podSandboxConfig } from "../../cri/index.js";
import { bridgeConflist } from "./conflists.js";
import { startContainerd } from "./env.js";
import type { ContainerdEnv } from "./env.js";
import { leftoverCgroups, linkNames, mountsUnder, natChains, pidsMentioning } from "./host.js";
import { waitFor } from "./lifecycle.js";
import { HOST_PORT_ADDRESS, echoServerCommand, startContainer, tcpExchange } from "./pods.js";
import { describeIf, missingOf, needRoot } from "../helpers/prereq.js";

const run = promisify(execFile);
const hasContainerd = existsSync("/usr/bin/containerd") && existsSync("/usr/lib/cni/bridge");
const BRIDGE = `vchb${process.pid.toString(16).slice(-6)}`;

describeIf(missingOf(needRoot(), !hasContainerd && "Debian's containerd and containernetworking-plugins (scripts/ensure-deps.sh)"),
  "containerd CRI with bridge + host-local (needs root and Debian's containerd + containernetworking-plugins)",
  () => {
    let env: ContainerdEnv;
    const linksBefore: string[] = [];
    const chainsBefore: string[] = [];

    beforeAll(async () => {
      linksBefore.push(...(await linkNames()));
      chainsBefore.push(...(await natChains()));
      env = await startContainerd({
        conflist: (dir) => bridgeConflist({ bridge: BRIDGE, subnet: "10.251.0.0/24", dataDir: join(dir, "host-local") }),
        cleanupLinks: [BRIDGE],
      });
    });
    afterAll(async () => {
      await env?.stop();
    });

    it("reports the runtime and the network as ready", async () => {
      const v = await env.cri.version();
      expect(v.runtimeName).toBe("containerd");
      expect(v.runtimeApiVersion).toBe("v1");
      const conditions = await env.cri.status();
      expect(conditions.find((c) => c.type === "NetworkReady")?.status).toBe(true);
    });

    it("runs a sandbox with an address from host-local on eth0, then stops and removes it", async () => {
      const config = podSandboxConfig({ namespace: "default", name: "plain", uid: "uid-plain" });
      const id = await env.cri.runPodSandbox(config);
      const { status, info } = await env.cri.podSandboxStatus(id, { verbose: true });
      expect(status?.state).toBe("SANDBOX_READY");
      const ip = status?.network?.ip ?? "";
      expect(ip).toMatch(/^10\.251\.0\.\d+$/);
      const netns = (JSON.parse(info["info"] ?? "{}") as { runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } } })
        .runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network")?.path;
      expect(netns).toBeTruthy();
      const { stdout } = await run("nsenter", [`--net=${netns}`, "ip", "-4", "-o", "addr", "show", "dev", "eth0"]);
      expect(stdout).toContain(`inet ${ip}/24`);
      await env.cri.stopPodSandbox(id);
      await env.cri.removePodSandbox(id);
      expect(await env.cri.listPodSandbox()).toEqual([]);
    });

    it("starts a container that sees the pod's address, reachable through a host port (portmap)", async () => {
      const hostPort = 20_000 + (process.pid % 10_000);
      const config = podSandboxConfig({
        namespace: "default",
        name: "web",
        uid: "uid-web",
        portMappings: [{ protocol: "TCP", containerPort: 8080, hostPort }],
      });
      const id = await env.cri.runPodSandbox(config);
      try {
        const ip = (await env.cri.podSandboxStatus(id)).status?.network?.ip ?? "";
        const cid = await startContainer(env.cri, id, config, env.busyboxImage, "web", echoServerCommand(8080));
        const exec = await env.cri.execSync(cid, ["/bin/ip", "-4", "-o", "addr", "show", "dev", "eth0"], 10);
        expect(exec.exitCode).toBe(0);
        expect(exec.stdout.toString()).toContain(`inet ${ip}/`);
        let reply = "";
        await waitFor("the pod's server", 10_000, async () => {
          reply = await tcpExchange(HOST_PORT_ADDRESS, hostPort, "ping\n");
          return reply.includes("got ping");
        });
        expect(reply).toContain(`inet ${ip}/`);
      } finally {
        await env.cri.stopPodSandbox(id);
        await env.cri.removePodSandbox(id);
      }
    });

    it("leaves no process, mount or link behind after stop", async () => {
      const { dir, paths } = env;
      await env.stop();
      expect(await pidsMentioning(paths.socket)).toEqual([]);
      expect(await mountsUnder(dir)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect(await leftoverCgroups()).toEqual([]);
      // The bridge; its veths went with the pods' netns (unmounted above). Other runs on this
      // shared machine add veths of their own meanwhile, so they are not compared here.
      expect((await linkNames()).filter((l) => l === BRIDGE && !linksBefore.includes(l))).toEqual([]);
      // portmap leaves CNI-HOSTPORT-* behind by design; the env removes what it brought.
      expect((await natChains()).filter((c) => !chainsBefore.includes(c))).toEqual([]);
    });
  },
);

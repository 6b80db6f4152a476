// The libcni-like runtime with our plugin and Debian's portmap in one conflist, against a real
// mock-ipamd, in real network namespaces: prevResult reaches portmap, DEL runs in reverse, the IP
// is released. Needs `npm run build` (dist/bin/mock-vpc-cni, dist/cmd/mock-ipamd.js) and root.

import { existsSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PodObject } from "../../../cluster/k8s/index.js";
import { createCniSandboxRuntime } from "../../../runtime/containerd/index.js";
import type { SandboxCall } from "../../../runtime/containerd/index.js";
import { newSandboxId } from "../../../runtime/kubelet/index.js";
import { cacheFile, createCniRuntime, loopbackList, parseConfList } from "../../../runtime/libcni/index.js";
import { realNetns } from "../../../runtime/netns.js";
import { DAEMON_JS, REPO_ROOT, startDaemon } from "../../helpers/daemon.js";
import type { StartedDaemon } from "../../helpers/daemon.js";
import { describeIf, missingOf, needRoot } from "../../helpers/prereq.js";

const PLUGIN = join(REPO_ROOT, "dist", "bin", "mock-vpc-cni");
const ready = process.getuid?.() === 0 && existsSync(PLUGIN) && existsSync(DAEMON_JS) && existsSync("/usr/lib/cni/portmap");

describeIf(ready ? undefined : missingOf(needRoot(), "Debian's portmap (containernetworking-plugins)"), "mock-vpc-cni + portmap through the runtime (needs root: network namespaces; and a build)", () => {
  let daemon: StartedDaemon;
  let work = "";
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--node-name", "libcni-node"] });
    work = await mkdtemp(join(tmpdir(), "h6-ours-"));
    await copyFile(PLUGIN, join(work, "mock-vpc-cni"));
  });
  afterAll(async () => {
    await daemon?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("ADD then DEL of an ordinary pod: address inside, portmap got prevResult, lease released", async () => {
    const list = parseConfList(JSON.stringify({
      cniVersion: "0.4.0", name: "aws-cni", disableCheck: true,
      plugins: [
        { name: "aws-cni", type: "mock-vpc-cni", ipamdAddress: daemon.address, ipamdTimeout: "10s", vethPrefix: "eni", mtu: "9001", pluginLogFile: join(work, "plugin.log"), pluginLogLevel: "Debug" },
        { type: "portmap", capabilities: { portMappings: true }, snat: true },
      ],
    }));
    const calls: SandboxCall[] = [];
    const cni = createCniRuntime({ binDirs: [work, "/usr/lib/cni"], cacheDir: join(work, "cache"), execTimeoutMs: 20_000 });
    const runtime = createCniSandboxRuntime({
      cni, podNetwork: list, loopback: loopbackList(), netns: realNetns(), onCall: (c) => calls.push(c),
      capabilityArgs: () => ({ portMappings: [{ hostPort: 18181, containerPort: 80, protocol: "tcp" }] }),
    });
    const pod: PodObject = {
      namespace: "default", name: "libcni-ours", uid: "uid-libcni-ours", labels: {}, annotations: {}, limits: {}, requests: {},
      serviceAccount: "default", nodeName: "libcni-node", createdAt: 0, scheduledAt: 0, deletedAt: undefined, deletionGracePeriodSeconds: undefined, containers: ["app"], hostNetwork: false, phase: "", resourceVersion: "1",
    };
    const id = newSandboxId(Math.random);
    const out = await runtime.runPodSandbox(pod, { sandboxId: id, attempt: 1 }, new AbortController().signal);
    expect(out.ok, JSON.stringify(out)).toBe(true);
    if (!out.ok) return;
    const ip = (out.sandbox.ips[0] ?? "").split("/")[0] ?? "";
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const ns = out.sandbox.netns.split("/").pop() ?? "";
    expect((await execa("ip", ["-n", ns, "-4", "-o", "addr", "show", "eth0"])).stdout).toContain(ip);
    // portmap only installs the DNAT when it saw the container IP in prevResult.
    expect((await execa("iptables", ["-t", "nat", "-S"])).stdout).toMatch(new RegExp(`18181.*${ip.replace(/\./g, "\\.")}`));
    const leases = await daemon.control.ListLeases({});
    expect(leases.leases.map((l) => l.container_id)).toContain(id);
    expect(existsSync(cacheFile(join(work, "cache"), "aws-cni", { containerId: id, ifName: "eth0" }))).toBe(true);

    await runtime.stopPodSandbox(pod, out.sandbox, new AbortController().signal);
    expect((await daemon.control.ListLeases({})).leases.map((l) => l.container_id)).not.toContain(id);
    expect((await execa("iptables", ["-t", "nat", "-S"])).stdout).not.toContain("18181");
    expect(existsSync(out.sandbox.netns)).toBe(false);
    expect(calls.filter((c) => c.network === "aws-cni").map((c) => `${c.verb}:${c.ok}`)).toEqual(["ADD:true", "DEL:true", "DEL:true"]);
  });
});

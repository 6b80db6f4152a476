// The real CRI path with our plugin and daemon: containerd runs mock-vpc-cni (+ portmap) for
// RunPodSandbox; an SGP pod's first sandbox fails exactly as on EKS (docs/REFERENCE.md §1, step 5),
// and a new sandbox succeeds once the branch ENI is annotated (step 7).
import { readFile, readdir } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { podSandboxConfig } from "../../cri/index.js";
import { linkDetails, linkNameOf, linkNames, natChains, podVethNames } from "./host.js";
import { waitFor } from "./lifecycle.js";
import { HOST_PORT_ADDRESS, echoServerCommand, inNetns, sandboxNetns, startContainer, tcpExchange } from "./pods.js";
import { stackUnavailable, startStack } from "./stack.js";
import type { Stack } from "./stack.js";
import { describeIf } from "../helpers/prereq.js";

const unavailable = stackUnavailable();
const SGP_NS = "sgp";
const POD_ENI = "vpc.amazonaws.com/pod-eni";

describeIf(unavailable, `containerd CRI with mock-vpc-cni and mock-ipamd (${unavailable ?? "root, built"})`, () => {
  let stack: Stack;
  const linksBefore: string[] = [];
  const chainsBefore: string[] = [];

  beforeAll(async () => {
    linksBefore.push(...(await linkNames()));
    chainsBefore.push(...(await natChains()));
    stack = await startStack({ recordCalls: true, daemonArgs: ["--sgp-namespace", SGP_NS, "--provisioning-delay", "4s", "--instance-type", "m5.xlarge"] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const pluginLog = async (): Promise<Record<string, unknown>[]> =>
    (await readFile(stack.pluginLog, "utf8"))
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const leases = async (): Promise<{ container_id: string; ipv4: string; if_name: string }[]> =>
    (await stack.daemon.control.ListLeases({})).leases;

  it("runs an ordinary pod: SANDBOX_READY, the pod IP is ipamd's lease, eth0 carries it", async () => {
    await stack.daemon.control.CreatePod({ namespace: "default", name: "plain", uid: "uid-plain", schedule: true });
    const config = podSandboxConfig({ namespace: "default", name: "plain", uid: "uid-plain" });
    const id = await stack.env.cri.runPodSandbox(config);
    const status = (await stack.env.cri.podSandboxStatus(id)).status;
    expect(status?.state).toBe("SANDBOX_READY");
    const ip = status?.network?.ip ?? "";
    // containerd's CNI_CONTAINERID is the sandbox id: the lease key (network, container, ifname).
    expect(await leases()).toContainEqual(expect.objectContaining({ container_id: id, if_name: "eth0", ipv4: ip }));
    const netns = await sandboxNetns(stack.env.cri, id);
    expect(await inNetns(netns, ["-4", "-o", "addr", "show", "dev", "eth0"])).toContain(`inet ${ip}/32`);
    expect(await inNetns(netns, ["route", "show", "default"])).toContain("default via 169.254.1.1 dev eth0");
    // The host end is named like the real plugin's (the leak check below relies on these names).
    expect(await linkNames()).toContain(podVethNames("default", "plain")[0]);

    // StopPodSandbox: DEL with the netns still there, which frees the lease.
    await stack.env.cri.stopPodSandbox(id);
    expect((await leases()).filter((l) => l.container_id === id)).toEqual([]);
    // RemovePodSandbox: containerd's second DEL, with an empty CNI_NETNS (docs/REFERENCE.md §5).
    await stack.env.cri.removePodSandbox(id);
    const calls = (await stack.env.cniCalls()).filter((c) => c.containerId === id).map((c) => [c.command, c.netns, c.ifname]);
    expect(calls).toEqual([
      ["ADD", netns, "eth0"],
      ["DEL", netns, "eth0"],
      ["DEL", "", "eth0"],
    ]);
    expect(await stack.env.cri.listPodSandbox()).toEqual([]);
  });

  it("fails an SGP pod's first sandbox with containerd's error, then a new sandbox gets the VLAN", async () => {
    await stack.daemon.control.CreatePod({ namespace: SGP_NS, name: "web", uid: "uid-web", schedule: true });
    const first = podSandboxConfig({ namespace: SGP_NS, name: "web", uid: "uid-web", attempt: 0 });
    const err = await stack.env.cri.runPodSandbox(first).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(
      /failed to setup network for sandbox "[0-9a-f]{64}": plugin type="mock-vpc-cni" name="mock-vpc-cni" failed \(add\): add cmd: failed to assign an IP address to container/,
    );
    const failedId = /sandbox "([0-9a-f]{64})"/.exec(err?.message ?? "")?.[1] ?? "";
    // containerd ran DEL and removed the sandbox and its netns: nothing is left of it.
    expect(await stack.env.cri.listPodSandbox()).toEqual([]);
    expect(await readdir(stack.env.paths.netnsDir).catch(() => [])).toEqual([]);
    expect((await leases()).filter((l) => l.container_id === failedId)).toEqual([]);
    expect(await stack.env.log()).not.toMatch(new RegExp(`failed to destroy network for sandbox[^\\n]*${failedId}`, "i"));
    // containerd sent DEL right after the failed ADD, and the plugin treated it as success.
    const calls = (await stack.env.cniCalls()).filter((c) => c.containerId === failedId).map((c) => c.command);
    expect(calls.slice(0, 2)).toEqual(["ADD", "DEL"]);
    const dels = (await pluginLog()).filter((l) => l["verb"] === "DEL" && l["containerId"] === failedId);
    expect(dels.length).toBeGreaterThan(0);
    expect(dels.filter((l) => l["level"] === "error")).toEqual([]);

    // kubelet retries when the pod object changes: here, when the controller's annotation lands.
    let annotation = "";
    await waitFor("the branch ENI annotation", 20_000, async () => {
      annotation = (await stack.daemon.control.GetPod({ namespace: SGP_NS, name: "web" })).annotations[POD_ENI] ?? "";
      return annotation !== "";
    });
    const branch = (JSON.parse(annotation) as { privateIp: string; vlanId?: number; vlanID?: number }[])[0];
    const vlanId = branch?.vlanId ?? branch?.vlanID ?? -1;
    const retry = podSandboxConfig({ namespace: SGP_NS, name: "web", uid: "uid-web", attempt: 1 });
    const id = await stack.env.cri.runPodSandbox(retry);
    expect(id).not.toBe(failedId);
    const status = (await stack.env.cri.podSandboxStatus(id)).status;
    expect(status?.state).toBe("SANDBOX_READY");
    expect(status?.network?.ip).toBe(branch?.privateIp);
    const netns = await sandboxNetns(stack.env.cri, id);
    expect(await inNetns(netns, ["-4", "-o", "addr", "show", "dev", "eth0"])).toContain(`inet ${branch?.privateIp}/`);
    // No 802.1Q here (docs/REFERENCE.md §6): the plugin's fallback is a macvlan vlan.eth.<id> on the trunk.
    const trunk = await linkNameOf((await stack.daemon.control.GetNode({})).trunk_ifindex);
    expect(trunk).toBeDefined();
    const details = await linkDetails(`vlan.eth.${vlanId}`);
    expect(details).toContain(`vlan.eth.${vlanId}@${trunk}:`);
    expect(details).toMatch(/macvlan|vlan protocol 802\.1Q/);

    await stack.env.cri.stopPodSandbox(id);
    await stack.env.cri.removePodSandbox(id);
    expect(await linkNames()).not.toContain(`vlan.eth.${vlanId}`);
  });

  it("handles an SGP pod first seen at its ADD (no control API, as on a kind node): fails, then a retry succeeds", async () => {
    const attempt = async (n: number): Promise<string | Error> =>
      stack.env.cri.runPodSandbox(podSandboxConfig({ namespace: SGP_NS, name: "implicit", uid: "uid-implicit", attempt: n })).catch((e: unknown) => e as Error);
    const first = await attempt(0);
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).toContain("add cmd: failed to assign an IP address to container");
    // kubelet would retry after its back-off (10 to 15 s); the test retries every second instead.
    let id = "";
    let tries = 1;
    await waitFor("a successful retry", 30_000, async () => {
      const r = await attempt(tries++);
      if (typeof r === "string") id = r;
      return typeof r === "string";
    }, 1_000);
    const status = (await stack.env.cri.podSandboxStatus(id)).status;
    expect(status?.state).toBe("SANDBOX_READY");
    const pod = await stack.daemon.control.GetPod({ namespace: SGP_NS, name: "implicit" });
    expect(JSON.parse(pod.annotations[POD_ENI] ?? "[]")[0]?.privateIp).toBe(status?.network?.ip);
    await stack.env.cri.stopPodSandbox(id);
    await stack.env.cri.removePodSandbox(id);
    expect(await stack.env.cri.listPodSandbox()).toEqual([]);
  });

  it("with ipamd's bounded wait for the branch ENI (SetBranchWait), an SGP pod's first sandbox succeeds", async () => {
    const { control } = stack.daemon;
    await control.SetBranchWait({ max_wait_ms: 15_000 });
    try {
      await control.CreatePod({ namespace: SGP_NS, name: "patient", uid: "uid-patient", schedule: true });
      const id = await stack.env.cri.runPodSandbox(podSandboxConfig({ namespace: SGP_NS, name: "patient", uid: "uid-patient" }));
      // The ADD waited for provisioning inside RunPodSandbox instead of failing: the daemon's own record.
      const waited = stack.daemon.logs.find((l) => l.msg === "waited for the branch ENI annotation" && l.name === "patient");
      expect(waited).toMatchObject({ ready: true });
      expect(waited?.waitedMs).toBeGreaterThan(0);
      const status = (await stack.env.cri.podSandboxStatus(id)).status;
      const annotation = (await control.GetPod({ namespace: SGP_NS, name: "patient" })).annotations[POD_ENI] ?? "[]";
      expect(status?.network?.ip).toBe((JSON.parse(annotation) as { privateIp: string }[])[0]?.privateIp);
      const failed = (await control.ListEvents({ namespace: SGP_NS, name: "patient" })).events.filter((e) => e.reason === "FailedCreatePodSandBox");
      expect(failed).toEqual([]);
      await stack.env.cri.stopPodSandbox(id);
      await stack.env.cri.removePodSandbox(id);
    } finally {
      await control.SetBranchWait({ max_wait_ms: 0 });
    }
  });

  it("starts a container that sees the pod's address, reachable through portmap's host port", async () => {
    const hostPort = 20_000 + ((process.pid + 7) % 10_000);
    const config = podSandboxConfig({ namespace: "default", name: "srv", uid: "uid-srv", portMappings: [{ protocol: "TCP", containerPort: 8080, hostPort }] });
    const id = await stack.env.cri.runPodSandbox(config);
    try {
      const ip = (await stack.env.cri.podSandboxStatus(id)).status?.network?.ip ?? "";
      const cid = await startContainer(stack.env.cri, id, config, stack.env.busyboxImage, "srv", echoServerCommand(8080));
      const exec = await stack.env.cri.execSync(cid, ["/bin/ip", "-4", "-o", "addr", "show", "dev", "eth0"], 10);
      expect(exec.stdout.toString()).toContain(`inet ${ip}/32`);
      let reply = "";
      await waitFor("the pod's server through the host port", 10_000, async () => {
        reply = await tcpExchange(HOST_PORT_ADDRESS, hostPort, "ping\n");
        return reply.includes("got ping");
      });
      expect(reply).toContain(`inet ${ip}/32`);
    } finally {
      await stack.env.cri.stopPodSandbox(id);
      await stack.env.cri.removePodSandbox(id);
    }
  });

  it("leaves no lease, netns, link or nat chain behind", async () => {
    const { netnsDir } = stack.env.paths;
    expect(await leases()).toEqual([]);
    expect(await readdir(netnsDir).catch(() => [])).toEqual([]);
    expect(await readFile(stack.pluginLog, "utf8").catch(() => "")).not.toBe("");
    await stack.stop();
    const ours = [["default", "plain"], [SGP_NS, "web"], [SGP_NS, "implicit"], [SGP_NS, "patient"], ["default", "srv"]].flatMap(([ns, n]) => podVethNames(ns ?? "", n ?? ""));
    expect((await linkNames()).filter((l) => ours.includes(l) && !linksBefore.includes(l))).toEqual([]);
    expect((await natChains()).filter((c) => !chainsBefore.includes(c))).toEqual([]);
  });
});

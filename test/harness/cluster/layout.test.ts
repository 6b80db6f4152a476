import { describe, expect, it } from "vitest";
import { nodeArgv } from "../../../harness/cluster/enter.js";
import { clusterLayout, defaultStateDir } from "../../../harness/cluster/names.js";
import { resolveStateDir, resolveUpFlags } from "../../../harness/cluster/options.js";
import type { RawUpFlags } from "../../../harness/cluster/options.js";
import { daemonEnv } from "../../../harness/cluster/proc.js";
import { apiServerArgv, mockEc2Argv } from "../../../harness/cluster/roles.js";
import { decodeState } from "../../../harness/cluster/state.js";
import { runningPodStatus } from "../../../harness/kubelet/status.js";

const flags = (over: Partial<RawUpFlags> = {}): RawUpFlags => ({
  nodes: "3", name: "vch", vpcCidr: "10.0.0.0/16", instanceType: "m5.large", qps: "12", burst: "18", timeout: "120s", ...over,
});

describe("cluster layout: names and addresses", () => {
  it("names nodes, netns and links from the cluster name, within 15 characters, and lays out the VPC", () => {
    const l = clusterLayout({ name: "abcdefgh", stateDir: "/s", nodes: 8, vpcCidr: "10.100.0.0/16" });
    expect(l.bridge).toBe("abcdefgh-vpc");
    expect(l.nodes.map((n) => n.hostVeth)).toContain("abcdefgh-n8");
    for (const n of l.nodes) expect(n.hostVeth.length).toBeLessThanOrEqual(15);
    expect(l.nodes[0]).toMatchObject({ name: "abcdefgh-node-1", netns: "abcdefgh-node-1", uplink: "eth0", dir: "/s/nodes/abcdefgh-node-1" });
    expect([l.primarySubnet, l.branchSubnet, l.gateway, l.prefixLength]).toEqual(["10.100.0.0/19", "10.100.32.0/19", "10.100.0.1", 19]);
  });

  it("resolves the defaults: 3 nodes, ./vch.kubeconfig, the state dir of the name, EC2's real limit", () => {
    const c = resolveUpFlags(flags());
    expect(c.layout.nodes).toHaveLength(3);
    expect(c.kubeconfig).toBe(`${process.cwd()}/vch.kubeconfig`);
    expect(c.layout.stateDir).toBe(defaultStateDir("vch"));
    expect([c.qps, c.burst, c.timeoutMs]).toEqual([12, 18, 120_000]);
    expect(resolveStateDir({ name: "other" })).toBe("/run/vpc-cni-harness/cluster/other");
  });

  it.each([
    [{ nodes: "0" }, /--nodes 0/],
    [{ nodes: "9" }, /--nodes 9/],
    [{ nodes: "two" }, /--nodes two/],
    [{ name: "Bad_Name" }, /--name "Bad_Name"/],
    [{ name: "waytoolongname" }, /--name/],
    [{ vpcCidr: "10.0.0.0/24" }, /10\.0\.0\.0\/24/],
    [{ vpcCidr: "10.0.0.1/16" }, /host bits/],
    [{ instanceType: "m9.galactic" }, /--instance-type m9.galactic/],
    [{ provisioningDelay: "soon" }, /--provisioning-delay/],
    [{ timeout: "10ms" }, /--timeout 10ms/],
    [{ qps: "-1" }, /--qps -1/],
  ])("refuses %o before anything starts", (over, message) => {
    expect(() => resolveUpFlags(flags(over))).toThrow(message);
  });
});

describe("cluster processes: command lines and environment", () => {
  const l = clusterLayout({ name: "vch", stateDir: "/s", nodes: 1, vpcCidr: "10.0.0.0/16" });

  it("serves mock-ec2 and the API server on the bridge's address, so the nodes reach them", () => {
    const ec2 = mockEc2Argv(l, { stateDir: "/s/ec2", qps: 12, burst: 18 });
    expect(ec2.slice(2, 6)).toEqual(["--listen", "10.0.0.1:0", "--allow-remote", "--state-dir"]);
    expect(ec2.join(" ")).toContain("--subnet 10.0.0.0/19@us-west-2a --subnet 10.0.32.0/19@us-west-2a --qps 12 --burst 18");
    expect(apiServerArgv(l, "/s/kubeconfig").slice(2)).toEqual(["api-server", "--listen", "10.0.0.1:0", "--allow-remote", "--kubeconfig", "/s/kubeconfig"]);
  });

  it("enters a node with the command as arguments, never as script text", () => {
    const argv = nodeArgv("vch-node-1", "/s/scratch", ["containerd", "--config", "/s/c; rm -rf /"]);
    expect(argv.slice(0, 2)).toEqual(["nsenter", "--net=/run/netns/vch-node-1"]);
    expect(argv.slice(-5)).toEqual(["node-enter", "/s/scratch", "containerd", "--config", "/s/c; rm -rf /"]);
    expect(argv[argv.indexOf("-c") + 1]).not.toContain("containerd");
  });

  it("gives daemons no npm_* variables (mock-ipamd would stop with the npm that started up)", () => {
    process.env["npm_lifecycle_event"] = "npx";
    try {
      const env = daemonEnv();
      expect(Object.keys(env).some((k) => k.startsWith("npm_"))).toBe(false);
      expect(env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"]).toBe("true");
    } finally {
      delete process.env["npm_lifecycle_event"];
    }
  });
});

describe("cluster state file", () => {
  it("refuses a file of another format, naming it", () => {
    expect(() => decodeState("{}", "/s/cluster.json")).toThrow(/\/s\/cluster.json is not a vpc-cni-harness-cluster\/1 state file/);
    expect(() => decodeState("nope", "/s/cluster.json")).toThrow(/is not JSON/);
  });
});

describe("kubelet: a running pod's status", () => {
  it("reports the sandbox's address without its prefix, the node's as hostIP, and Ready", () => {
    const s = runningPodStatus({ ips: ["10.0.0.5/32"], hostIp: "10.0.0.4", now: "2026-01-01T00:00:00Z", containers: ["app"], image: "busybox" });
    expect(s).toMatchObject({ phase: "Running", podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }], hostIP: "10.0.0.4" });
    expect((s["conditions"] as { type: string; status: string }[]).find((c) => c.type === "Ready")?.status).toBe("True");
    expect(s["containerStatuses"]).toMatchObject([{ name: "app", ready: true, image: "busybox" }]);
  });
});

// Configuration: defaults with no config, file <- flags precedence, and errors that name the key.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseFlags, resolveConfig } from "../../../ipamd/config/index.js";

const files = (map: Record<string, string>) => (p: string): string => {
  const text = map[p];
  if (text === undefined) throw new Error(`ENOENT: no such file ${p}`);
  return text;
};

describe("ipamd config", () => {
  it("starts with no config at all on the documented defaults", () => {
    const cfg = resolveConfig(parseFlags([]));
    expect(cfg).toEqual(DEFAULT_CONFIG);
    expect(cfg.listen).toBe("unix:///run/mock-ipamd/ipamd.sock");
    expect(cfg.node.instanceType).toBe("m5.large");
    expect(cfg.ipCooldownMs).toBe(30_000);
    // docs/REFERENCE.md §1: the controller's EC2 client 12 QPS burst 18, branch cooldown 60 s.
    expect(cfg.ec2).toEqual({ qps: 12, burst: 18, callLatencyMs: 50 });
    expect(cfg.branchCooldownMs).toBe(60_000);
    expect(cfg.provisioningDelay).toEqual({ kind: "fixed", fixedMs: 1500 });
    expect(cfg.faults).toEqual({
      ec2ThrottleRate: 0, ec2FailureRate: 0, branchAllocationFailureRate: 0, annotationFailureRate: 0,
      branchCapacityOverride: -1, subnetExhausted: false, ipamdDown: false,
    });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.node)).toBe(true);
  });

  it("reads a YAML file and lets flags override it", () => {
    const yaml = [
      "node: { instanceType: m5.xlarge, name: n-7 }",
      "controller:",
      "  provisioningDelay: { kind: uniform, min: 1s, max: 2500ms }",
      "faults: { annotationFailureRate: 0.25 }",
      "warmPool: { WARM_IP_TARGET: 5 }",
      "securityGroupPolicies:",
      "  - { namespace: shop, name: web, podSelector: { app: web } }",
      "ipamd: { ipCooldown: 10s, hostLinks: off }",
    ].join("\n");
    const cfg = resolveConfig(
      parseFlags(["--config", "c.yaml", "--instance-type", "c5.4xlarge", "--sgp-namespace", "a", "--sgp-namespace", "b", "--ip-cooldown", "1.5s"]),
      files({ "c.yaml": yaml }),
    );
    expect(cfg.node).toMatchObject({ instanceType: "c5.4xlarge", name: "n-7", subnetCidr: "10.0.0.0/19" });
    expect(cfg.provisioningDelay).toEqual({ kind: "uniform", minMs: 1000, maxMs: 2500 });
    expect(cfg.faults.annotationFailureRate).toBe(0.25);
    expect(cfg.faults.ec2ThrottleRate).toBe(0);
    expect(cfg.warm).toMatchObject({ WARM_ENI_TARGET: 1, WARM_IP_TARGET: 5 });
    expect(cfg.ipCooldownMs).toBe(1500);
    expect(cfg.hostLinks).toBe("off");
    expect(cfg.policies.map((p) => `${p.namespace}/${p.name}`)).toEqual(["shop/web", "a/sgp-namespace", "b/sgp-namespace"]);
    expect(cfg.policies[0]?.podSelector).toEqual({ app: "web" });
  });

  it("takes --provisioning-delay as a Go duration and JSON files too", () => {
    const cfg = resolveConfig(parseFlags(["--config", "c.json", "--provisioning-delay", "250ms"]), files({ "c.json": '{"controller":{"provisioningDelay":"9s"}}' }));
    expect(cfg.provisioningDelay).toEqual({ kind: "fixed", fixedMs: 250 });
    expect(resolveConfig(parseFlags(["--config", "c.json"]), files({ "c.json": '{"controller":{"provisioningDelay":"9s"}}' })).provisioningDelay).toEqual({ kind: "fixed", fixedMs: 9000 });
  });

  it.each([
    ["node:\n  instanceType: m5.large\n  instancetype: x\n", /node: Unrecognized key.*instancetype/],
    ["faults: { ec2ThrottleRate: 2 }", /faults\.ec2ThrottleRate: /],
    ["ipamd: { ipCooldown: soon }", /ipamd\.ipCooldown: .*"soon" is not a duration/],
    ["node: { subnetCidr: 10.0.0.0 }", /node\.subnetCidr: must be an IPv4 CIDR/],
    ["node: { instanceType: x9.huge }", /instance type "x9.huge" is not known/],
    ["controller: { branchCooldown: 5s }", /controller\.branchCooldown: .*minimum of 30s/],
    // Node fires a timer over 2^31-1 ms after 1 ms: such a cooldown or delay would end at once.
    ["controller: { branchCooldown: 720h }", /controller\.branchCooldown: .*longer than a timer can wait/],
    ["controller: { provisioningDelay: 720h }", /provisioning delay: fixedMs must be at most 2147483647 ms/],
    ["ipamd: { waitForBranchEni: 720h }", /waitForBranchEni: .*longer than a timer can wait/],
    ["{ not yaml", /not YAML\/JSON/],
  ])("refuses %j naming the key", (text, message) => {
    expect(() => resolveConfig(parseFlags(["--config", "bad.yaml"]), files({ "bad.yaml": text }))).toThrow(message);
  });

  it("names the flag on bad flag values", () => {
    expect(() => resolveConfig(parseFlags(["--provisioning-delay", "fast"]))).toThrow(/--provisioning-delay: "fast" is not a duration/);
    expect(() => resolveConfig(parseFlags(["--wait-for-branch-eni", "600h"]))).toThrow(/--wait-for-branch-eni.*longer than a timer can wait/);
    expect(resolveConfig(parseFlags(["--wait-for-branch-eni", "576h"])).waitForBranchEniMs).toBe(24 * 86_400_000);
    expect(() => resolveConfig(parseFlags(["--listen", "/tmp/x.sock"]))).toThrow(/--listen.*unix:\/\/\/path or host:port/);
    expect(() => resolveConfig(parseFlags(["--metrics", "nope"]))).toThrow(/--metrics/);
    expect(() => resolveConfig(parseFlags(["--listen", "unix://relative/x.sock"]))).toThrow('--listen / ipamd.listen: "unix://relative/x.sock" needs an absolute path (unix:///path)');
    expect(() => resolveConfig(parseFlags(["--listen", "unix://"]))).toThrow("needs an absolute path");
    for (const bad of ["999.1.1.1:5", "10.0.0:50051", "-host:1", "a_b:1"]) {
      expect(() => resolveConfig(parseFlags(["--listen", bad])), bad).toThrow(`--listen / ipamd.listen: "${bad}" is not unix:///path or host:port`);
    }
    expect(() => resolveConfig(parseFlags(["--listen", "127.0.0.1:65536"]))).toThrow("--listen / ipamd.listen: port 65536 is out of range (0..65535)");
    expect(() => resolveConfig(parseFlags(["--introspection", "300.0.0.1:61679"]))).toThrow(`--introspection / ipamd.introspection: "300.0.0.1:61679" is not host:port or "off"`);
    for (const good of ["localhost:50051", "unix:///run/x.sock"]) expect(resolveConfig(parseFlags(["--listen", good])).listen).toBe(good);
    // Reachable from other hosts: well-formed, and refused without the flag that says so (README, Security).
    for (const remote of ["10.0.0.1:0", "node-1.example:1"]) {
      expect(() => resolveConfig(parseFlags(["--listen", remote]))).toThrow(`--listen: ${remote} can be reached from other hosts; pass --allow-remote-listen`);
      expect(resolveConfig(parseFlags(["--listen", remote, "--allow-remote-listen"])).listen).toBe(remote);
    }
    expect(() => parseFlags(["--host-links", "maybe"])).toThrow(/maybe/);
    expect(() => resolveConfig(parseFlags(["--config", "missing.yaml"]), files({}))).toThrow(/--config missing.yaml: cannot read/);
    expect(() => resolveConfig(parseFlags(["--host-link-prefix", "a very long prefix"]))).toThrow(/host link prefix/);
    expect(resolveConfig(parseFlags(["--host-link-prefix", "t1-"])).hostLinkPrefix).toBe("t1-");
  });

  it("reads the documented example (ipamd/config/example.yaml) as exactly the defaults plus its policy", () => {
    const text = readFileSync(new URL("../../../ipamd/config/example.yaml", import.meta.url), "utf8");
    const cfg = resolveConfig(parseFlags(["--config", "example.yaml"]), files({ "example.yaml": text }));
    expect({ ...cfg, policies: [], configFile: undefined }).toEqual({ ...DEFAULT_CONFIG, policies: [] });
    expect(cfg.policies).toEqual([{ namespace: "shop", name: "web-sg", podSelector: { app: "web" }, serviceAccountSelector: {}, securityGroupIds: ["sg-0123456789abcdef0"] }]);
  });

  it("accepts TCP listeners and 'off' for the HTTP endpoints", () => {
    const cfg = resolveConfig(parseFlags(["--listen", "127.0.0.1:50051", "--introspection", "off", "--metrics", "127.0.0.1:0"]));
    expect(cfg).toMatchObject({ listen: "127.0.0.1:50051", introspection: "off", metrics: "127.0.0.1:0" });
  });

  it("--cluster kube: needs --node-name and --ec2-endpoint; --kubeconfig and --ec2-endpoint need it", () => {
    expect(resolveConfig(parseFlags([])).cluster).toEqual({ mode: "memory" });
    const kube = resolveConfig(parseFlags(["--cluster", "kube", "--node-name", "n1", "--ec2-endpoint", "http://127.0.0.1:4566/", "--kubeconfig", "/k"]));
    expect(kube.cluster).toEqual({ mode: "kube", kubeconfig: "/k", ec2Endpoint: "http://127.0.0.1:4566", fabric: { enabled: false, uplink: "eth0" } });
    const kubeArgs = ["--cluster", "kube", "--node-name", "n1", "--ec2-endpoint", "http://x:1"];
    // Off unless asked: it changes the netns it runs in (a test's mock-ipamd on the host must not).
    expect(resolveConfig(parseFlags([...kubeArgs, "--fabric", "on", "--fabric-uplink", "ens5"])).cluster).toMatchObject({ fabric: { enabled: true, uplink: "ens5" } });
    expect(resolveConfig(parseFlags([...kubeArgs, "--fabric", "off"])).cluster).toMatchObject({ fabric: { enabled: false } });
    expect(() => resolveConfig(parseFlags([...kubeArgs, "--fabric-uplink", "eth0;reboot"]))).toThrow("--fabric-uplink \"eth0;reboot\": not a link name");
    expect(() => resolveConfig(parseFlags(["--fabric", "on"]))).toThrow("--fabric needs --cluster kube");
    expect(() => resolveConfig(parseFlags(["--cluster", "kube", "--ec2-endpoint", "http://x:1"]))).toThrow("--cluster kube needs --node-name");
    expect(() => resolveConfig(parseFlags(["--cluster", "kube", "--node-name", "n1"]))).toThrow("--cluster kube needs --ec2-endpoint");
    expect(() => resolveConfig(parseFlags(["--cluster", "kube", "--node-name", "n1", "--ec2-endpoint", "x:1"]))).toThrow("expected an http:// or https:// URL");
    expect(() => resolveConfig(parseFlags(["--kubeconfig", "/k"]))).toThrow("--kubeconfig needs --cluster kube");
  });
});

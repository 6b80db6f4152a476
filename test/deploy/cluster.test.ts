// Offline checks of the multi-node kind setup (no Docker here): the 3-node kind config and mock-ec2's
// Deployment + Service agree with each other and with mock-ec2's own flags; the DaemonSet's nodes
// reach that one EC2 (docs/REFERENCE.md §9: one VPC, one account-wide limit): the DaemonSet's
// `instance` init container parses with the command it runs, on every node of the 3-node config.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { cidrContains, cidrsOverlap, ipToInt, parseCidr } from "../../common/ipv4.js";
import { instanceLimits } from "../../common/limits.js";
import { parseArgs } from "../../ec2/config.js";
import { instanceCommand, resolveInstanceFlags } from "../../harness/cluster/instance-command.js";
import type { InstanceFlags } from "../../harness/cluster/instance-command.js";
import { DEPLOY_DIR, daemonSetParts, flagValue, loadFile, one } from "./parts.js";
import type { K } from "./parts.js";

async function docs(file: string): Promise<K.Doc[]> {
  return parseAllDocuments(await readFile(join(DEPLOY_DIR, file), "utf8")).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join("; ")}`);
    return d.toJSON() as K.Doc;
  });
}

interface Kind { kind: string; apiVersion: string; networking: { disableDefaultCNI?: boolean; serviceSubnet: string }; nodes: { role: string; labels?: Record<string, string> }[] }
interface Deploy {
  spec: {
    replicas: number; strategy: { type: string }; selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { hostNetwork?: boolean; nodeSelector?: Record<string, string>; tolerations?: object[]; containers: (K.Container & { ports?: { containerPort: number }[]; readinessProbe?: { httpGet?: { path: string; port: number } } })[]; volumes?: K.Volume[] } };
  };
}
interface Service { spec: { clusterIP: string; selector: Record<string, string>; ports: { port: number; targetPort: number }[] } }

describe("deploy/kind-3nodes.yaml", async () => {
  const [cfg] = (await docs("kind-3nodes.yaml")) as unknown as Kind[];

  it("is a kind cluster of three nodes without the default CNI", () => {
    expect(cfg?.apiVersion).toBe("kind.x-k8s.io/v1alpha4");
    expect(cfg?.nodes.map((n) => n.role)).toEqual(["control-plane", "worker", "worker"]);
    expect(cfg?.networking.disableDefaultCNI).toBe(true);
  });

  it("labels every node with an instance type the controller and mock-ipamd know", () => {
    for (const n of cfg?.nodes ?? []) {
      const t = n.labels?.["node.kubernetes.io/instance-type"] ?? "";
      expect(() => instanceLimits(t)).not.toThrow();
    }
  });
});

describe("deploy/mock-ec2.yaml", async () => {
  const all = await docs("mock-ec2.yaml");
  const kind = (await docs("kind-3nodes.yaml"))[0] as unknown as Kind;
  const dep = all.find((d) => d.kind === "Deployment") as unknown as K.Doc & Deploy;
  const svc = all.find((d) => d.kind === "Service") as unknown as K.Doc & Service;
  const pod = dep.spec.template.spec;
  const c = pod.containers[0] as Deploy["spec"]["template"]["spec"]["containers"][number];
  const config = parseArgs(c.args ?? []);

  it("runs one mock-ec2 (never two on one state file) on the host network, on the control plane", () => {
    expect(all.map((d) => `${d.apiVersion}/${d.kind}`)).toEqual(["apps/v1/Deployment", "v1/Service"]);
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy.type).toBe("Recreate");
    expect(pod.hostNetwork).toBe(true);
    expect(pod.nodeSelector).toEqual({ "node-role.kubernetes.io/control-plane": "" });
    expect(pod.tolerations).toContainEqual({ operator: "Exists" });
    expect(c.command).toEqual(["node", "/app/dist/cmd/mock-ec2.js"]);
  });

  it("starts with flags mock-ec2 accepts: the VPC of the cluster, the real rate limit, state on a hostPath", () => {
    expect(config.rateLimit).toEqual({ qps: 12, burst: 18 });
    expect(config.spec.subnets.map((s) => s.cidr)).toEqual(["10.0.0.0/19", "10.0.32.0/19"]);
    const stateVolume = c.volumeMounts?.find((m) => m.mountPath === config.stateDir)?.name;
    expect(pod.volumes?.find((v) => v.name === stateVolume)?.hostPath?.path).toBe(config.stateDir);
    // Pod addresses (the VPC) and Service addresses never overlap.
    expect(cidrsOverlap(parseCidr(config.spec.vpcCidr), parseCidr(kind.networking.serviceSubnet))).toBe(false);
  });

  it("is reached through a Service with a fixed ClusterIP in kind's service range, on the port it listens on", () => {
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(dep.spec.template.metadata.labels[k]).toBe(v);
    expect(dep.spec.selector.matchLabels).toEqual(svc.spec.selector);
    expect(cidrContains(parseCidr(kind.networking.serviceSubnet), ipToInt(svc.spec.clusterIP))).toBe(true);
    expect(svc.spec.ports[0]?.targetPort).toBe(config.port);
    expect(c.ports?.[0]?.containerPort).toBe(config.port);
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/_harness/health", port: config.port });
  });
});

/** kind's node names for a cluster called NAME: NAME-control-plane, NAME-worker, NAME-worker2, ... */
function kindNodeNames(cfg: Kind & { name?: string }): string[] {
  let workers = 0;
  return cfg.nodes.map((n) => `${cfg.name ?? "kind"}-${n.role === "control-plane" ? "control-plane" : `worker${++workers === 1 ? "" : String(workers)}`}`);
}

/** The args of a container as the kubelet hands them over: $(VAR) of the container's env replaced. */
function expand(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, v: string) => env[v] ?? m));
}

/** Runs the real `instance` command's parser (commander, then its checks) on args; no EC2 call is made. */
async function parseInstance(args: readonly string[]): Promise<InstanceFlags> {
  let got: InstanceFlags | undefined;
  const cmd = instanceCommand().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  cmd.action((raw: Parameters<typeof resolveInstanceFlags>[0]) => void (got = resolveInstanceFlags(raw)));
  await cmd.parseAsync([...args], { from: "user" });
  if (got === undefined) throw new Error("the instance command did not run its action");
  return got;
}

describe("deploy/daemonset.yaml on deploy/kind-3nodes.yaml: every node finds its instance in the one mock-ec2", async () => {
  const kind = (await docs("kind-3nodes.yaml"))[0] as unknown as Kind & { name?: string };
  const ec2Docs = await docs("mock-ec2.yaml");
  const svc = ec2Docs.find((d) => d.kind === "Service") as unknown as K.Doc & Service;
  const ec2Dep = ec2Docs.find((d) => d.kind === "Deployment") as unknown as K.Doc & Deploy;
  const { instanceC, mainC } = daemonSetParts(await loadFile("daemonset.yaml"));
  const controller = one<K.Workload>(await loadFile("controller.yaml"), "Deployment").spec.template.spec.containers[0] as K.Container;
  const serviceUrl = `http://${svc.spec.clusterIP}:${String(svc.spec.ports[0]?.port)}`;

  it("the init container's args parse with the instance command on each kind node, naming mock-ec2's Service and the node's own instance type", async () => {
    const names = kindNodeNames(kind);
    expect(names).toEqual(["vpc-cni-harness-control-plane", "vpc-cni-harness-worker", "vpc-cni-harness-worker2"]);
    expect(instanceC.command).toEqual(["node", "/app/dist/cmd/vpc-cni-harness.js", "instance"]);
    expect(instanceC.image).toBe(ec2Dep.spec.template.spec.containers[0]?.image);
    for (const [i, node] of names.entries()) {
      const f = await parseInstance(expand(instanceC.args ?? [], { NODE_NAME: node }));
      expect(f).toEqual({ ec2Endpoint: serviceUrl, nodeName: node, instanceType: kind.nodes[i]?.labels?.["node.kubernetes.io/instance-type"] });
    }
  });

  it("mock-ipamd and the controller call the same endpoint: the Service's clusterIP:port, which mock-ec2 listens on", () => {
    expect(serviceUrl).toBe("http://10.96.0.20:4566");
    expect(flagValue(mainC.args, "--ec2-endpoint")).toBe(serviceUrl);
    // A kind node is its own netns: its mock-ipamd routes the VPC there (off by default).
    expect(flagValue(mainC.args, "--fabric")).toBe("on");
    expect(flagValue(controller.args, "--ec2-endpoint")).toBe(serviceUrl);
    expect(parseArgs(ec2Dep.spec.template.spec.containers[0]?.args ?? []).port).toBe(svc.spec.ports[0]?.targetPort);
  });

  it("the parser it is checked with refuses what the command refuses (a bad endpoint, an unexpanded node name, an unknown flag)", async () => {
    await expect(parseInstance(["--ec2-endpoint", "10.96.0.20:4566", "--node-name", "n1"])).rejects.toThrow("--ec2-endpoint http(s)://host:port is required");
    await expect(parseInstance(expand(instanceC.args ?? [], {}))).rejects.toThrow("--node-name is required");
    await expect(parseInstance(["--ec2-endpoint", serviceUrl, "--node-name", "n1", "--instance-type", "m9.huge"])).rejects.toThrow("not an instance type");
    await expect(parseInstance(["--ec2-endpoint", serviceUrl, "--nodename", "n1"])).rejects.toThrow("unknown option '--nodename'");
  });
});

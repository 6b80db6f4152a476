// Offline checks of the multi-node kind setup (no Docker here): the 3-node kind config and mock-ec2's
// Deployment + Service agree with each other and with mock-ec2's own flags; the DaemonSet's nodes
// reach that one EC2 (docs/REFERENCE.md §9: one VPC, one account-wide limit).

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { cidrContains, cidrsOverlap, ipToInt, parseCidr } from "../../common/ipv4.js";
import { instanceLimits } from "../../common/limits.js";
import { parseArgs } from "../../ec2/config.js";
import { DEPLOY_DIR } from "./parts.js";
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

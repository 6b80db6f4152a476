// The command lines of a cluster's processes (pure), from the built dist/: the host's mock-ec2, API
// server and controller, and each node's containerd (containerd/node.ts), mock-ipamd and kubelet.
// The flags are the contracts of docs/ARCHITECTURE.md (cluster mode).

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClusterLayout, NodeLayout } from "./names.js";

/** dist/ (this file is dist/harness/cluster/roles.js once built). */
export const DIST = fileURLToPath(new URL("../../", import.meta.url));

export const BIN = {
  mockEc2: join(DIST, "cmd", "mock-ec2.js"),
  harness: join(DIST, "cmd", "vpc-cni-harness.js"),
  controller: join(DIST, "cmd", "mock-vpc-resource-controller.js"),
  ipamd: join(DIST, "cmd", "mock-ipamd.js"),
  plugin: join(DIST, "bin", "mock-vpc-cni"),
} as const;

const nodeJs = (): string => process.execPath;

export function mockEc2Argv(l: ClusterLayout, o: { stateDir: string; qps: number; burst: number }): string[] {
  return [
    nodeJs(), BIN.mockEc2, "--listen", `${l.gateway}:0`, "--allow-remote", "--state-dir", o.stateDir,
    "--vpc-cidr", l.vpcCidr, "--subnet", `${l.primarySubnet}@us-west-2a`, "--subnet", `${l.branchSubnet}@us-west-2a`,
    "--qps", String(o.qps), "--burst", String(o.burst),
  ];
}

export function apiServerArgv(l: ClusterLayout, kubeconfig: string): string[] {
  return [nodeJs(), BIN.harness, "api-server", "--listen", `${l.gateway}:0`, "--allow-remote", "--kubeconfig", kubeconfig];
}

export function controllerArgv(l: ClusterLayout, o: { kubeconfig: string; ec2Endpoint: string; provisioningDelay: string | undefined }): string[] {
  return [
    nodeJs(), BIN.controller, "--kubeconfig", o.kubeconfig, "--ec2-endpoint", o.ec2Endpoint,
    "--primary-subnet", l.primarySubnet, "--branch-subnet", l.branchSubnet,
    // The SGP webhook (pod-eni request on matching pods), registered with the API server on the host.
    "--webhook-listen", "127.0.0.1:0",
    ...(o.provisioningDelay === undefined ? [] : ["--provisioning-delay", o.provisioningDelay]),
  ];
}

export interface IpamdPaths {
  readonly socket: string;
  /** mock-ipamd's default control socket: next to the CNI socket. */
  readonly control: string;
  readonly stateDir: string;
}

export function ipamdPaths(n: NodeLayout): IpamdPaths {
  return { socket: join(n.dir, "ipamd", "ipamd.sock"), control: join(n.dir, "ipamd", "control.sock"), stateDir: join(n.dir, "ipamd") };
}

export function ipamdArgv(n: NodeLayout, o: { kubeconfig: string; ec2Endpoint: string }): string[] {
  const p = ipamdPaths(n);
  return [
    nodeJs(), BIN.ipamd, "--cluster", "kube", "--kubeconfig", o.kubeconfig, "--node-name", n.name, "--ec2-endpoint", o.ec2Endpoint,
    "--listen", `unix://${p.socket}`, "--state-dir", p.stateDir, "--host-links", "on",
    // The node's share of the VPC's routing (off unless asked: it changes the netns it runs in).
    "--fabric", "on",
    // The node's own loopback: each node is its own netns, so the default ports never collide.
    "--introspection", "127.0.0.1:61679", "--metrics", "127.0.0.1:61678",
  ];
}

export function kubeletArgv(n: NodeLayout, o: { kubeconfig: string; criSocket: string; instanceType: string; providerId: string; internalIp: string }): string[] {
  return [
    nodeJs(), BIN.harness, "kubelet", "--kubeconfig", o.kubeconfig, "--node-name", n.name, "--cri", `unix://${o.criSocket}`,
    "--instance-type", o.instanceType, "--provider-id", o.providerId, "--internal-ip", o.internalIp,
    "--ipamd-control", `unix://${ipamdPaths(n).control}`,
  ];
}

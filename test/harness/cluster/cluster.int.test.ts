// `cluster up --nodes 3` on this machine, end to end: each node a netns with its own containerd,
// mock-ipamd (cluster mode, ENIs from the shared mock-ec2) and kubelet; the API server, the
// controller and mock-ec2 on the host (the controller's provisioning delay 5 s, as the demo's, so a
// kubelet busy with the other pods still makes its first attempt before the annotation). 6 ordinary and 3 SGP pods spread over the nodes: every
// address unique, every pod reaches every other (ping from inside each pod's netns), a ClusterIP
// (kube-proxy's DNAT, one rule) reaches pods on another node, each SGP pod's first sandbox fails as
// on EKS and then runs. Then kill -9 of mock-ec2 and of one node's
// mock-ipamd while pods are being made: after their restart nothing is given twice or leaked. Then
// `cluster down` leaves the host as it was.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEc2HarnessClient } from "../../../common/ec2/harness.js";
import { netnsInode } from "../../../harness/cluster/proc.js";
import { describeIf, missingOf, needRoot } from "../../helpers/prereq.js";
import { eventually } from "../../helpers/wait.js";
import type { HostSnapshot, PodView, TestCluster } from "./helpers.js";
import { cli, clusterPaths, clusterProcesses, connectFrom, eventsOnceStored, hostSnapshot, listEvents, listPods, nodeIptables, pingFrom, podYaml, runningSandboxes, serveInPod, sgpYaml, upCluster } from "./helpers.js";

const missing = missingOf(
  needRoot(),
  ["/usr/bin/containerd", "/usr/sbin/runc", "/usr/bin/ping", "/usr/bin/kubectl", "/usr/sbin/iptables", "/usr/bin/nsenter"].filter((p) => !existsSync(p)).join(", "),
);
const NAME = "t3";
const NODES = [1, 2, 3].map((i) => `${NAME}-node-${i}`);

describeIf(missing, "cluster up --nodes 3: one VPC, three nodes on this machine", () => {
  let c: TestCluster;
  let before: HostSnapshot;
  let inodes: number[] = [];

  beforeAll(async () => {
    before = await hostSnapshot(NAME);
    c = (await upCluster(NAME, ["--nodes", "3", "--provisioning-delay", "5s"])).cluster;
    inodes = (await Promise.all(NODES.map((n) => netnsInode(`/run/netns/${n}`)))).filter((i): i is number => i !== undefined);
  }, 300_000);

  afterAll(async () => {
    // A failed test must not leave the cluster behind (the last test downs it on success).
    if (existsSync(clusterPaths(NAME).stateDir)) await cli(["cluster", "down", "--state-dir", clusterPaths(NAME).stateDir]);
  }, 120_000);

  async function runningPods(ns: string, count: number): Promise<PodView[]> {
    let pods: PodView[] = [];
    await eventually(`${count} pods Running in ${ns}`, async () => {
      pods = await listPods(c, ns);
      return pods.length === count && pods.every((p) => p.status?.phase === "Running" && (p.status.podIP ?? "") !== "");
    }, 180_000, 500).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${pods.map((p) => `${p.metadata.name} ${p.spec.nodeName} ${p.status?.phase} ${p.status?.podIP ?? ""}`).join("\n")}`);
    });
    return pods;
  }

  it("runs 6 ordinary and 3 SGP pods spread over the nodes, each address unique, every pod reaching every other", async () => {
    const docs = [
      ...Array.from({ length: 6 }, (_, i) => podYaml({ name: `plain-${i + 1}`, namespace: "default", node: NODES[i % 3] as string })),
      sgpYaml("default", "sgp"),
      ...Array.from({ length: 3 }, (_, i) => podYaml({ name: `sgp-${i + 1}`, namespace: "default", node: NODES[i] as string, labels: { role: "sgp" } })),
    ];
    const applied = await c.kubectl(["apply", "-f", "-"], docs.join("\n"));
    expect(applied.code, applied.stderr).toBe(0);
    const pods = await runningPods("default", 9);
    const ips = pods.map((p) => p.status?.podIP as string);
    expect(new Set(ips).size).toBe(9);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(NODES));
    // Branch pods take their address from the branch subnet, ordinary ones from the primary.
    for (const p of pods) expect(p.status?.podIP?.startsWith(p.metadata.name.startsWith("sgp") ? "10.0.32." : "10.0.0.")).toBe(true);

    const sandboxes = await runningSandboxes(c);
    const pidOf = new Map(sandboxes.filter((s) => s.namespace === "default").map((s) => [s.pod, s.pid]));
    expect([...pidOf.keys()].sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    // The fabric follows the VPC's view within moments: wait until every pair answers, then say which did not.
    let failed: string[] = [];
    await eventually("every pod reaching every other", async () => {
      failed = [];
      for (const a of pods) {
        for (const b of pods) {
          if (a !== b && !(await pingFrom(pidOf.get(a.metadata.name) as number, b.status?.podIP as string))) failed.push(`${a.metadata.name} -> ${b.metadata.name}`);
        }
      }
      return failed.length === 0;
    }, 60_000, 500).catch(() => undefined);
    expect(failed).toEqual([]);
  });

  it("reaches a pod on another node through a ClusterIP: kube-proxy's DNAT on the client's node, the fabric between the nodes", async () => {
    // kube-proxy (iptables mode) DNATs a Service's ClusterIP in the client's node's PREROUTING to one
    // endpoint; the VPC routes the packet to the endpoint's node, and the reply back to the client's
    // node, where conntrack undoes the DNAT. One rule per Service stands in for kube-proxy here
    // (there is none on this machine); what is tested is that the fabric carries such traffic to
    // an ordinary and to a branch pod on another node, and brings the replies back.
    const pods = await listPods(c, "default");
    const pidOf = new Map((await runningSandboxes(c)).filter((s) => s.namespace === "default").map((s) => [s.pod, s.pid]));
    const pod = (name: string): PodView => pods.find((p) => p.metadata.name === name) as PodView;
    const client = pod("plain-1");
    expect(client.spec.nodeName).toBe(NODES[0]);
    const services = [
      { clusterIp: "10.96.0.10", backend: pod("plain-3") },
      { clusterIp: "10.96.0.11", backend: pod("sgp-3") },
    ];
    /** The Service's one DNAT rule in the client node's nat PREROUTING, added (-A) or deleted (-D). */
    const dnat = (verb: "-A" | "-D", s: (typeof services)[number]): Promise<void> =>
      nodeIptables(NODES[0] as string, ["-t", "nat", verb, "PREROUTING", "-d", `${s.clusterIp}/32`, "-p", "tcp", "--dport", "80", "-j", "DNAT", "--to-destination", `${s.backend.status?.podIP}:8080`]);
    const servers = [];
    try {
      for (const s of services) {
        expect(s.backend.spec.nodeName).toBe(NODES[2]);
        servers.push(await serveInPod(pidOf.get(s.backend.metadata.name) as number, 8080, `hello from ${s.backend.metadata.name}`));
        await dnat("-A", s);
      }
      for (const s of services) {
        expect(await connectFrom(pidOf.get(client.metadata.name) as number, s.clusterIp, 80), `${client.metadata.name} -> ${s.clusterIp} (${s.backend.metadata.name})`).toBe(`hello from ${s.backend.metadata.name}`);
      }
    } finally {
      for (const srv of servers) srv.stop();
      for (const s of services) await dnat("-D", s).catch(() => undefined);
    }
  });

  it("fails each SGP pod's first sandbox as EKS does, and then runs it on its branch ENI", async () => {
    const events = await eventsOnceStored(c, "default", ["sgp-1", "sgp-2", "sgp-3"], ["FailedCreatePodSandBox", "SecurityGroupRequested", "ResourceAllocated", "Started"]);
    const pods = await listPods(c, "default");
    for (const name of ["sgp-1", "sgp-2", "sgp-3"]) {
      const pod = pods.find((p) => p.metadata.name === name) as PodView;
      const mine = events.filter((e) => e.involvedObject.name === name);
      const failed = mine.find((e) => e.reason === "FailedCreatePodSandBox");
      expect(failed?.type, `${name}: ${mine.map((e) => e.reason).join(", ")}`).toBe("Warning");
      expect(failed?.message).toMatch(/^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="mock-vpc-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container/);
      const reasons = mine.map((e) => e.reason);
      for (const r of ["Scheduled", "SecurityGroupRequested", "ResourceAllocated", "Started"]) if (r !== "Scheduled") expect(reasons).toContain(r);
      const at = (e: (typeof mine)[number] | undefined): number => Date.parse(e?.eventTime ?? e?.firstTimestamp ?? "");
      expect(at(failed)).toBeLessThanOrEqual(at(mine.find((e) => e.reason === "Started")));
      const annotation = JSON.parse(pod.metadata.annotations?.["vpc.amazonaws.com/pod-eni"] ?? "[]") as { privateIp: string }[];
      expect(annotation[0]?.privateIp).toBe(pod.status?.podIP);
    }
  });

  /** No address twice in the VPC or among pods; every branch ENI is exactly one running pod's; ipamd's leases are its ordinary pods'. */
  async function checkNothingTwiceNothingLeaked(pods: PodView[]): Promise<void> {
    const ips = pods.flatMap((p) => (p.status?.podIP === undefined ? [] : [p.status.podIP]));
    expect(new Set(ips).size).toBe(ips.length);
    const view = await createEc2HarnessClient((await c.state()).ec2Endpoint as string).fabric();
    const all = view.interfaces.flatMap((e) => e.ips);
    expect(new Set(all).size).toBe(all.length);
    for (const ip of ips) expect(all).toContain(ip);
    const branchEnis = view.interfaces.filter((e) => e.interfaceType === "branch").map((e) => e.eniId).sort();
    expect(annotatedEnis(pods)).toEqual(branchEnis);
    const sandboxes = await runningSandboxes(c);
    for (const n of (await c.state()).nodes) {
      const ckpt = JSON.parse(await readFile(join(n.dir, "ipamd", "ipam.json"), "utf8")) as { allocations: { containerID: string; ipv4: string }[] };
      const ordinary = pods.filter((p) => p.spec.nodeName === n.name && p.status?.phase === "Running" && annotatedEnis([p]).length === 0);
      const expected = ordinary.map((p) => `${sandboxes.find((sb) => sb.pod === p.metadata.name)?.sandboxId} ${p.status?.podIP}`).sort();
      expect(ckpt.allocations.map((a) => `${a.containerID} ${a.ipv4}`).sort()).toEqual(expected);
    }
  }

  function annotatedEnis(pods: PodView[]): string[] {
    return pods.flatMap((p) => (JSON.parse(p.metadata.annotations?.["vpc.amazonaws.com/pod-eni"] ?? "[]") as { eniId: string }[]).map((a) => a.eniId)).sort();
  }

  it("gives no address twice and leaks nothing after kill -9 of mock-ec2 and of a node's mock-ipamd mid-run", async () => {
    const s = await c.state();
    const ec2 = s.processes.find((p) => p.role === "mock-ec2");
    const ipamd = s.processes.find((p) => p.role === "ipamd" && p.node === NODES[1]);
    const docs = [
      ...Array.from({ length: 3 }, (_, i) => podYaml({ name: `more-plain-${i + 1}`, namespace: "default", node: NODES[i] as string })),
      ...Array.from({ length: 6 }, (_, i) => podYaml({ name: `more-sgp-${i + 1}`, namespace: "default", node: NODES[i % 3] as string, labels: { role: "sgp" } })),
    ];
    const applied = await c.kubectl(["apply", "-f", "-"], docs.join("\n"));
    expect(applied.code, applied.stderr).toBe(0);
    // Mid-run: the controller is making branch ENIs, node 2's ipamd answering ADDs.
    process.kill(ec2?.pid as number, "SIGKILL");
    process.kill(ipamd?.pid as number, "SIGKILL");
    for (const args of [["mock-ec2"], ["ipamd", "--node", NODES[1] as string]]) {
      const r = await cli(["cluster", "restart", ...args, "--state-dir", c.stateDir]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    }
    // Settled: ordinary pods run; an SGP pod runs on its branch ENI, or (EC2 gone for its five
    // work-queue retries, docs/REFERENCE.md §8) waits with BranchAllocationFailed and no ENI of its own;
    // the controller has deleted what the failed attempts created.
    let pods: PodView[] = [];
    await eventually("the cluster to settle after the restarts", async () => {
      pods = await listPods(c, "default");
      const events = await listEvents(c, "default");
      const settled = pods.every((p) => p.status?.phase === "Running" ||
        (p.metadata.labels?.["role"] === "sgp" && annotatedEnis([p]).length === 0 && events.some((e) => e.involvedObject.name === p.metadata.name && e.reason === "BranchAllocationFailed")));
      const view = await createEc2HarnessClient((await c.state()).ec2Endpoint as string).fabric();
      const branches = view.interfaces.filter((e) => e.interfaceType === "branch").map((e) => e.eniId).sort();
      return pods.length === 18 && settled && JSON.stringify(branches) === JSON.stringify(annotatedEnis(pods));
    }, 240_000, 1_000);
    // A sandbox whose ADD reached ipamd just before the kill keeps its lease: containerd's DEL failed
    // (ipamd down), so it keeps that sandbox NOTREADY, and the kubelet's sandbox GC (each minute, as
    // kubelet's) stops it again, which runs the DEL that releases the lease. Nothing may stay behind.
    await eventually("every lease on the nodes to be a running ordinary pod's", async () => {
      await checkNothingTwiceNothingLeaked(pods);
      return true;
    }, 150_000, 2_000);

    // What an operator does for pods whose provisioning gave up: restart the controller, which
    // lists every pod again (docs/REFERENCE.md §8); then every pod runs, still nothing twice.
    const r = await cli(["cluster", "restart", "controller", "--state-dir", c.stateDir]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    pods = await runningPods("default", 18);
    await checkNothingTwiceNothingLeaked(pods);
  }, 570_000);

  it("a second `up` on the running cluster refuses, names `down`, and leaves the cluster running; the Nodes carry the controller's NodeTrunkInitiated", async () => {
    const r = await cli(["cluster", "up", "--nodes", "3", "--name", NAME, "--state-dir", c.stateDir, "--kubeconfig", c.kubeconfig]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cluster "${NAME}" is up already (3 nodes; kubeconfig ${c.kubeconfig})`);
    expect(r.stderr).toContain(`to start over, run first: vpc-cni-harness cluster down --state-dir ${c.stateDir}`);
    expect(r.stderr).not.toContain("removing what was made");
    const status = await cli(["cluster", "status", "--state-dir", c.stateDir]);
    expect(status.code, status.stdout).toBe(0);
    // kubectl describe node finds the controller's event (its uid is the node's name).
    const d = await c.kubectl(["describe", "node", NODES[0] as string]);
    expect(d.stdout).toMatch(/Normal\s+NodeTrunkInitiated\s+.*vpc-resource-controller\s+The node has trunk interface initialized successfully/);
  });

  it("cluster down leaves the host as it was: netns, links, rules, routes, iptables, mounts, cgroups, processes", async () => {
    const r = await cli(["cluster", "down", "--state-dir", c.stateDir]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(await hostSnapshot(NAME)).toEqual(before);
    expect(await clusterProcesses(c.stateDir, inodes)).toEqual([]);
    expect(existsSync(c.stateDir)).toBe(false);
    expect(existsSync(c.kubeconfig)).toBe(false);
  });
});

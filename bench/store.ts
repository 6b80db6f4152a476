// Benchmark: the registry in-process, at the size of the scale-1000 scenario the memory backend
// runs: 112 nodes, 1000 pods (create, bind, annotation patch, status patch, graceful delete, final
// delete), 30 events per pod, 112 spec.nodeName watchers (one per node's ipamd) and 2 watchers of
// everything; FakeClock, synchronous delivery. Prints wall time and writes per second.
// Usage: npx tsx bench/store.ts [--pods 1000] [--events-per-pod 30] [--runs 3]

import type { K8sObject } from "../cluster/k8s/types.js";
import { createObjectStore } from "../cluster/store/index.js";
import { FakeClock } from "../common/clock.js";
import { option } from "./helpers/args.mjs";

const PODS = Number(option("--pods", "1000"));
const EVENTS = Number(option("--events-per-pod", "30"));
const RUNS = Number(option("--runs", "3"));
const NODES = 112;

const P = { group: "", plural: "pods" };
const N = { group: "", plural: "nodes" };
const E = { group: "", plural: "events" };

function run(): { ms: number; writes: number; delivered: number } {
  const clock = new FakeClock(Date.parse("2025-01-01T00:00:00Z"));
  let uid = 0;
  const s = createObjectStore({ clock, newUid: () => `uid-${++uid}`, random: () => 0.5 });
  const start = performance.now();
  let writes = 0;
  let delivered = 0;
  for (let i = 0; i < NODES; i++) {
    s.create(N, "", { apiVersion: "v1", kind: "Node", metadata: { name: `n${i}` }, status: { allocatable: { pods: "110", "vpc.amazonaws.com/pod-eni": "9" } } });
    writes++;
  }
  for (let i = 0; i < NODES; i++) s.watch(P, { fieldSelector: `spec.nodeName=n${i}` }, () => void delivered++);
  s.watch(P, {}, () => void delivered++);
  s.watch(E, {}, () => void delivered++);
  const annotation = JSON.stringify([{ eniId: "eni-0123", ifAddress: "06:74:5b:7b:54:3a", privateIp: "10.0.0.1", vlanId: 1, subnetCidr: "10.0.0.0/24" }]);
  for (let i = 0; i < PODS; i++) {
    const name = `p${i}`;
    const pod: K8sObject = { apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "sgp" } }, spec: { containers: [{ name: "c", image: "pause", resources: { limits: { "vpc.amazonaws.com/pod-eni": "1" } } }] } };
    const uidOf = s.create(P, "default", pod).object.metadata.uid ?? "";
    s.bind("default", { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: `n${i % NODES}` } });
    s.patch(P, "default", name, "merge", { metadata: { annotations: { "vpc.amazonaws.com/pod-eni": annotation } } }, { preconditions: { uid: uidOf } });
    s.patch(P, "default", name, "merge", { status: { phase: "Running", podIP: "10.0.0.1" } }, { subresource: "status" });
    writes += 4;
    for (let k = 0; k < EVENTS; k++) {
      s.create(E, "default", { apiVersion: "v1", kind: "Event", metadata: { name: `${name}.${k}` }, involvedObject: { kind: "Pod", namespace: "default", name, uid: uidOf }, reason: "Started", message: "Started container c", type: "Normal", source: { component: "kubelet" } });
      writes++;
    }
  }
  for (let i = 0; i < PODS; i++) {
    s.delete(P, "default", `p${i}`);
    s.delete(P, "default", `p${i}`, { gracePeriodSeconds: 0 });
    writes += 2;
  }
  return { ms: performance.now() - start, writes, delivered };
}

const results = Array.from({ length: RUNS }, run);
const best = results.reduce((a, b) => (a.ms < b.ms ? a : b));
console.log(`registry in-process: ${NODES} nodes, ${PODS} pods, ${EVENTS} events/pod, ${NODES + 2} watchers (node ${process.version}; best of ${RUNS})`);
console.log(`  wall ms        ${best.ms.toFixed(0)}   (runs: ${results.map((r) => r.ms.toFixed(0)).join(", ")})`);
console.log(`  writes         ${best.writes}   (${((best.writes / best.ms) * 1000).toFixed(0)}/s)`);
console.log(`  events delivered to watchers ${best.delivered}`);

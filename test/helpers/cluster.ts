// A memory-mode cluster for tests: the ObjectStore behind the seam's memory backend, default-
// scheduler's Scheduled events, and synchronous helpers to arrange and read it (create, bind,
// delete pods; policies; events) so a test reads like the scenario it checks. The components under
// test reach it only through the seam.

import { createMemoryCluster, recordScheduling, recorderFor } from "../../cluster/client/index.js";
import type { ClusterClient, EventRecorder, Informer } from "../../cluster/client/index.js";
import { buildPod, buildSgp, clusterEvent, parseEvent, parseNode, parsePod, sgpFromSimple } from "../../cluster/k8s/index.js";
import type { ClusterEvent, NewPod, NodeObject, PodObject, SimplePolicy } from "../../cluster/k8s/index.js";
import { createObjectStore } from "../../cluster/store/index.js";
import type { ObjectStore, StoreWatchEvent } from "../../cluster/store/index.js";
import type { Clock } from "../../common/clock.js";
import { EVENT_SOURCE } from "../../common/names.js";
import { nodePods, nodePodsInformer } from "../../ipamd/index.js";
import type { NodePods } from "../../ipamd/index.js";

const PODS = { group: "", plural: "pods" };
const NODES = { group: "", plural: "nodes" };
const EVENTS = { group: "", plural: "events" };
const SGPS = { group: "vpcresources.k8s.aws", plural: "securitygrouppolicies" };

export interface TestCluster {
  clock: Clock;
  store: ObjectStore;
  cluster: ClusterClient;
  /** default-scheduler's recorder (Scheduled events come from a watch on pods). */
  scheduler: EventRecorder;
  createPod(spec: NewPod): PodObject;
  getPod(namespace: string, name: string): PodObject | undefined;
  listPods(namespace?: string): PodObject[];
  bindPod(namespace: string, name: string, nodeName: string): PodObject;
  /** Merge patch of the pod's metadata (labels, annotations). */
  patchPodMeta(namespace: string, name: string, meta: { labels?: Record<string, string | null>; annotations?: Record<string, string | null> }): PodObject;
  /** At once by default (grace 0, as `kubectl delete --now`); graceful: the kubelet finishes it. */
  deletePod(namespace: string, name: string, opts?: { graceful?: boolean; uid?: string }): void;
  applyPolicy(p: Omit<SimplePolicy, "serviceAccountSelector"> & { serviceAccountSelector?: Record<string, string> }): void;
  deletePolicy(namespace: string, name: string): void;
  getNode(name: string): NodeObject | undefined;
  /** Events as the harness shows them, by involved object name, in creation order. */
  listEvents(filter?: { name?: string; namespace?: string }): ClusterEvent[];
  reasons(name?: string): string[];
  /** Every event write (create, aggregation), as it happens. */
  watchEvents(fn: (e: ClusterEvent) => void): () => void;
  watchPods(fn: (type: string, pod: PodObject) => void): () => void;
  stop(): void;
}

export function testCluster(clock: Clock, opts: { uidPrefix?: string } = {}): TestCluster {
  let n = 0;
  const store = createObjectStore({
    clock,
    keepClientUid: true,
    newUid: () => `${opts.uidPrefix ?? "uid"}-${++n}`,
    limits: { eventTtlMs: Number.MAX_SAFE_INTEGER },
  });
  const cluster = createMemoryCluster(store, { autoCreateNamespaces: true });
  const scheduler = recorderFor(cluster, { clock, source: EVENT_SOURCE.scheduler });
  const scheduling = recordScheduling(cluster, clock, scheduler);
  void scheduling.start();
  const get = (namespace: string, name: string): PodObject | undefined => {
    try {
      return parsePod(store.get(PODS, namespace, name));
    } catch {
      return undefined;
    }
  };
  const ensureNs = (ns: string): void => {
    try {
      store.get({ group: "", plural: "namespaces" }, "", ns);
    } catch {
      store.create({ group: "", plural: "namespaces" }, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    }
  };
  // Events in creation order (a watch from the start; an aggregation replaces its entry in place).
  const log = new Map<string, ClusterEvent>();
  const eventWatch = store.watch(EVENTS, { resourceVersion: store.currentResourceVersion() }, (e: StoreWatchEvent) => {
    const key = `${e.object.metadata.namespace ?? ""}/${e.object.metadata.name ?? ""}`;
    if (e.type === "ADDED" || e.type === "MODIFIED") log.set(key, clusterEvent(parseEvent(e.object)));
    else if (e.type === "DELETED") log.delete(key);
  });
  const events = (): ClusterEvent[] => [...log.values()];
  return {
    clock, store, cluster, scheduler,
    createPod(spec) {
      ensureNs(spec.namespace);
      return parsePod(store.create(PODS, spec.namespace, buildPod(spec)).object);
    },
    getPod: get,
    listPods: (namespace) => store.list(PODS, namespace === undefined ? {} : { namespace }).items.map(parsePod),
    bindPod(namespace, name, nodeName) {
      return parsePod(store.bind(namespace, { apiVersion: "v1", kind: "Binding", metadata: { name, namespace }, target: { kind: "Node", name: nodeName } }));
    },
    patchPodMeta(namespace, name, meta) {
      return parsePod(store.patch(PODS, namespace, name, "merge", { metadata: meta }).object);
    },
    deletePod(namespace, name, o = {}) {
      store.delete(PODS, namespace, name, { ...(o.graceful === true ? {} : { gracePeriodSeconds: 0 }), ...(o.uid === undefined ? {} : { preconditions: { uid: o.uid } }) });
    },
    applyPolicy(p) {
      ensureNs(p.namespace);
      store.create(SGPS, p.namespace, buildSgp(sgpFromSimple({ serviceAccountSelector: {}, ...p })));
    },
    deletePolicy: (namespace, name) => void store.delete(SGPS, namespace, name),
    getNode(name) {
      try {
        return parseNode(store.get(NODES, "", name));
      } catch {
        return undefined;
      }
    },
    listEvents(filter = {}) {
      return events().filter((e) => (filter.name === undefined || e.involvedObject.name === filter.name) && (filter.namespace === undefined || e.involvedObject.namespace === filter.namespace));
    },
    reasons(name) {
      return this.listEvents(name === undefined ? {} : { name }).map((e) => e.reason);
    },
    watchEvents(fn) {
      const w = store.watch(EVENTS, { resourceVersion: store.currentResourceVersion() }, (e: StoreWatchEvent) => {
        if (e.type === "ADDED" || e.type === "MODIFIED") fn(clusterEvent(parseEvent(e.object)));
      });
      return () => w.stop();
    },
    watchPods(fn) {
      const w = store.watch(PODS, { resourceVersion: store.currentResourceVersion() }, (e: StoreWatchEvent) => {
        if (e.type !== "BOOKMARK" && e.type !== "ERROR") fn(e.type, parsePod(e.object));
      });
      return () => w.stop();
    },
    stop() {
      scheduling.stop();
      eventWatch.stop();
    },
  };
}

/** ipamd's view of a node's pods on the test cluster (an informer with spec.nodeName), started. */
export async function nodePodsOf(tc: TestCluster, nodeName: string, opts: { adopt?: boolean } = {}): Promise<NodePods & { informer: Informer<PodObject> }> {
  const informer = nodePodsInformer(tc.cluster, tc.clock, nodeName);
  await informer.start();
  return { ...nodePods({ cluster: tc.cluster, informer, nodeName, ...(opts.adopt === undefined ? {} : { adopt: opts.adopt }) }), informer };
}

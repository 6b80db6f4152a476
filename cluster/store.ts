// The in-memory API server: pods, nodes, SecurityGroupPolicies and events with watch, admission
// hooks on create, UID-guarded updates and a resourceVersion bumped on every change.

import { randomUUID } from "node:crypto";
import type { Clock } from "../common/clock.js";
import { HarnessError } from "../common/errors.js";
import { aggregate, aggregationKey, newEvent } from "./events.js";
import type {
  AdmissionHook,
  ClusterEvent,
  ClusterStore,
  CreatePodSpec,
  NodeObject,
  PodObject,
  SecurityGroupPolicyObject,
  WatchType,
} from "./types.js";
import { createFanout } from "./watch.js";

export interface ClusterStoreDeps {
  clock: Clock;
  /** Pod uid generator for pods created without one (default: random UUID). */
  newUid?: () => string;
  /** Called when a watcher throws (the other watchers still run). */
  onWatchError?: (e: unknown) => void;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

function freezePod(p: PodObject): PodObject {
  return Object.freeze({
    ...p,
    labels: Object.freeze({ ...p.labels }),
    annotations: Object.freeze({ ...p.annotations }),
    limits: Object.freeze({ ...p.limits }),
    requests: Object.freeze({ ...p.requests }),
  });
}

function samePod(a: PodObject, b: PodObject): boolean {
  return JSON.stringify({ ...a, resourceVersion: 0 }) === JSON.stringify({ ...b, resourceVersion: 0 });
}

export function createClusterStore(deps: ClusterStoreDeps): ClusterStore {
  const { clock } = deps;
  const newUid = deps.newUid ?? randomUUID;
  let revision = 0;
  const pods = new Map<string, PodObject>();
  const nodes = new Map<string, NodeObject>();
  const policies = new Map<string, SecurityGroupPolicyObject>();
  const events: ClusterEvent[] = [];
  const latestByKey = new Map<string, number>();
  const hooks: AdmissionHook[] = [];
  const podWatch = createFanout<[WatchType, PodObject]>(deps.onWatchError);
  const eventWatch = createFanout<[ClusterEvent]>(deps.onWatchError);

  const mustGetPod = (namespace: string, name: string, uid?: string): PodObject => {
    const pod = pods.get(key(namespace, name));
    if (pod === undefined) throw new HarnessError("not-found", `pods "${name}" not found in namespace "${namespace}"`);
    if (uid !== undefined && uid !== "" && pod.uid !== uid) {
      // The API server's precondition failure for a UID-guarded PATCH/DELETE.
      throw new HarnessError("conflict", `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.uid}`, {
        details: `pod ${namespace}/${name} was recreated`,
      });
    }
    return pod;
  };

  const recordScheduled = (pod: PodObject): void => {
    store.recordEvent({
      type: "Normal",
      reason: "Scheduled",
      message: `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.nodeName}`,
      involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
      source: "default-scheduler",
      attributes: { node: pod.nodeName },
    });
  };

  const store: ClusterStore = {
    createPod(spec: CreatePodSpec): PodObject {
      if (spec.namespace === "" || spec.name === "") throw new HarnessError("invalid-argument", "pod namespace and name are required");
      if (pods.has(key(spec.namespace, spec.name))) {
        throw new HarnessError("already-exists", `pods "${spec.name}" already exists in namespace "${spec.namespace}"`);
      }
      const now = clock.now();
      let pod: PodObject = {
        namespace: spec.namespace,
        name: spec.name,
        uid: spec.uid !== undefined && spec.uid !== "" ? spec.uid : newUid(),
        labels: { ...(spec.labels ?? {}) },
        annotations: {},
        limits: {},
        requests: {},
        serviceAccount: spec.serviceAccount !== undefined && spec.serviceAccount !== "" ? spec.serviceAccount : "default",
        nodeName: spec.nodeName ?? "",
        createdAt: now,
        scheduledAt: spec.nodeName !== undefined && spec.nodeName !== "" ? now : undefined,
        deletedAt: undefined,
        resourceVersion: 0,
      };
      // Mutating admission runs before the object is persisted, as on a real API server.
      for (const hook of hooks) pod = hook(pod);
      pod = freezePod({ ...pod, namespace: spec.namespace, name: spec.name, resourceVersion: ++revision });
      pods.set(key(pod.namespace, pod.name), pod);
      podWatch.emit("ADDED", pod);
      if (pod.nodeName !== "") recordScheduled(pod);
      return pod;
    },
    getPod: (namespace, name) => pods.get(key(namespace, name)),
    listPods: (namespace) => [...pods.values()].filter((p) => namespace === undefined || namespace === "" || p.namespace === namespace),
    updatePod(namespace, name, change, uid) {
      const old = mustGetPod(namespace, name, uid);
      const changed = change(old);
      const next = freezePod({ ...changed, namespace: old.namespace, name: old.name, uid: old.uid, resourceVersion: old.resourceVersion });
      // A no-op update does not bump the resourceVersion nor notify watchers (like the API server).
      if (samePod(old, next)) return old;
      const stored = freezePod({ ...next, resourceVersion: ++revision });
      pods.set(key(namespace, name), stored);
      podWatch.emit("MODIFIED", stored);
      return stored;
    },
    schedulePod(namespace, name, nodeName) {
      if (nodeName === "") throw new HarnessError("invalid-argument", "schedulePod: node name is empty");
      const old = mustGetPod(namespace, name);
      if (old.nodeName === nodeName) return old;
      if (old.nodeName !== "") {
        throw new HarnessError("conflict", `pod ${namespace}/${name} is already bound to node ${old.nodeName}`);
      }
      const pod = store.updatePod(namespace, name, (p) => ({ ...p, nodeName, scheduledAt: clock.now() }));
      recordScheduled(pod);
      return pod;
    },
    deletePod(namespace, name, uid) {
      const old = mustGetPod(namespace, name, uid);
      pods.delete(key(namespace, name));
      const gone = freezePod({ ...old, deletedAt: clock.now(), resourceVersion: ++revision });
      podWatch.emit("DELETED", gone);
      return gone;
    },
    watchPods: (fn) => podWatch.subscribe(fn),
    addAdmissionHook: (hook) => void hooks.push(hook),

    upsertNode(node) {
      const stored: NodeObject = Object.freeze({
        ...node,
        labels: Object.freeze({ ...node.labels }),
        capacity: Object.freeze({ ...node.capacity }),
        resourceVersion: ++revision,
      });
      nodes.set(node.name, stored);
      return stored;
    },
    getNode: (name) => nodes.get(name),
    listNodes: () => [...nodes.values()],

    applyPolicy(policy) {
      if (policy.namespace === "" || policy.name === "") {
        throw new HarnessError("invalid-argument", "SecurityGroupPolicy namespace and name are required");
      }
      const stored: SecurityGroupPolicyObject = Object.freeze({
        ...policy,
        podSelector: Object.freeze({ ...policy.podSelector }),
        serviceAccountSelector: Object.freeze({ ...policy.serviceAccountSelector }),
        securityGroupIds: Object.freeze([...policy.securityGroupIds]),
      });
      policies.set(key(policy.namespace, policy.name), stored);
      revision++;
      return stored;
    },
    deletePolicy(namespace, name) {
      const old = policies.get(key(namespace, name));
      if (old === undefined) {
        throw new HarnessError("not-found", `securitygrouppolicies.vpcresources.k8s.aws "${name}" not found in namespace "${namespace}"`);
      }
      policies.delete(key(namespace, name));
      revision++;
      return old;
    },
    listPolicies: (namespace) =>
      [...policies.values()].filter((p) => namespace === undefined || namespace === "" || p.namespace === namespace),

    recordEvent(input) {
      const fresh = newEvent(input, clock.now());
      const k = aggregationKey(fresh);
      const idx = latestByKey.get(k);
      const prev = idx === undefined ? undefined : events[idx];
      const merged = prev === undefined ? undefined : aggregate(prev, fresh);
      let stored: ClusterEvent;
      if (merged !== undefined && idx !== undefined) {
        stored = Object.freeze(merged);
        events[idx] = stored;
      } else {
        stored = Object.freeze(fresh);
        latestByKey.set(k, events.push(stored) - 1);
      }
      revision++;
      eventWatch.emit(stored);
      return stored;
    },
    listEvents(filter) {
      return events.filter(
        (e) =>
          (filter?.namespace === undefined || filter.namespace === "" || e.involvedObject.namespace === filter.namespace) &&
          (filter?.name === undefined || filter.name === "" || e.involvedObject.name === filter.name),
      );
    },
    watchEvents: (fn) => eventWatch.subscribe(fn),
  };
  return store;
}

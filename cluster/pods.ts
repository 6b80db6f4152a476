// Pods of the API server: admission on create, UID-guarded update/delete, scheduling (with the
// scheduler's `Scheduled` event), watch, and a resourceVersion bumped on every change.

import type { Clock } from "../common/clock.js";
import { HarnessError } from "../common/errors.js";
import type { AdmissionHook, ClusterStore, CreatePodSpec, NewEvent, PodObject, WatchType } from "./types.js";
import { createFanout } from "./watch.js";

export type PodStore = Pick<
  ClusterStore,
  "createPod" | "getPod" | "listPods" | "updatePod" | "schedulePod" | "deletePod" | "watchPods" | "addAdmissionHook"
>;

export interface PodStoreDeps {
  clock: Clock;
  newUid: () => string;
  bump: () => number;
  recordEvent: (e: NewEvent) => unknown;
  onWatchError?: (e: unknown) => void;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;
const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== "";

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

function newPod(spec: CreatePodSpec, uid: string, now: number): PodObject {
  return {
    namespace: spec.namespace,
    name: spec.name,
    uid,
    labels: { ...(spec.labels ?? {}) },
    annotations: {},
    limits: {},
    requests: {},
    serviceAccount: nonEmpty(spec.serviceAccount) ? spec.serviceAccount : "default",
    nodeName: spec.nodeName ?? "",
    createdAt: now,
    scheduledAt: nonEmpty(spec.nodeName) ? now : undefined,
    deletedAt: undefined,
    resourceVersion: 0,
  };
}

export function createPodStore(deps: PodStoreDeps): PodStore {
  const { clock, bump } = deps;
  const pods = new Map<string, PodObject>();
  const hooks: AdmissionHook[] = [];
  const watch = createFanout<[WatchType, PodObject]>(deps.onWatchError);

  const mustGet = (namespace: string, name: string, uid?: string): PodObject => {
    const pod = pods.get(key(namespace, name));
    if (pod === undefined) throw new HarnessError("not-found", `pods "${name}" not found in namespace "${namespace}"`);
    if (nonEmpty(uid) && pod.uid !== uid) {
      // The API server's precondition failure for a UID-guarded PATCH/DELETE.
      throw new HarnessError("conflict", `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.uid}`, {
        details: `pod ${namespace}/${name} was deleted and recreated`,
      });
    }
    return pod;
  };
  const scheduled = (pod: PodObject): void =>
    void deps.recordEvent({
      type: "Normal",
      reason: "Scheduled",
      message: `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.nodeName}`,
      involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
      source: "default-scheduler",
      attributes: { node: pod.nodeName },
    });

  const store: PodStore = {
    createPod(spec) {
      if (spec.namespace === "" || spec.name === "") throw new HarnessError("invalid-argument", "pod namespace and name are required");
      if (pods.has(key(spec.namespace, spec.name))) {
        throw new HarnessError("already-exists", `pods "${spec.name}" already exists in namespace "${spec.namespace}"`);
      }
      // UIDs are unique among live objects, as the API server's are: the controller keys a pod's
      // branch ENI by uid, so a second live pod with the same uid would orphan the first one's.
      if (nonEmpty(spec.uid)) {
        const holder = [...pods.values()].find((p) => p.uid === spec.uid);
        if (holder !== undefined) {
          throw new HarnessError("already-exists", `uid ${spec.uid} is already the uid of pod ${holder.namespace}/${holder.name}`);
        }
      }
      let pod = newPod(spec, nonEmpty(spec.uid) ? spec.uid : deps.newUid(), clock.now());
      // Mutating admission runs before the object is persisted, as on a real API server.
      for (const hook of hooks) pod = hook(pod);
      pod = freezePod({ ...pod, namespace: spec.namespace, name: spec.name, resourceVersion: bump() });
      pods.set(key(pod.namespace, pod.name), pod);
      watch.emit("ADDED", pod);
      if (pod.nodeName !== "") scheduled(pod);
      return pod;
    },
    getPod: (namespace, name) => pods.get(key(namespace, name)),
    listPods: (namespace) => [...pods.values()].filter((p) => !nonEmpty(namespace) || p.namespace === namespace),
    updatePod(namespace, name, change, uid) {
      const old = mustGet(namespace, name, uid);
      const next = freezePod({ ...change(old), namespace: old.namespace, name: old.name, uid: old.uid, resourceVersion: old.resourceVersion });
      // A no-op update bumps nothing and notifies nobody (like the API server).
      if (samePod(old, next)) return old;
      const stored = freezePod({ ...next, resourceVersion: bump() });
      pods.set(key(namespace, name), stored);
      watch.emit("MODIFIED", stored);
      return stored;
    },
    schedulePod(namespace, name, nodeName) {
      if (nodeName === "") throw new HarnessError("invalid-argument", "schedulePod: node name is empty");
      const old = mustGet(namespace, name);
      if (old.nodeName === nodeName) return old;
      if (old.nodeName !== "") throw new HarnessError("conflict", `pod ${namespace}/${name} is already bound to node ${old.nodeName}`);
      const pod = store.updatePod(namespace, name, (p) => ({ ...p, nodeName, scheduledAt: clock.now() }));
      scheduled(pod);
      return pod;
    },
    deletePod(namespace, name, uid) {
      const old = mustGet(namespace, name, uid);
      pods.delete(key(namespace, name));
      const gone = freezePod({ ...old, deletedAt: clock.now(), resourceVersion: bump() });
      watch.emit("DELETED", gone);
      return gone;
    },
    watchPods: (fn) => watch.subscribe(fn),
    addAdmissionHook: (hook) => void hooks.push(hook),
  };
  return store;
}

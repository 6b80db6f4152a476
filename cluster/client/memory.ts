// The memory backend of the cluster seam: the in-process ObjectStore (cluster/store), the same
// store the embedded API server serves. Every call does its work synchronously and returns an
// already-settled promise, and watch deliveries happen inside the write, so a FakeClock run stays
// deterministic: a write reaches every informer before the writer's next line.

import { HarnessError, isHarnessError } from "../../common/errors.js";
import { parseCniNode } from "../k8s/cninode.js";
import { parseEvent } from "../k8s/event.js";
import { parseNode } from "../k8s/node.js";
import { parsePod } from "../k8s/pod.js";
import type { ResourceDef } from "../k8s/resources.js";
import { CNINODES, EVENTS, NODES, PODS, SGPS } from "../k8s/resources.js";
import { parseSgp } from "../k8s/sgp.js";
import type { K8sObject } from "../k8s/types.js";
import type { ObjectStore, ResourceRef } from "../store/types.js";
import type { ClusterClient, ObjectIdentity, PodClient, ResourceClient, WatchEnd } from "./types.js";

export type OnInvalid = (e: unknown, raw: unknown) => void;

/** Runs a synchronous store call as a settled promise (a throw becomes a rejection). */
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

const NAMESPACES: ResourceRef = { group: "", plural: "namespaces" };

/** Creates the namespace when it does not exist yet (memory mode's autoCreateNamespaces). */
function ensureNamespace(store: ObjectStore, name: string, known: Set<string>): void {
  if (known.has(name)) return;
  try {
    store.get(NAMESPACES, "", name);
  } catch (e) {
    if (!(isHarnessError(e) && e.kind === "not-found")) throw e;
    store.create(NAMESPACES, "", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
  // Namespaces are not deleted in memory mode (nothing there deletes them).
  known.add(name);
}

function memoryResource<T extends ObjectIdentity, W extends K8sObject>(
  store: ObjectStore, def: ResourceDef, parseRaw: (v: unknown) => T, onInvalid: OnInvalid, autoNamespaces?: Set<string>,
): ResourceClient<T, W> {
  const r: ResourceRef = { group: def.group, plural: def.plural };
  // Each stored version is one object the store hands to every reader, one watcher after the
  // other (and then to the writer): the last one parsed is reused. A bigger cache would keep a
  // second copy of every stored object alive.
  let lastRaw: object | undefined;
  let lastView: T | undefined;
  const parse = (raw: K8sObject): T => {
    if (raw === lastRaw && lastView !== undefined) return lastView;
    const v = parseRaw(raw);
    lastRaw = raw;
    lastView = v;
    return v;
  };
  const tryParse = (raw: K8sObject): T | undefined => {
    try {
      return parse(raw);
    } catch (e) {
      onInvalid(e, raw);
      return undefined;
    }
  };
  return {
    get: (ref) =>
      settled(() => {
        try {
          return parse(store.get(r, ref.namespace, ref.name));
        } catch (e) {
          if (isHarnessError(e) && e.kind === "not-found") return undefined;
          throw e;
        }
      }),
    list: (o = {}) =>
      settled(() => {
        const res = store.list(r, select(o));
        const items: T[] = [];
        for (const raw of res.items) {
          const v = tryParse(raw);
          if (v !== undefined) items.push(v);
        }
        return { items, resourceVersion: res.resourceVersion };
      }),
    watch(o, fn) {
      let finish!: (e: WatchEnd) => void;
      let done = false;
      const ended = new Promise<WatchEnd>((res) => (finish = res));
      const end = (e: WatchEnd): void => {
        if (done) return;
        done = true;
        finish(e);
      };
      let handle: { stop(): void } | undefined;
      try {
        handle = store.watch(r, { ...select(o), resourceVersion: o.resourceVersion, allowWatchBookmarks: o.allowBookmarks === true }, (e) => {
          if (done) return;
          if (e.type === "BOOKMARK") fn({ type: "BOOKMARK", resourceVersion: e.object.metadata.resourceVersion ?? "" });
          else if (e.type === "ERROR") end({ reason: "error", error: new HarnessError("internal", `watch ${def.plural}: ${JSON.stringify(e.object).slice(0, 200)}`) });
          else {
            const v = tryParse(e.object);
            if (v !== undefined) fn({ type: e.type, object: v });
          }
        });
      } catch (e) {
        end(isHarnessError(e) && e.kind === "expired" ? { reason: "expired" } : { reason: "error", error: e });
      }
      return {
        ended,
        stop() {
          handle?.stop();
          end({ reason: "stopped" });
        },
      };
    },
    create: (object) =>
      settled(() => {
        const ns = object.metadata.namespace ?? "";
        if (autoNamespaces !== undefined && def.namespaced && ns !== "") ensureNamespace(store, ns, autoNamespaces);
        return parse(store.create(r, ns, object).object);
      }),
    patch: (ref, patch, o = {}) =>
      settled(() => {
        const preconditions = { ...(o.uid === undefined ? {} : { uid: o.uid }), ...(o.resourceVersion === undefined ? {} : { resourceVersion: o.resourceVersion }) };
        return parse(store.patch(r, ref.namespace, ref.name, "merge", patch, { preconditions, ...(o.subresource === undefined ? {} : { subresource: o.subresource }) }).object);
      }),
    delete: (ref, o = {}) =>
      settled(() => {
        store.delete(r, ref.namespace, ref.name, {
          ...(o.uid === undefined ? {} : { preconditions: { uid: o.uid } }),
          ...(o.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: o.gracePeriodSeconds }),
        });
      }),
  };
}

function select(o: { namespace?: string; labelSelector?: string; fieldSelector?: string }): { namespace?: string; labelSelector?: string; fieldSelector?: string } {
  return {
    ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    ...(o.labelSelector === undefined ? {} : { labelSelector: o.labelSelector }),
    ...(o.fieldSelector === undefined ? {} : { fieldSelector: o.fieldSelector }),
  };
}

export interface MemoryClusterOptions {
  /** An object in the store that does not parse: skipped and reported here. */
  onInvalid?: OnInvalid;
  /**
   * Create a missing namespace on the first create into it (the standalone daemon and simulated
   * runs, where nobody else makes namespaces; a real API server refuses such a create).
   */
  autoCreateNamespaces?: boolean;
}

export function createMemoryCluster(store: ObjectStore, o: MemoryClusterOptions = {}): ClusterClient {
  const onInvalid = o.onInvalid ?? (() => undefined);
  const auto = o.autoCreateNamespaces === true ? new Set<string>() : undefined;
  const podsBase = memoryResource(store, PODS, parsePod, onInvalid, auto);
  const pods: PodClient = {
    ...podsBase,
    bind: (ref, nodeName) =>
      settled(() => {
        store.bind(ref.namespace, { apiVersion: "v1", kind: "Binding", metadata: { namespace: ref.namespace, name: ref.name }, target: { apiVersion: "v1", kind: "Node", name: nodeName } });
      }),
  };
  return {
    backend: "memory",
    pods,
    nodes: memoryResource(store, NODES, parseNode, onInvalid),
    sgps: memoryResource(store, SGPS, parseSgp, onInvalid, auto),
    cniNodes: memoryResource(store, CNINODES, parseCniNode, onInvalid),
    events: memoryResource(store, EVENTS, parseEvent, onInvalid, auto),
  };
}

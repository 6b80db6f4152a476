// Memory mode's pods registered at their first ADD (plain cnitool use, docs/ARCHITECTURE.md) are
// the daemon's own: no user or controller will ever delete them. Without pruning they pile up, one
// per pod name ever seen (issue #10: RSS grew with every new name). A pod registered here is
// deleted (grace 0, uid precondition) once it is idle: no lease in the datastore and no ADD or DEL
// naming it for `idleTtlMs`; and beyond `maxIdle` idle ones, the least recently seen go first.
// A branch pod's ADD is retried by the kubelet within its back-off (at most 5 minutes), so the
// default TTL outlives a fail-then-retry cycle; deleting the pod sends its branch ENI to the
// controller's cooldown queue, as for any deleted pod. Sweeps run on activity (an ADD or DEL), like
// the store's lazy TTL: no timer, nothing to stop.

import type { ClusterClient } from "../../cluster/client/index.js";
import type { PodObject } from "../../cluster/k8s/index.js";
import type { Clock } from "../../common/clock.js";
import { errorMessage, isHarnessError } from "../../common/errors.js";

/** How long a registered pod may stay without a lease or an ADD/DEL naming it. */
export const ADOPTED_IDLE_TTL_MS = 10 * 60_000;
/** Idle registered pods kept at most (a node holds at most a few hundred pods with IPs). */
export const ADOPTED_MAX_IDLE = 256;

export interface AdoptedPodsOptions {
  cluster: ClusterClient;
  clock: Clock;
  /** "namespace/name" of every pod with a lease in the datastore now. */
  leased: () => ReadonlySet<string>;
  idleTtlMs?: number;
  maxIdle?: number;
  log?: (level: "info" | "warn", msg: string, fields: Record<string, unknown>) => void;
}

export interface AdoptedPods {
  /** The daemon has just registered (or bound) this pod at an ADD. */
  adopted(pod: PodObject): void;
  /** An ADD or DEL named this pod. */
  seen(namespace: string, name: string): void;
  /** Registered pods tracked now (idle or not). */
  size(): number;
  /** Deletes what is due now; resolves when those deletes are done. */
  sweep(): Promise<void>;
}

interface Tracked {
  namespace: string;
  name: string;
  uid: string;
  seenAt: number;
}

export const podRefKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export function createAdoptedPods(o: AdoptedPodsOptions): AdoptedPods {
  const ttl = o.idleTtlMs ?? ADOPTED_IDLE_TTL_MS;
  const maxIdle = o.maxIdle ?? ADOPTED_MAX_IDLE;
  /** Least recently seen first (re-inserted on every sighting). */
  const tracked = new Map<string, Tracked>();
  let lastSweep = o.clock.now();
  /** Pods with a lease at the last sweep: tracked beyond maxIdle + these means idle ones are over the bound. */
  let lastLeased = 0;
  let sweeping: Promise<void> | undefined;

  const touch = (key: string, t: Tracked): void => {
    tracked.delete(key);
    tracked.set(key, t);
  };

  /**
   * The idle pods to delete now: past the TTL, and the least recently seen beyond the bound (down
   * to 7/8 of it, so that a burst of new names does not sweep at every ADD).
   */
  const due = (): Tracked[] => {
    const leased = o.leased();
    const now = o.clock.now();
    const idle = [...tracked.values()].filter((t) => !leased.has(podRefKey(t.namespace, t.name)));
    lastLeased = tracked.size - idle.length;
    const over = idle.length > maxIdle ? idle.length - Math.floor((maxIdle * 7) / 8) : 0;
    return idle.filter((t, i) => i < over || now - t.seenAt >= ttl);
  };

  const remove = async (t: Tracked): Promise<void> => {
    try {
      await o.cluster.pods.delete({ namespace: t.namespace, name: t.name }, { uid: t.uid, gracePeriodSeconds: 0 });
      o.log?.("info", "deleted an idle pod registered at its ADD", { namespace: t.namespace, name: t.name, uid: t.uid });
    } catch (e) {
      // Gone already, or replaced by a pod of the same name (another uid): not ours to delete.
      if (!(isHarnessError(e) && (e.kind === "not-found" || e.kind === "conflict"))) {
        o.log?.("warn", "could not delete an idle pod registered at its ADD", { namespace: t.namespace, name: t.name, err: errorMessage(e) });
      }
    }
  };

  const sweep = (): Promise<void> => {
    sweeping ??= (async () => {
      lastSweep = o.clock.now();
      const victims = due();
      for (const t of victims) tracked.delete(podRefKey(t.namespace, t.name));
      await Promise.all(victims.map(remove));
    })().finally(() => (sweeping = undefined));
    return sweeping;
  };

  /** On activity: sweep when a TTL may have passed or the idle bound may be exceeded. */
  const maybeSweep = (): void => {
    if (sweeping !== undefined) return;
    if (tracked.size > maxIdle + lastLeased || o.clock.now() - lastSweep >= Math.min(ttl, 60_000)) void sweep();
  };

  return {
    adopted(pod) {
      touch(podRefKey(pod.namespace, pod.name), { namespace: pod.namespace, name: pod.name, uid: pod.uid, seenAt: o.clock.now() });
      maybeSweep();
    },
    seen(namespace, name) {
      const key = podRefKey(namespace, name);
      const t = tracked.get(key);
      if (t === undefined) return;
      touch(key, { ...t, seenAt: o.clock.now() });
      maybeSweep();
    },
    size: () => tracked.size,
    sweep,
  };
}

/** The daemon's tracker: leases read from its datastore, deletes logged as the ipamd component. */
export function adoptedPodsFor(
  datastore: { leases(): readonly { metadata: { k8sPodNamespace: string; k8sPodName: string } }[] },
  cluster: ClusterClient,
  clock: Clock,
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): AdoptedPods {
  return createAdoptedPods({
    cluster, clock,
    leased: () => new Set(datastore.leases().map((l) => podRefKey(l.metadata.k8sPodNamespace, l.metadata.k8sPodName))),
    log: (level, msg, fields) => log[level]({ component: "ipamd", ...fields }, msg),
  });
}

// Adapts H3's DurableDatastore (assign durable before it resolves, release of a key without a
// lease resolving undefined: releaseIfHeld) to the backend's IpDatastore port, and nudges the warm pool after each
// change so it tops the pool up at once instead of at its next period. The RPC's AbortSignal goes
// through: a client that gave up (deadline, cancel) is not kept waiting on a checkpoint write.

import type { DurableDatastore } from "../datastore/index.js";
import type { IpAssignment, IpDatastore, LeaseKey, LeaseMeta } from "./types.js";

export function durableIpDatastore(durable: DurableDatastore, afterChange: () => void = () => {}): IpDatastore {
  return {
    async assign(key: LeaseKey, meta: LeaseMeta, signal?: AbortSignal): Promise<IpAssignment> {
      try {
        const podMeta = { k8sPodNamespace: meta.podNamespace, k8sPodName: meta.podName, interfacesCount: 1 };
        const { lease } = await durable.assign(key, podMeta, signal);
        return { ipv4: lease.ip, deviceNumber: lease.deviceNumber, eniId: lease.eniId ?? "" };
      } finally {
        afterChange();
      }
    },
    async release(key: LeaseKey, signal?: AbortSignal): Promise<IpAssignment | undefined> {
      try {
        const lease = await durable.releaseIfHeld(key, signal);
        return lease === undefined ? undefined : { ipv4: lease.ip, deviceNumber: lease.deviceNumber, eniId: lease.eniId ?? "" };
      } finally {
        afterChange();
      }
    },
  };
}

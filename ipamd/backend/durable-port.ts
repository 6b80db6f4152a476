// Adapts H3's DurableDatastore (assign durable before it resolves, release throws
// `datastore: unknown pod`) to the backend's IpDatastore port, and nudges the warm pool after each
// change so it tops the pool up at once instead of at its next period.

import type { DurableDatastore } from "../datastore/index.js";
import { isUnknownPod } from "../datastore/index.js";
import type { IpAssignment, IpDatastore, LeaseKey, LeaseMeta } from "./types.js";

export function durableIpDatastore(durable: DurableDatastore, afterChange: () => void = () => {}): IpDatastore {
  return {
    async assign(key: LeaseKey, meta: LeaseMeta): Promise<IpAssignment> {
      try {
        const { lease } = await durable.assign(key, { k8sPodNamespace: meta.podNamespace, k8sPodName: meta.podName, interfacesCount: 1 });
        return { ipv4: lease.ip, deviceNumber: lease.deviceNumber, eniId: lease.eniId ?? "" };
      } finally {
        afterChange();
      }
    },
    async release(key: LeaseKey): Promise<IpAssignment | undefined> {
      try {
        const lease = await durable.release(key);
        return { ipv4: lease.ip, deviceNumber: lease.deviceNumber, eniId: lease.eniId ?? "" };
      } catch (e) {
        if (isUnknownPod(e)) return undefined;
        throw e;
      } finally {
        afterChange();
      }
    },
  };
}

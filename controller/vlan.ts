// A trunk's VLAN ids: 1..120, the lowest free one first (trunk.go assignVlanId scans from 1);
// an id stays taken while its branch ENI sits in the cooldown queue and is freed on deletion.

import { MAX_VLAN_ID } from "./limits.js";

export interface VlanPool {
  /** The lowest free id, or undefined when all 120 are taken. */
  assign(): number | undefined;
  free(id: number): void;
  /** Marks an id taken (a branch ENI found on the trunk at a restart); false when it already was. */
  reserve(id: number): boolean;
  inUse(): number[];
}

export function createVlanPool(max = MAX_VLAN_ID): VlanPool {
  const used = new Set<number>();
  return {
    assign() {
      for (let id = 1; id <= max; id++) {
        if (!used.has(id)) {
          used.add(id);
          return id;
        }
      }
      return undefined;
    },
    free: (id) => void used.delete(id),
    reserve(id) {
      if (id < 1 || id > max || used.has(id)) return false;
      used.add(id);
      return true;
    },
    inUse: () => [...used].sort((a, b) => a - b),
  };
}

// The `vpc.amazonaws.com/pod-eni` annotation value, in the real controller's JSON shape: an array
// of ENIDetails (only element 0 is used by ipamd), keys in the controller's struct order.

import { HarnessError } from "../common/errors.js";
import type { BranchEniAnnotation } from "./types.js";

export function renderBranchAnnotation(enis: readonly BranchEniAnnotation[]): string {
  return JSON.stringify(
    enis.map((e) => ({
      eniId: e.eniId,
      ifAddress: e.ifAddress,
      privateIp: e.privateIp,
      ipv6Addr: e.ipv6Addr,
      vlanId: e.vlanId,
      subnetCidr: e.subnetCidr,
      subnetV6Cidr: e.subnetV6Cidr,
      associationID: e.associationID,
    })),
  );
}

/**
 * Parses the annotation as ipamd does: a JSON array, element 0; Go's encoding/json matches keys
 * case-insensitively, and ipamd's struct spells the key `vlanID`, so any casing is accepted.
 */
export function parseBranchAnnotation(value: string): BranchEniAnnotation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new HarnessError("invalid-argument", `pod-eni annotation is not JSON: ${value}`, { cause: e });
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || typeof parsed[0] !== "object" || parsed[0] === null) {
    throw new HarnessError("invalid-argument", `pod-eni annotation is not a non-empty JSON array of objects: ${value}`);
  }
  const lower = new Map(Object.entries(parsed[0] as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
  const str = (k: string): string => {
    const v = lower.get(k.toLowerCase());
    return typeof v === "string" ? v : "";
  };
  const vlan = lower.get("vlanid");
  return {
    eniId: str("eniId"),
    ifAddress: str("ifAddress"),
    privateIp: str("privateIp"),
    ipv6Addr: str("ipv6Addr"),
    vlanId: typeof vlan === "number" ? vlan : Number(vlan ?? 0),
    subnetCidr: str("subnetCidr"),
    subnetV6Cidr: str("subnetV6Cidr"),
    associationID: str("associationID"),
  };
}

// Names and numbers the real aws-cni derives for branch (VLAN) pods (docs/REFERENCE.md §3).
import type { IfName, Ipv4, TableId, VlanId } from "../../common/boundary/index.js";

/** Host link of a branch ENI: `vlan.eth.<vlanId>` (the real plugin's name, kept for the fallback); at most 13 bytes. */
export function vlanLinkName(vlanId: VlanId): IfName {
  return `vlan.eth.${vlanId}` as IfName;
}

/** Route table of a branch pod: vlanId + 100, as the real plugin does (101..4194). */
export function vlanTable(vlanId: VlanId): TableId {
  return (vlanId + 100) as TableId;
}

/** The main routing table's id; "from <ip>" rules are only added for other tables. */
export const MAIN_TABLE = 254 as TableId;

/** Link-local gateway every pod routes through (docs/REFERENCE.md §3). */
export const POD_GATEWAY = "169.254.1.1" as Ipv4;

/** Rule priorities of the real plugin: to-pod 512, from-pod 1536, branch strict-mode iif 10. */
export const PRIO_TO_POD = 512;
export const PRIO_FROM_POD = 1536;
export const PRIO_VLAN_IIF = 10;

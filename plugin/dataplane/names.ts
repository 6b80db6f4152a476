// Names and numbers the real aws-cni derives for branch (VLAN) pods (docs/REFERENCE.md §3).

/** Host link of a branch ENI: `vlan.eth.<vlanId>` (the real plugin's name, kept for the fallback). */
export function vlanLinkName(vlanId: number): string {
  return `vlan.eth.${vlanId}`;
}

/** Route table of a branch pod: vlanId + 100, as the real plugin does. */
export function vlanTable(vlanId: number): number {
  return vlanId + 100;
}

/** The main routing table's id; "from <ip>" rules are only added for other tables. */
export const MAIN_TABLE = 254;

/** Link-local gateway every pod routes through (docs/REFERENCE.md §3). */
export const POD_GATEWAY = "169.254.1.1";

/** Rule priorities of the real plugin: to-pod 512, from-pod 1536, branch strict-mode iif 10. */
export const PRIO_TO_POD = 512;
export const PRIO_FROM_POD = 1536;
export const PRIO_VLAN_IIF = 10;

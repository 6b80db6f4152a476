// Pods the daemon first sees at their ADD (memory mode: cnitool, or containerd without the control
// API; docs/ARCHITECTURE.md). AddNetworkRequest carries no uid, so the daemon invents one, and the
// real plugin's DEL then brings kubelet's K8S_POD_UID, which can never match it (issue #10, item 7).
// Such pods are labelled, and the DEL's UID guard does not apply to them.
import type { PodObject } from "../../cluster/k8s/index.js";

/** Label on pods registered from CNI_ARGS at their first ADD. */
export const REGISTERED_AT_ADD_LABEL = "vpc-cni-harness/registered-at";
export const REGISTERED_AT_ADD = "cni-add";

export const registeredAtAddLabels = (): Record<string, string> => ({ [REGISTERED_AT_ADD_LABEL]: REGISTERED_AT_ADD });

/**
 * Whether a DEL's K8S_POD_UID rules this pod out: only when both uids are known. A pod registered
 * at its ADD has an invented uid, so any uid the DEL brings is taken as this pod's.
 */
export function uidMismatch(pod: PodObject, uid: string): boolean {
  if (uid === "" || uid === pod.uid) return false;
  return pod.labels[REGISTERED_AT_ADD_LABEL] !== REGISTERED_AT_ADD;
}

// The SecurityGroupPolicy matching and the mutating webhook step: a pod that matches a policy
// gets `vpc.amazonaws.com/pod-eni: "1"` in the limits and requests of its first container.

import { POD_ENI_RESOURCE } from "../cluster/types.js";
import type { AdmissionHook, ClusterStore, PodObject, SecurityGroupPolicyObject } from "../cluster/types.js";

/**
 * Labels of a service account. We keep no ServiceAccount objects, so by default a service account
 * is taken to carry the single label `name=<service account name>`; callers may supply a lookup.
 */
export type ServiceAccountLabels = (namespace: string, serviceAccount: string) => Readonly<Record<string, string>>;

export const defaultServiceAccountLabels: ServiceAccountLabels = (_ns, sa) => ({ name: sa });

function matchLabels(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * As the controller's filterPodSecurityGroups: a policy without security groups is ignored; when
 * it has a pod selector the pod's labels must match it, when it has a service-account selector the
 * service account's labels must match it. An empty podSelector selects every pod of the namespace
 * (a present-but-empty LabelSelector matches everything); an empty serviceAccountSelector counts as
 * absent, since our object model cannot tell a nil selector from an empty one.
 */
export function policyMatches(
  policy: SecurityGroupPolicyObject,
  pod: Pick<PodObject, "namespace" | "labels" | "serviceAccount">,
  saLabels: ServiceAccountLabels = defaultServiceAccountLabels,
): boolean {
  if (policy.namespace !== pod.namespace || policy.securityGroupIds.length === 0) return false;
  const hasSa = Object.keys(policy.serviceAccountSelector).length > 0;
  if (!matchLabels(policy.podSelector, pod.labels)) return false;
  return !hasSa || matchLabels(policy.serviceAccountSelector, saLabels(pod.namespace, pod.serviceAccount));
}

/** The de-duplicated security groups of every matching policy, in policy order. */
export function matchingSecurityGroups(
  policies: readonly SecurityGroupPolicyObject[],
  pod: Pick<PodObject, "namespace" | "labels" | "serviceAccount">,
  saLabels?: ServiceAccountLabels,
): string[] {
  const groups: string[] = [];
  for (const p of policies) {
    if (!policyMatches(p, pod, saLabels)) continue;
    for (const g of p.securityGroupIds) if (!groups.includes(g)) groups.push(g);
  }
  return groups;
}

/** True when the pod asks for a branch ENI (its first container has the pod-eni limit). */
export function wantsBranchEni(pod: Pick<PodObject, "limits">): boolean {
  const v = pod.limits[POD_ENI_RESOURCE];
  return v !== undefined && v !== "" && v !== "0";
}

/** The webhook as an admission hook on the store: policies are read at admission time. */
export function createSgpWebhook(store: Pick<ClusterStore, "listPolicies">, saLabels?: ServiceAccountLabels): AdmissionHook {
  return (pod) => {
    if (matchingSecurityGroups(store.listPolicies(pod.namespace), pod, saLabels).length === 0) return pod;
    return {
      ...pod,
      limits: { ...pod.limits, [POD_ENI_RESOURCE]: "1" },
      requests: { ...pod.requests, [POD_ENI_RESOURCE]: "1" },
    };
  };
}

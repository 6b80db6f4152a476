// The SecurityGroupPolicy matching (helper.go filterPodSecurityGroups) and the mutating webhook's
// change (webhooks/core/pod_webhook.go): a non-hostNetwork pod matching a policy gets
// `vpc.amazonaws.com/pod-eni: "1"` in the limits and requests of its first container
// (docs/REFERENCE.md §8). The same mutation runs as an admission hook of the memory store, and
// behind /mutate-v1-pod in cluster mode.

import type { PodObject } from "../cluster/k8s/pod.js";
import { parsePod } from "../cluster/k8s/pod.js";
import { selectorMatches } from "../cluster/k8s/selector.js";
import type { SecurityGroupPolicyObject } from "../cluster/k8s/sgp.js";
import type { K8sContainer, K8sObject } from "../cluster/k8s/types.js";
import { POD_ENI_RESOURCE } from "../common/names.js";

/**
 * Labels of a service account. We keep no ServiceAccount objects, so by default a service account
 * is taken to carry the single label `name=<service account name>`; callers may supply a lookup.
 */
export type ServiceAccountLabels = (namespace: string, serviceAccount: string) => Readonly<Record<string, string>>;

export const defaultServiceAccountLabels: ServiceAccountLabels = (_ns, sa) => ({ name: sa });

type PodFacts = Pick<PodObject, "namespace" | "labels" | "serviceAccount">;

/**
 * As filterPodSecurityGroups: a policy without security groups, or with neither selector, is
 * ignored; each selector the policy has must match (the pod's labels, the service account's
 * labels). An empty selector ({}) selects everything; an absent one is not checked.
 */
export function policyMatches(policy: SecurityGroupPolicyObject, pod: PodFacts, saLabels: ServiceAccountLabels = defaultServiceAccountLabels): boolean {
  if (policy.namespace !== pod.namespace || policy.securityGroupIds.length === 0) return false;
  const { podSelector, serviceAccountSelector } = policy;
  if (podSelector === undefined && serviceAccountSelector === undefined) return false;
  if (podSelector !== undefined && !selectorMatches(podSelector, pod.labels)) return false;
  return serviceAccountSelector === undefined || selectorMatches(serviceAccountSelector, saLabels(pod.namespace, pod.serviceAccount));
}

/** The de-duplicated security groups of every matching policy, in policy order. */
export function matchingSecurityGroups(policies: readonly SecurityGroupPolicyObject[], pod: PodFacts, saLabels?: ServiceAccountLabels): string[] {
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

/**
 * The webhook's decision for a pod being created (wire JSON in and out): the object to admit, the
 * same one when nothing changes. A pod that does not parse is admitted untouched (failurePolicy
 * Ignore: the webhook never blocks a pod it cannot read).
 */
export function mutatePod(object: K8sObject, policies: readonly SecurityGroupPolicyObject[], saLabels?: ServiceAccountLabels): K8sObject {
  let pod: PodObject;
  try {
    pod = parsePod(object);
  } catch {
    return object;
  }
  if (pod.hostNetwork || pod.containers.length === 0) return object;
  if (matchingSecurityGroups(policies, pod, saLabels).length === 0) return object;
  const spec = object.spec as { containers: K8sContainer[] };
  const [first, ...rest] = spec.containers;
  const res = first?.resources ?? {};
  const patched: K8sContainer = {
    ...(first as K8sContainer),
    resources: { ...res, limits: { ...(res.limits ?? {}), [POD_ENI_RESOURCE]: "1" }, requests: { ...(res.requests ?? {}), [POD_ENI_RESOURCE]: "1" } },
  };
  return { ...object, spec: { ...(object.spec as object), containers: [patched, ...rest] } };
}

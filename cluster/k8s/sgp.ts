// vpcresources.k8s.aws/v1beta1 SecurityGroupPolicy: the typed view (real LabelSelectors, absent
// kept apart from empty) and the builder (docs/REFERENCE.md §8).

import { object, optArray, optObject, str } from "./fields.js";
import type { MetaView } from "./meta.js";
import { readMeta } from "./meta.js";
import { parseLabelSelector } from "./selector.js";
import type { K8sSecurityGroupPolicy, LabelSelector } from "./types.js";

export const SGP_API_VERSION = "vpcresources.k8s.aws/v1beta1";

export interface SecurityGroupPolicyObject extends MetaView {
  /** undefined: no pod selector (not the same as {}, which selects every pod of the namespace). */
  podSelector: LabelSelector | undefined;
  serviceAccountSelector: LabelSelector | undefined;
  securityGroupIds: readonly string[];
}

export function parseSgp(v: unknown): SecurityGroupPolicyObject {
  const { meta, what, o } = readMeta(v, "SecurityGroupPolicy");
  const spec = object(o.spec, what, "spec");
  const groups = optObject(spec.securityGroups, what, "spec.securityGroups") ?? {};
  return {
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    labels: meta.labels,
    annotations: meta.annotations,
    createdAt: meta.createdAt,
    deletedAt: meta.deletedAt,
    deletionGracePeriodSeconds: meta.deletionGracePeriodSeconds,
    podSelector: parseLabelSelector(spec.podSelector, what, "spec.podSelector"),
    serviceAccountSelector: parseLabelSelector(spec.serviceAccountSelector, what, "spec.serviceAccountSelector"),
    securityGroupIds: Object.freeze(optArray(groups.groupIds, what, "spec.securityGroups.groupIds").map((g, i) => str(g, what, `spec.securityGroups.groupIds[${i}]`))),
  };
}

export interface NewSgp {
  namespace: string;
  name: string;
  podSelector?: LabelSelector;
  serviceAccountSelector?: LabelSelector;
  securityGroupIds: readonly string[];
}

export function buildSgp(p: NewSgp): K8sSecurityGroupPolicy {
  return {
    apiVersion: SGP_API_VERSION,
    kind: "SecurityGroupPolicy",
    metadata: { namespace: p.namespace, name: p.name },
    spec: {
      ...(p.podSelector === undefined ? {} : { podSelector: structuredClone(p.podSelector) }),
      ...(p.serviceAccountSelector === undefined ? {} : { serviceAccountSelector: structuredClone(p.serviceAccountSelector) }),
      securityGroups: { groupIds: [...p.securityGroupIds] },
    },
  };
}

/** A policy written with matchLabels maps only (mock-ipamd's config file, the control API, scenarios). */
export interface SimplePolicy {
  namespace: string;
  name: string;
  /** matchLabels; {} selects every pod of the namespace. */
  podSelector: Readonly<Record<string, string>>;
  /** matchLabels on the service account; {} means no service-account selector. */
  serviceAccountSelector: Readonly<Record<string, string>>;
  securityGroupIds: readonly string[];
}

export function sgpFromSimple(p: SimplePolicy): NewSgp {
  return {
    namespace: p.namespace,
    name: p.name,
    podSelector: Object.keys(p.podSelector).length === 0 ? {} : { matchLabels: { ...p.podSelector } },
    ...(Object.keys(p.serviceAccountSelector).length === 0 ? {} : { serviceAccountSelector: { matchLabels: { ...p.serviceAccountSelector } } }),
    securityGroupIds: p.securityGroupIds,
  };
}

/** Back to maps (matchLabels only; expressions are not representable there). */
export function simpleFromSgp(p: SecurityGroupPolicyObject): SimplePolicy {
  return {
    namespace: p.namespace,
    name: p.name,
    podSelector: { ...(p.podSelector?.matchLabels ?? {}) },
    serviceAccountSelector: { ...(p.serviceAccountSelector?.matchLabels ?? {}) },
    securityGroupIds: [...p.securityGroupIds],
  };
}

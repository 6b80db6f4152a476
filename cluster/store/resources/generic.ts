// The resources served so that deploy manifests apply (apps, rbac, apiextensions,
// admissionregistration, coordination), with plain generic storage, and the two custom resources
// of the Security-Groups-for-Pods path, with their CRDs' schemas (docs/REFERENCE.md §8).

import type { JsonObject, K8sObject } from "../../k8s/types.js";
import { invalidValue } from "../errors.js";
import { isObject } from "../patch.js";
import type { Schema } from "../schema.js";
import { CNINODE_SCHEMA, SGP_SCHEMA } from "../schemas.js";
import type { Strategy } from "../strategy.js";
import { resource, strategy } from "../strategy.js";
import { META_MERGE_KEYS, podSpecMergeKeys } from "./pods.js";

const TEMPLATE_KEYS = { ...META_MERGE_KEYS, ...podSpecMergeKeys("spec.template.spec."), "status.conditions": "type" };

export const SGP: Strategy = strategy({
  info: resource("vpcresources.k8s.aws", "v1beta1", "SecurityGroupPolicy", "securitygrouppolicies", { shortNames: ["sgp"] }),
  custom: true,
  generation: true,
  schema: SGP_SCHEMA,
});

export const CNINODES: Strategy = strategy({
  info: resource("vpcresources.k8s.aws", "v1alpha1", "CNINode", "cninodes", { shortNames: ["cnd"], namespaced: false, subresources: ["status"] }),
  custom: true,
  generation: true,
  schema: CNINODE_SCHEMA,
});

const apps = (kind: string, plural: string, shortNames: string[]): Strategy =>
  strategy({
    info: resource("apps", "v1", kind, plural, { shortNames, categories: ["all"], subresources: ["status"] }),
    mergeKeys: TEMPLATE_KEYS,
    generation: true,
  });

const RBAC = "rbac.authorization.k8s.io";
const rbac = (kind: string, plural: string, namespaced: boolean): Strategy =>
  strategy({ info: resource(RBAC, "v1", kind, plural, { namespaced }), nameRule: "path-segment", mergeKeys: META_MERGE_KEYS });

const webhooks = (kind: string, plural: string): Strategy =>
  strategy({
    info: resource("admissionregistration.k8s.io", "v1", kind, plural, { namespaced: false }),
    mergeKeys: { ...META_MERGE_KEYS, webhooks: "name" },
    generation: true,
  });

const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const CRDS: Strategy = strategy({
  info: resource("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", { shortNames: ["crd", "crds"], namespaced: false, subresources: ["status"], categories: ["api-extensions"] }),
  mergeKeys: META_MERGE_KEYS,
  generation: true,
  validate: (o) => {
    const spec: JsonObject = isObject(o.spec) ? o.spec : {};
    const names: JsonObject = isObject(spec.names) ? spec.names : {};
    const want = `${str(names.plural)}.${str(spec.group)}`;
    return o.metadata.name === want ? [] : [invalidValue("metadata.name", o.metadata.name, `must be spec.names.plural+"."+spec.group`)];
  },
});

export const genericStrategies = (): Strategy[] => [
  SGP,
  CNINODES,
  apps("Deployment", "deployments", ["deploy"]),
  apps("DaemonSet", "daemonsets", ["ds"]),
  rbac("ClusterRole", "clusterroles", false),
  rbac("ClusterRoleBinding", "clusterrolebindings", false),
  rbac("Role", "roles", true),
  rbac("RoleBinding", "rolebindings", true),
  CRDS,
  webhooks("MutatingWebhookConfiguration", "mutatingwebhookconfigurations"),
  webhooks("ValidatingWebhookConfiguration", "validatingwebhookconfigurations"),
  strategy({ info: resource("coordination.k8s.io", "v1", "Lease", "leases") }),
];

/** The CustomResourceDefinition object of a custom resource we serve (what `kubectl get crd` lists). */
export function crdObject(s: Strategy, schema: Schema): K8sObject {
  const { info } = s;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${info.plural}.${info.group}` },
    spec: {
      group: info.group,
      names: { kind: info.kind, listKind: `${info.kind}List`, plural: info.plural, singular: info.singular, shortNames: [...info.shortNames] },
      scope: info.namespaced ? "Namespaced" : "Cluster",
      versions: [{ name: info.version, served: true, storage: true, schema: { openAPIV3Schema: schema }, subresources: info.subresources.includes("status") ? { status: {} } : {} }],
    },
  };
}

// vpcresources.k8s.aws/v1alpha1 CNINode (cluster-scoped, named after its node): ipamd adds the
// SecurityGroupsForPods feature to ask for a trunk ENI (docs/REFERENCE.md §8).

import { SGP_FEATURE } from "../../common/names.js";
import { object, optArray, optObject, optStr, str } from "./fields.js";
import type { MetaView } from "./meta.js";
import { readMeta } from "./meta.js";
import type { K8sCniNode } from "./types.js";

export const CNINODE_API_VERSION = "vpcresources.k8s.aws/v1alpha1";

export interface CniNodeObject extends MetaView {
  features: readonly { name: string; value: string }[];
}

export function parseCniNode(v: unknown): CniNodeObject {
  const { meta, what, o } = readMeta(v, "CNINode");
  const spec = optObject(o.spec, what, "spec") ?? {};
  const features = optArray(spec.features, what, "spec.features").map((f, i) => {
    const fo = object(f, what, `spec.features[${i}]`);
    return { name: str(fo.name, what, `spec.features[${i}].name`), value: optStr(fo.value, what, `spec.features[${i}].value`) };
  });
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
    features: Object.freeze(features),
  };
}

export function hasFeature(c: CniNodeObject | undefined, name = SGP_FEATURE): boolean {
  return c !== undefined && c.features.some((f) => f.name === name);
}

export function buildCniNode(nodeName: string, features: readonly string[] = [SGP_FEATURE]): K8sCniNode {
  return {
    apiVersion: CNINODE_API_VERSION,
    kind: "CNINode",
    metadata: { name: nodeName },
    spec: { features: features.map((name) => ({ name })) },
  };
}

// The five resources of the seam: where each is served (group, version, plural) and whether it is
// namespaced, for the memory backend (ObjectStore keys) and the kube backend (URL paths).

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export const PODS: ResourceDef = Object.freeze({ group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true });
export const NODES: ResourceDef = Object.freeze({ group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false });
export const EVENTS: ResourceDef = Object.freeze({ group: "", version: "v1", plural: "events", kind: "Event", namespaced: true });
export const SGPS: ResourceDef = Object.freeze({ group: "vpcresources.k8s.aws", version: "v1beta1", plural: "securitygrouppolicies", kind: "SecurityGroupPolicy", namespaced: true });
export const CNINODES: ResourceDef = Object.freeze({ group: "vpcresources.k8s.aws", version: "v1alpha1", plural: "cninodes", kind: "CNINode", namespaced: false });

export function apiVersionOf(r: ResourceDef): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

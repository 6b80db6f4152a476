// What a fresh cluster holds before anyone writes: the four namespaces the API server creates
// (default, kube-system, kube-public, kube-node-lease), their "default" service accounts, the
// "kubernetes" service, and the CRDs of the custom resources served (as on EKS, where the
// SecurityGroupPolicy and CNINode CRDs are installed with the cluster).

import { CNINODE_SCHEMA, SGP_SCHEMA } from "./schemas.js";
import { CNINODES, SGP, crdObject } from "./resources/index.js";
import type { Table } from "./table.js";
import type { Writes } from "./writes.js";
import type { StoreCore } from "./store.js";

export const INITIAL_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

export function bootstrap(core: StoreCore, writes: Writes): void {
  const table = (plural: string, group = ""): Table => core.table({ group, plural });
  for (const name of INITIAL_NAMESPACES) writes.create(table("namespaces"), "", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, {});
  writes.create(table("services"), "default", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
  }, {});
  const crds = table("customresourcedefinitions", "apiextensions.k8s.io");
  writes.create(crds, "", crdObject(SGP, SGP_SCHEMA), {});
  writes.create(crds, "", crdObject(CNINODES, CNINODE_SCHEMA), {});
}

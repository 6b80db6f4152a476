// Nodes and SecurityGroupPolicies of the API server (no watch: nothing in the path watches them).

import { HarnessError } from "../common/errors.js";
import type { ClusterStore, NodeObject, SecurityGroupPolicyObject } from "./types.js";

export type NodeAndPolicyStore = Pick<
  ClusterStore,
  "upsertNode" | "getNode" | "listNodes" | "applyPolicy" | "deletePolicy" | "listPolicies"
>;

/** `bump` returns the next resourceVersion (one counter for the whole store, like etcd's revision). */
export function createNodeAndPolicyStore(bump: () => number): NodeAndPolicyStore {
  const nodes = new Map<string, NodeObject>();
  const policies = new Map<string, SecurityGroupPolicyObject>();
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  return {
    upsertNode(node) {
      const stored: NodeObject = Object.freeze({
        ...node,
        labels: Object.freeze({ ...node.labels }),
        capacity: Object.freeze({ ...node.capacity }),
        resourceVersion: bump(),
      });
      nodes.set(node.name, stored);
      return stored;
    },
    getNode: (name) => nodes.get(name),
    listNodes: () => [...nodes.values()],
    applyPolicy(policy) {
      if (policy.namespace === "" || policy.name === "") {
        throw new HarnessError("invalid-argument", "SecurityGroupPolicy namespace and name are required");
      }
      const stored: SecurityGroupPolicyObject = Object.freeze({
        ...policy,
        podSelector: Object.freeze({ ...policy.podSelector }),
        serviceAccountSelector: Object.freeze({ ...policy.serviceAccountSelector }),
        securityGroupIds: Object.freeze([...policy.securityGroupIds]),
      });
      policies.set(key(policy.namespace, policy.name), stored);
      bump();
      return stored;
    },
    deletePolicy(namespace, name) {
      const old = policies.get(key(namespace, name));
      if (old === undefined) {
        throw new HarnessError("not-found", `securitygrouppolicies.vpcresources.k8s.aws "${name}" not found in namespace "${namespace}"`);
      }
      policies.delete(key(namespace, name));
      bump();
      return old;
    },
    listPolicies: (namespace) => [...policies.values()].filter((p) => namespace === undefined || namespace === "" || p.namespace === namespace),
  };
}

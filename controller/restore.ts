// A restarted controller rebuilds a node's branch state from what outlived it (trunk.go InitTrunk,
// docs/REFERENCE.md §8): the branch ENIs EC2 has on the node's trunk, and the pods' annotations.
// A branch ENI named in a live pod's annotation is that pod's again (its VLAN id taken); one no pod
// owns (provisioned when the controller died, before the annotation PATCH, or its pod deleted
// meanwhile) goes to the front of the delete queue: no branch ENI is leaked or given to two pods.

import { parseBranchAnnotation } from "./annotation.js";
import type { BranchAlloc, ControllerContext, NodeState } from "./context.js";
import { pushToFront } from "./deletes.js";
import { POD_ENI_ANNOTATION } from "../common/names.js";

export interface Restored {
  owned: number;
  orphaned: string[];
}

export function restoreBranches(ctx: ControllerContext, node: NodeState): Restored {
  const name = node.info.name;
  const owners = new Map<string, { namespace: string; name: string; uid: string }>();
  for (const pod of ctx.informers.pods.list()) {
    if (pod.nodeName !== name || pod.deletedAt !== undefined) continue;
    const value = pod.annotations[POD_ENI_ANNOTATION];
    if (value === undefined) continue;
    try {
      owners.set(parseBranchAnnotation(value).eniId, { namespace: pod.namespace, name: pod.name, uid: pod.uid });
    } catch {
      ctx.log("warn", "pod has an unreadable branch ENI annotation", { pod: `${pod.namespace}/${pod.name}` });
    }
  }
  const orphans: BranchAlloc[] = [];
  let owned = 0;
  for (const eni of ctx.ec2.list({ nodeName: name, kind: "branch" })) {
    if (eni.vlanId > 0 && !node.vlans.reserve(eni.vlanId)) ctx.log("warn", "two branch ENIs on one VLAN id", { node: name, vlanId: eni.vlanId, eniId: eni.eniId });
    const pod = owners.get(eni.eniId);
    const alloc: BranchAlloc = {
      eniId: eni.eniId, mac: eni.mac, privateIp: eni.privateIps[0] ?? "", subnetCidr: eni.subnetCidr, vlanId: eni.vlanId, associationId: eni.associationId,
      pod: pod ?? { namespace: "", name: "", uid: "" }, deletionAt: undefined, deleteRetries: 0,
    };
    if (pod !== undefined && !node.branches.has(pod.uid)) {
      node.branches.set(pod.uid, alloc);
      ctx.ec2.tagPod(eni.eniId, pod, "associated");
      owned++;
    } else {
      orphans.push(alloc);
    }
  }
  if (orphans.length > 0) pushToFront(ctx, node, orphans);
  if (owned + orphans.length > 0) {
    ctx.log("info", "rebuilt branch ENI state from EC2 and the pods' annotations", { node: name, owned, orphaned: orphans.map((o) => o.eniId) });
  }
  return { owned, orphaned: orphans.map((o) => o.eniId) };
}

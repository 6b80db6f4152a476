// ipamd's part of the node join (docs/REFERENCE.md §8): add the SecurityGroupsForPods feature to
// the node's CNINode (created when missing) to ask the controller for a trunk ENI, then wait until
// the controller says it is attached (label vpc.amazonaws.com/has-trunk-attached=true).

import type { ClusterClient } from "../../cluster/client/index.js";
import { isConflict, retryOnConflict } from "../../cluster/client/index.js";
import { buildCniNode } from "../../cluster/k8s/index.js";
import type { NodeObject } from "../../cluster/k8s/index.js";
import type { Clock } from "../../common/clock.js";
import { HarnessError, isHarnessError } from "../../common/errors.js";
import { HAS_TRUNK_LABEL, POD_ENI_RESOURCE, SGP_FEATURE } from "../../common/names.js";

/** Adds the feature (idempotent); the list is replaced as a whole, so the write carries a resourceVersion precondition. */
export async function markCniNode(cluster: ClusterClient, clock: Clock, nodeName: string, signal?: AbortSignal): Promise<void> {
  const ref = { namespace: "", name: nodeName };
  const opts = signal === undefined ? {} : { signal };
  await retryOnConflict(clock, async () => {
    const cur = await cluster.cniNodes.get(ref, opts);
    if (cur === undefined) {
      try {
        await cluster.cniNodes.create(buildCniNode(nodeName), opts);
      } catch (e) {
        // Created meanwhile (by the controller or a restarted ipamd): the next try patches it.
        if (isHarnessError(e) && e.kind === "already-exists") throw new HarnessError("conflict", e.message, { cause: e });
        throw e;
      }
      return;
    }
    if (cur.features.some((f) => f.name === SGP_FEATURE)) return;
    const features = [...cur.features.map((f) => (f.value === "" ? { name: f.name } : f)), { name: SGP_FEATURE }];
    await cluster.cniNodes.patch(ref, { spec: { features } }, { resourceVersion: cur.resourceVersion, ...opts });
  }, { retriable: isConflict, ...(signal === undefined ? {} : { signal }) });
}

/** The controller finished its side: the has-trunk label and the pod-eni capacity are there. */
export function trunkReady(node: NodeObject | undefined): boolean {
  return node !== undefined && node.labels[HAS_TRUNK_LABEL] === "true" && (node.capacity[POD_ENI_RESOURCE] ?? "") !== "";
}

/** Resolves with the Node once `ready` holds (a watch from the read's version), or throws at the deadline. */
export async function waitForNode(cluster: ClusterClient, clock: Clock, nodeName: string, ready: (n: NodeObject | undefined) => boolean, timeoutMs: number, what: string): Promise<NodeObject> {
  const ref = { namespace: "", name: nodeName };
  const { items, resourceVersion } = await cluster.nodes.list({ fieldSelector: `metadata.name=${nodeName}` });
  const first = items.find((n) => n.name === nodeName);
  if (ready(first)) return first as NodeObject;
  return new Promise<NodeObject>((resolve, reject) => {
    const timer = clock.setTimer(timeoutMs, () => {
      handle.stop();
      reject(new HarnessError("deadline", `node ${nodeName}: ${what} not seen within ${timeoutMs} ms`));
    });
    const handle = cluster.nodes.watch({ fieldSelector: `metadata.name=${nodeName}`, resourceVersion }, (e) => {
      if (e.type === "BOOKMARK" || e.object.name !== ref.name || !ready(e.object)) return;
      timer.cancel();
      handle.stop();
      resolve(e.object);
    });
    void handle.ended.then((end) => {
      if (end.reason === "stopped") return;
      timer.cancel();
      reject(new HarnessError("unavailable", `node ${nodeName}: the watch ended (${end.reason}) before ${what}`));
    });
  });
}

// ipamd's view of its node's pods (docs/REFERENCE.md §8): an informer on pods with
// spec.nodeName=<node>, as aws-node v1.15+ reads them; AddNetwork and DelNetwork read the pod from
// it. A miss falls back to one GET (the informer may lag the kubelet by a few ms in cluster mode).

import type { ClusterClient, Informer } from "../../cluster/client/index.js";
import { bindPod, createInformer, createPod } from "../../cluster/client/index.js";
import type { PodObject } from "../../cluster/k8s/index.js";
import type { Clock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import { registeredAtAddLabels } from "../backend/adopted.js";
import type { NodePods } from "../backend/index.js";
import type { AdoptedPods } from "./adopted.js";

export function nodePodsInformer(cluster: ClusterClient, clock: Clock, nodeName: string, log?: (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void): Informer<PodObject> {
  return createInformer(cluster.pods, { clock, name: `pods on ${nodeName}`, select: { fieldSelector: `spec.nodeName=${nodeName}` }, ...(log === undefined ? {} : { log }) });
}

export interface NodePodsOptions {
  cluster: ClusterClient;
  informer: Informer<PodObject>;
  nodeName: string;
  /**
   * Memory mode only (docs/ARCHITECTURE.md, pods without the control API): a pod first seen at
   * its ADD is created and bound here.
   */
  adopt?: boolean;
  /** With adopt: tracks the pods registered here and deletes them once idle (adopted.ts). */
  adopted?: AdoptedPods;
}

export function nodePods(o: NodePodsOptions): NodePods {
  const { cluster, informer, nodeName } = o;
  const pods: NodePods = {
    get: (namespace, name) => informer.get({ namespace, name }),
    fetch: (namespace, name, signal) => cluster.pods.get({ namespace, name }, signal === undefined ? {} : { signal }),
    on: (fn) => informer.on((type, pod) => fn(type, pod)),
  };
  if (o.adopt !== true) return pods;
  const tracker = o.adopted;
  if (tracker !== undefined) pods.seen = (namespace, name) => tracker.seen(namespace, name);
  pods.adopt = async (namespace, name) => {
    const existing = await cluster.pods.get({ namespace, name });
    if (existing === undefined) {
      // Labelled: its uid is invented here, so the DEL's K8S_POD_UID guard does not apply (adopted.ts).
      const pod = await createPod(cluster, { namespace, name, nodeName, labels: registeredAtAddLabels() });
      tracker?.adopted(pod);
      return { pod, origin: "first seen at this ADD: registered and scheduled on this node just now" };
    }
    if (existing.nodeName !== "") return { pod: existing, origin: "" };
    const bound = await bindPod(cluster, existing, nodeName);
    if (bound === undefined) throw new HarnessError("not-found", `pods "${name}" not found in namespace "${namespace}"`);
    return { pod: bound, origin: "not scheduled before this ADD: scheduled on this node just now" };
  };
  return pods;
}

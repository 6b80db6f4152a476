// The cluster half of harness.v1.Control (pods, policies, events) over the cluster seam's memory
// backend: what the API server, the SGP webhook (the store's admission hook) and the scheduler do
// in a real cluster. Watches replay the current objects, then follow from the list's version.

import type { ClusterClient, EventRecorder, ObjectIdentity, ResourceClient, WatchHandle } from "../../cluster/client/index.js";
import { bindPod, createPod } from "../../cluster/client/index.js";
import { buildSgp, clusterEvent, sgpFromSimple } from "../../cluster/k8s/index.js";
import type { EventObject, PodObject } from "../../cluster/k8s/index.js";
import type { Clock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import type * as W from "./control-types.js";
import { eventFromWire, eventToWire, podRef, podToWire, policyFromWire, policyToWire } from "./convert.js";

export interface ControlClusterDeps {
  cluster: ClusterClient;
  clock: Clock;
  nodeName: string;
  /** Events recorded through the control API (kubelet loops of the demo, tests). */
  recorder: EventRecorder;
}

/** List, send each as ADDED when asked, then follow from the list's version. */
async function follow<T extends ObjectIdentity>(
  client: ResourceClient<T>, initial: boolean, send: (type: "ADDED" | "MODIFIED" | "DELETED", o: T) => void, order?: (a: T, b: T) => number,
): Promise<WatchHandle> {
  const { items, resourceVersion } = await client.list();
  if (initial) for (const o of order === undefined ? items : [...items].sort(order)) send("ADDED", o);
  return client.watch({ resourceVersion }, (e) => {
    if (e.type !== "BOOKMARK") send(e.type, e.object);
  });
}

const byPodCreation = (a: PodObject, b: PodObject): number => a.createdAt - b.createdAt || (a.namespace + a.name < b.namespace + b.name ? -1 : 1);
const byCreation = (a: EventObject, b: EventObject): number => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function controlClusterHandlers(d: ControlClusterDeps) {
  const { cluster } = d;
  const mustGetPod = async (ref: { namespace: string; name: string; uid: string | undefined }): Promise<PodObject> => {
    const pod = await cluster.pods.get(ref);
    if (pod === undefined || (ref.uid !== undefined && pod.uid !== ref.uid)) {
      throw new HarnessError("not-found", `pods "${ref.name}" not found in namespace "${ref.namespace}"${ref.uid === undefined ? "" : ` with uid ${ref.uid}`}`);
    }
    return pod;
  };
  return {
    async CreatePod(r: Partial<W.CreatePodRequest>): Promise<W.Pod> {
      const ref = podRef(r, "CreatePod");
      const pod = await createPod(cluster, {
        namespace: ref.namespace, name: ref.name, labels: { ...(r.labels ?? {}) },
        ...(ref.uid === undefined ? {} : { uid: ref.uid }),
        ...(r.service_account === undefined || r.service_account === "" ? {} : { serviceAccount: r.service_account }),
        ...(r.schedule === true ? { nodeName: d.nodeName } : {}),
      });
      return podToWire(pod);
    },
    async SchedulePod(r: Partial<W.PodRef>): Promise<W.Pod> {
      const ref = podRef(r, "SchedulePod");
      const pod = await mustGetPod(ref);
      if (pod.nodeName === d.nodeName) return podToWire(pod);
      return podToWire((await bindPod(cluster, ref, d.nodeName)) ?? pod);
    },
    async DeletePod(r: Partial<W.PodRef>): Promise<W.Pod> {
      const ref = podRef(r, "DeletePod");
      const pod = await mustGetPod(ref);
      // At once (grace 0): the control API stands for `kubectl delete --now` plus the kubelet's
      // confirmation, so the kubelet loop sees DELETED and tears the sandbox down.
      await cluster.pods.delete(ref, { gracePeriodSeconds: 0, ...(ref.uid === undefined ? {} : { uid: ref.uid }) });
      return podToWire({ ...pod, deletedAt: d.clock.now() });
    },
    async GetPod(r: Partial<W.PodRef>): Promise<W.Pod> {
      return podToWire(await mustGetPod(podRef(r, "GetPod")));
    },
    async ListPods(r: Partial<W.ListPodsRequest>): Promise<W.ListPodsReply> {
      // In creation order, as the demo and the timeline list them (the store lists by key).
      const { items } = await cluster.pods.list({ namespace: r.namespace ?? "" });
      return { pods: [...items].sort(byPodCreation).map(podToWire) };
    },
    WatchPods: (req: Partial<W.WatchRequest>, send: (m: W.PodChange) => void) =>
      follow(cluster.pods, req.send_initial === true, (type, p) => send({ type, pod: podToWire(type === "DELETED" && p.deletedAt === undefined ? { ...p, deletedAt: d.clock.now() } : p) }), byPodCreation),
    async ApplySecurityGroupPolicy(r: Partial<W.SecurityGroupPolicy>): Promise<W.SecurityGroupPolicy> {
      const p = policyFromWire(r);
      // Apply = replace: a merge patch would keep selector keys the new policy drops.
      if ((await cluster.sgps.get(p)) !== undefined) await cluster.sgps.delete(p);
      return policyToWire(await cluster.sgps.create(buildSgp(sgpFromSimple(p))));
    },
    async DeleteSecurityGroupPolicy(r: Partial<W.PolicyRef>): Promise<W.SecurityGroupPolicy> {
      const ref = { namespace: r.namespace ?? "", name: r.name ?? "" };
      const old = await cluster.sgps.get(ref);
      if (old === undefined) throw new HarnessError("not-found", `securitygrouppolicies.vpcresources.k8s.aws "${ref.name}" not found in namespace "${ref.namespace}"`);
      await cluster.sgps.delete(ref);
      return policyToWire(old);
    },
    async RecordEvent(r: Partial<W.Event>): Promise<W.Event> {
      const at = d.recorder.record(eventFromWire(r));
      if (at === undefined) throw new HarnessError("too-many-requests", "RecordEvent: the event queue is full");
      await d.recorder.flush();
      const stored = await cluster.events.get(at);
      if (stored === undefined) throw new HarnessError("internal", `RecordEvent: event ${at.namespace}/${at.name} was not written`);
      return eventToWire(clusterEvent(stored));
    },
    async ListEvents(r: Partial<W.ListEventsRequest>): Promise<W.ListEventsReply> {
      const ns = r.namespace ?? "";
      const name = r.name ?? "";
      const { items } = await cluster.events.list();
      const mine = items.filter((e) => (ns === "" || e.involvedObject.namespace === ns) && (name === "" || e.involvedObject.name === name));
      return { events: mine.sort(byCreation).map((e) => eventToWire(clusterEvent(e))) };
    },
    WatchEvents: (req: Partial<W.WatchRequest>, send: (m: W.Event) => void) =>
      follow(cluster.events, req.send_initial === true, (type, e) => {
        if (type !== "DELETED") send(eventToWire(clusterEvent(e)));
      }, byCreation),
  };
}

export type ControlClusterHandlers = ReturnType<typeof controlClusterHandlers>;

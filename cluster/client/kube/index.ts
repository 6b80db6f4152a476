// The kube backend of the cluster seam: @kubernetes/client-node's KubeConfig (--kubeconfig or the
// in-cluster service account) and the Kubernetes REST API, for any API server (the embedded one,
// kind, a real cluster).

import type { Clock } from "../../../common/clock.js";
import { systemClock } from "../../../common/clock.js";
import { errorMessage } from "../../../common/errors.js";
import { createTokenBucket } from "../../../common/ratelimit.js";
import { parseCniNode } from "../../k8s/cninode.js";
import { parseEvent } from "../../k8s/event.js";
import { parseNode } from "../../k8s/node.js";
import { parsePod } from "../../k8s/pod.js";
import { CNINODES, EVENTS, NODES, PODS, SGPS } from "../../k8s/resources.js";
import { parseSgp } from "../../k8s/sgp.js";
import type { ClusterClient, PodClient } from "../types.js";
import { loadKubeConfig } from "./config.js";
import { createKubeHttp } from "./http.js";
import type { KubeHttp } from "./http.js";
import { DEFAULT_CALL_TIMEOUT_MS, itemPath, kubeResource } from "./resource.js";
import type { OnInvalid } from "./watch.js";

export { loadKubeConfig, SERVICE_ACCOUNT_TOKEN } from "./config.js";
export type { LoadedKubeConfig } from "./config.js";
export type { KubeHttp, KubeRequest } from "./http.js";

export interface KubeClusterOptions {
  /** --kubeconfig FILE; absent: the in-cluster service account. */
  kubeconfig?: string;
  clock?: Clock;
  /** Client-side rate limit (client-go's QPS and burst); none when absent. */
  qps?: number;
  burst?: number;
  userAgent?: string;
  /** An object from the API that does not parse: skipped and reported here. */
  log?: (level: "warn", msg: string, fields: Record<string, unknown>) => void;
}

/** Loads the config (throws invalid-config) but contacts nothing yet. */
export interface KubeCluster extends ClusterClient {
  server: string;
  source: string;
  /** The authenticated REST client, for resources outside the seam (e.g. webhook configurations). */
  http: KubeHttp;
}

export function createKubeCluster(o: KubeClusterOptions = {}): KubeCluster {
  const clock = o.clock ?? systemClock;
  const { kc, server, source } = loadKubeConfig(o.kubeconfig === undefined ? {} : { kubeconfig: o.kubeconfig });
  const http = createKubeHttp({
    kc, server, clock,
    ...(o.qps === undefined ? {} : { limiter: createTokenBucket(clock, o.qps, o.burst ?? Math.max(1, Math.ceil(o.qps))) }),
    ...(o.userAgent === undefined ? {} : { userAgent: o.userAgent }),
  });
  const onInvalid = (kind: string): OnInvalid => (e) => o.log?.("warn", `skipping a ${kind} that does not parse`, { err: errorMessage(e) });
  const pods = kubeResource(http, PODS, parsePod, onInvalid("Pod")) as PodClient;
  pods.bind = async (ref, nodeName, opts) => {
    // POST pods/NAME/binding: what kube-scheduler does (spec.nodeName and the PodScheduled condition).
    await http.json({
      method: "POST", path: itemPath(PODS, ref, "binding"),
      body: { apiVersion: "v1", kind: "Binding", metadata: { name: ref.name, namespace: ref.namespace }, target: { apiVersion: "v1", kind: "Node", name: nodeName } },
      timeoutMs: opts?.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, ...(opts?.signal === undefined ? {} : { signal: opts.signal }),
      what: `POST pods ${ref.namespace}/${ref.name}/binding`,
    });
  };
  return {
    backend: "kube",
    server,
    source,
    http,
    pods,
    nodes: kubeResource(http, NODES, parseNode, onInvalid("Node")),
    sgps: kubeResource(http, SGPS, parseSgp, onInvalid("SecurityGroupPolicy")),
    cniNodes: kubeResource(http, CNINODES, parseCniNode, onInvalid("CNINode")),
    events: kubeResource(http, EVENTS, parseEvent, onInvalid("Event")),
  };
}

// Pure decisions of the pod loop: retry delay (kubelet's pod worker back-off), the
// FailedCreatePodSandBox message, the failure classification and sandbox ids.

import type { FailureClass, PodObject } from "../../cluster/k8s/index.js";
import { POD_ENI_ANNOTATION, POD_ENI_RESOURCE } from "../../common/names.js";
import type { BackoffConfig } from "./types.js";

/** kubelet's pod_workers.go: errors containing this text retry after ~1 s instead of ~10 s. */
export const NETWORK_NOT_READY = "network is not ready";
/** What aws-cni answers while the branch ENI is not annotated yet (docs/REFERENCE.md §1, step 4). */
export const BRANCH_NOT_READY_ERROR = "add cmd: failed to assign an IP address to container";

/** wait.Jitter(d, f) = d + rand * f * d. */
export function retryDelayMs(error: string, cfg: BackoffConfig, rng: () => number): { ms: number; reason: "backoff" | "network-not-ready" } {
  const networkNotReady = error.includes(NETWORK_NOT_READY);
  const base = networkNotReady ? cfg.networkNotReadyMs : cfg.baseMs;
  return { ms: base + rng() * cfg.jitter * base, reason: networkNotReady ? "network-not-ready" : "backoff" };
}

/** kuberuntime_sandbox.go + the CRI error as kubelet prints it (docs/REFERENCE.md §1, step 5). */
export function failedCreatePodSandboxMessage(runtimeError: string): string {
  return `Failed to create pod sandbox: rpc error: code = Unknown desc = ${runtimeError}`;
}

export function wantsBranchEni(pod: PodObject): boolean {
  return pod.limits[POD_ENI_RESOURCE] !== undefined || pod.requests[POD_ENI_RESOURCE] !== undefined;
}

/**
 * transient-expected: the SGP pod's ADD failed only because the controller has not annotated the
 * branch ENI yet (the failure EKS users see once per pod and should not alert on); else real.
 */
export function classifyFailure(pod: PodObject, error: string): FailureClass {
  const annotated = (pod.annotations[POD_ENI_ANNOTATION] ?? "") !== "";
  return error.includes(BRANCH_NOT_READY_ERROR) && wantsBranchEni(pod) && !annotated ? "transient-expected" : "real";
}

/** containerd's sandbox ids: 32 random bytes in hex. */
export function newSandboxId(rng: () => number): string {
  let s = "";
  for (let i = 0; i < 64; i++) s += Math.floor(rng() * 16).toString(16);
  return s;
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * kubelet's config source (pkg/kubelet/config/config.go checkAndUpdatePod) forwards an update to
 * the pod worker only when the pod differs semantically: spec, labels, annotations, deletion.
 * Status or resourceVersion-only changes do not wake a pod in back-off.
 */
export function podsDifferSemantically(a: PodObject, b: PodObject): boolean {
  return (
    !sameMap(a.annotations, b.annotations) ||
    !sameMap(a.labels, b.labels) ||
    !sameMap(a.limits, b.limits) ||
    !sameMap(a.requests, b.requests) ||
    a.nodeName !== b.nodeName ||
    a.serviceAccount !== b.serviceAccount ||
    a.deletedAt !== b.deletedAt
  );
}

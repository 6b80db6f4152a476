// The kubelet-like pod loop: public API (types + factory); see types.ts for the contracts.

export type {
  BackoffConfig,
  EventRecorder,
  Kubelet,
  KubeletDeps,
  KubeletObservation,
  PodKey,
  PodPhase,
  PodRuntimeState,
  PodSource,
  SandboxInfo,
  SandboxOutcome,
  SandboxRequest,
  SandboxRuntime,
} from "./types.js";
export { DEFAULT_BACKOFF } from "./types.js";
export { createKubelet } from "./kubelet.js";
export { classifyFailure, failedCreatePodSandboxMessage, newSandboxId, podsDifferSemantically, retryDelayMs } from "./policy.js";
export { registerNode, setNodeReady, type NodeRegistration } from "../../cluster/client/register.js";
export { runningStatusPatch, startClusterKubelet, type ClusterKubelet, type ClusterKubeletSpec } from "./cluster.js";

// The kubelet pod loop's contracts: what it needs (clock, sandbox runtime, pod source, event
// recorder, rng) and what it reports, so the same loop runs against the real plugin (demo) and
// in-process with a FakeClock (H7's simulated-time scenarios).

import type { Informer } from "../../cluster/client/types.js";
import type { FailureClass, NewEvent } from "../../cluster/k8s/event.js";
import type { PodObject } from "../../cluster/k8s/pod.js";
import type { Clock } from "../../common/clock.js";

/** One RunPodSandbox call: kubelet picks a new 64-hex sandbox id for every attempt. */
export interface SandboxRequest {
  sandboxId: string;
  /** 1 for the first attempt of this pod, then 2, 3, ... */
  attempt: number;
}

/** A sandbox whose network is set up. */
export interface SandboxInfo {
  sandboxId: string;
  /** Netns path (real `/run/netns/<name>` when root, a fake path otherwise). */
  netns: string;
  /** The pod's addresses from the CNI result of the pod network (e.g. "10.0.1.5/32"). */
  ips: readonly string[];
}

/**
 * RunPodSandbox's answer. On failure the runtime has already undone everything (CNI DEL, netns
 * removed), as containerd does, and `error` is containerd's text:
 * `failed to setup network for sandbox "<id>": plugin type="<t>" name="<n>" failed (add): <msg>`.
 */
export type SandboxOutcome = { ok: true; sandbox: SandboxInfo } | { ok: false; error: string };

/** The CRI side kubelet talks to (containerd + libcni in the demo; a fake in simulated time). */
export interface SandboxRuntime {
  runPodSandbox(pod: PodObject, request: SandboxRequest, signal: AbortSignal): Promise<SandboxOutcome>;
  /** StopPodSandbox + RemovePodSandbox: CNI DEL, then the second DEL with an empty netns, netns removed. */
  stopPodSandbox(pod: PodObject, sandbox: SandboxInfo, signal: AbortSignal): Promise<void>;
}

/**
 * Where pods come from: an informer on pods with spec.nodeName=<node> (docs/REFERENCE.md §8) over
 * the cluster seam; the demo adapts the control API's WatchPods to the same shape. Its initial
 * list arrives as ADDED.
 */
export type PodSource = Pick<Informer<PodObject>, "on" | "start" | "stop">;

/** Where events go: the seam's event recorder (cluster/client/recorder.ts), or the demo's control API. */
export interface EventRecorder {
  record(event: NewEvent): unknown;
}

export interface BackoffConfig {
  /** kubelet's pod worker back-off after a failed sync: 10 s ... */
  baseMs: number;
  /** ... with 50 % jitter (wait.Jitter(10s, 0.5) = 10 to 15 s). */
  jitter: number;
  /** When the error says `network is not ready`: 1 s with the same jitter (1 to 1.5 s). */
  networkNotReadyMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffConfig> = Object.freeze({
  baseMs: 10_000,
  jitter: 0.5,
  networkNotReadyMs: 1_000,
});

/** What the loop did, for printers and the timeline (in addition to the cluster events). */
export type KubeletObservation =
  | { kind: "attempt-start"; at: number; pod: PodKey; sandboxId: string; attempt: number }
  | {
      kind: "attempt-end";
      at: number;
      pod: PodKey;
      sandboxId: string;
      attempt: number;
      ok: boolean;
      /** containerd's failure text; "" when ok. */
      error: string;
      classification: FailureClass;
      /** ips of the sandbox when ok. */
      ips: readonly string[];
      netns: string;
    }
  | { kind: "retry-scheduled"; at: number; pod: PodKey; dueAt: number; reason: "backoff" | "network-not-ready" }
  | { kind: "retry-now"; at: number; pod: PodKey; reason: "pod-changed" | "timer" }
  | { kind: "running"; at: number; pod: PodKey; sandboxId: string }
  | { kind: "stopped"; at: number; pod: PodKey; sandboxId: string };

export interface PodKey {
  namespace: string;
  name: string;
  uid: string;
}

export type PodPhase = "pending" | "creating" | "backoff" | "running" | "terminating" | "terminated";

export interface PodRuntimeState {
  pod: PodKey;
  phase: PodPhase;
  attempts: number;
  failures: number;
  sandbox: SandboxInfo | undefined;
  /** When the pod was first seen scheduled on this node (the loop's clock). */
  firstSeenAt: number;
  runningAt: number | undefined;
}

export interface KubeletDeps {
  /** Pods whose spec.nodeName equals this are ours. */
  nodeName: string;
  clock: Clock;
  runtime: SandboxRuntime;
  pods: PodSource;
  /**
   * The last step of a graceful deletion: once the sandbox of a pod with a deletionTimestamp is
   * stopped, delete the pod object with gracePeriodSeconds 0 (as kubelet's status manager does).
   * Absent: the pod source deletes pods outright (the demo's control API).
   */
  deletePod?: (pod: PodKey) => Promise<void>;
  events: EventRecorder;
  /** Uniform [0, 1): jitter and sandbox ids (seed it for reproducible runs). */
  rng: () => number;
  backoff?: Partial<BackoffConfig>;
  /** Container names for Pulled/Created/Started events; default ["app"]. */
  containers?: (pod: PodObject) => readonly string[];
  observe?: (o: KubeletObservation) => void;
  /** Event source name; default "kubelet" (source.host is the node). */
  source?: string;
}

export interface Kubelet {
  /** Subscribes to the pod source and starts it; resolves once its initial list is handled. */
  start(): Promise<void>;
  /** Unsubscribes, cancels timers, waits for in-flight calls; leaves sandboxes as they are. */
  stop(): Promise<void>;
  /** Stops every running sandbox (DEL, netns), as a node drain would. */
  teardownAll(): Promise<void>;
  state(): PodRuntimeState[];
  /** Resolves when no attempt or stop is in flight (timers may still be pending). */
  idle(): Promise<void>;
}

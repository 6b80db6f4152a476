// The data the timeline renderer draws: one run, per pod its sandbox attempts, the branch-ENI
// provisioning window and the events, all as millisecond timestamps on the run's clock.

import type { ClusterEvent, FailureClass } from "../../cluster/k8s/index.js";

/** How one RunPodSandbox attempt ended; "pending" = still running when the run ended. */
export type AttemptOutcome = "ok" | "failed" | "pending";

export interface SandboxAttempt {
  /** The 64-hex sandbox id kubelet/containerd chose for this attempt. */
  sandboxId: string;
  start: number;
  /** undefined while still running at the end of the run. */
  end: number | undefined;
  outcome: AttemptOutcome;
  /** The failure message (containerd's "failed to setup network for sandbox ..."), "" when ok. */
  message: string;
  /** transient-expected (branch ENI not ready yet) or real; "" when ok. */
  classification: FailureClass;
}

/** The fake VPC resource controller's work for one pod: scheduled -> annotation PATCHed. */
export interface ProvisioningWindow {
  start: number;
  /** undefined while still provisioning at the end of the run. */
  end: number | undefined;
  outcome: "ok" | "failed" | "pending";
  vlanId: number | undefined;
  eniId: string | undefined;
}

export interface PodTimeline {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  /** True when a SecurityGroupPolicy matched (the pod asked for vpc.amazonaws.com/pod-eni). */
  branch: boolean;
  createdAt: number;
  scheduledAt: number | undefined;
  /** When the sandbox that succeeded finished (the pod's network was ready). */
  runningAt: number | undefined;
  attempts: readonly SandboxAttempt[];
  provisioning: ProvisioningWindow | undefined;
  /** Events whose involvedObject is this pod, in time order. */
  events: readonly ClusterEvent[];
}

export interface TimelineData {
  title: string;
  /** "real" (wall clock, real plugin) or "simulated" (fake clock, in-process sandbox runtime). */
  mode: "real" | "simulated";
  /** Origin of the time axis; every timestamp is drawn relative to it. */
  runStart: number;
  runEnd: number;
  pods: readonly PodTimeline[];
  /** Events not tied to one pod (nodes, controller), drawn on a cluster row. */
  clusterEvents: readonly ClusterEvent[];
}

export interface RenderOptions {
  /** Above this many pods, rows are aggregated (histogram + cluster rows); default 60. */
  maxPodRows?: number;
  /** Drawing width in px; default 1200. */
  width?: number;
  /** With its own title and legend (default); false inside the HTML page, which has them. */
  standalone?: boolean;
}

// What a scenario run returns (real or simulated), and the progress it reports on the way.

import type { ClusterEvent } from "../../cluster/k8s/index.js";
import type { KubeletObservation } from "../../runtime/index.js";
import type { TimelineData } from "../timeline/types.js";
import type { RunSummary } from "./summary.js";

export interface RunProgress {
  /** Run-relative time (simulated or wall). */
  at: number;
  created: number;
  running: number;
  planned: number;
  failures: number;
}

export interface RunHooks {
  /** The origin of the run's time axis (0 in simulated time, the wall clock in real time) and its clock. */
  onRunStart?: (runStart: number, now: () => number) => void;
  onProgress?: (p: RunProgress) => void;
  /** Every event as the cluster store records it (for --json). */
  onEvent?: (e: ClusterEvent) => void;
  /** What the kubelet loop(s) did: sandbox attempts (with their netns), retries, running. */
  onObservation?: (o: KubeletObservation) => void;
  signal?: AbortSignal;
  /** Real time: a second Ctrl-C; the cleanup stops waiting for the pods' graceful teardown. */
  hurry?: AbortSignal;
  /** Real time: the run's id once it has a record (for `vpc-cni-harness cleanup <id>`). */
  onRun?: (id: string) => void;
  /** Real time: the command line, for the run's record. */
  command?: string;
}

export interface RunResult {
  scenario: string;
  mode: "real" | "simulated";
  timeline: TimelineData;
  summary: RunSummary;
  /** Differences from the scenario's expectations; empty = passed. */
  differences: string[];
  /** What the harness did (e.g. how sandboxes were run), to print with the result. */
  notes: string[];
  /** Problems met while running the script (a node that failed to join, ...). */
  problems: string[];
  /** True when every live pod ran before the limit and the script was done. */
  settled: boolean;
  wallMs: number;
  /** EC2 calls the fake controller made (simulated mode; 0 when unknown). */
  ec2Calls: number;
  /** Stopped by Ctrl-C / SIGTERM before it settled. */
  interrupted?: boolean;
}

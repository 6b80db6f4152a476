// What the demo (and other long runs) print: one record per thing that happened, with its time,
// and the printers that render records as terminal lines, plain lines or JSON lines.

import type { ClusterEvent } from "../../cluster/k8s/index.js";

export interface CniCallRecord {
  verb: "ADD" | "DEL";
  network: string;
  ifName: string;
  pod: string;
  sandboxId: string;
  netns: string;
  durationMs: number;
  ok: boolean;
  error: string;
  ips: readonly string[];
}

export interface EniRecord {
  pod: string;
  eniId: string;
  vlanId: number;
  mac: string;
  ipv4: readonly string[];
  subnetCidr: string;
  state: string;
}

export type OutputRecord =
  | { kind: "event"; at: number; event: ClusterEvent }
  | { kind: "cni"; at: number; call: CniCallRecord }
  | { kind: "eni"; at: number; eni: EniRecord }
  | { kind: "ec2"; at: number; call: string; detail: string }
  | { kind: "info"; at: number; text: string }
  | { kind: "address"; at: number; pod: string; text: string };

export interface PodSummary {
  pod: string;
  branch: boolean;
  /** From creation to the sandbox that succeeded; undefined when never running. */
  timeToRunningMs: number | undefined;
  attempts: number;
  warnings: number;
  transientExpected: number;
  real: number;
  /** The scheduler's FailedScheduling message, for a pod that was never bound to the node. */
  unschedulable?: string;
}

/** How the run ended: it got to the end, or gave up after --timeout, or was interrupted (Ctrl-C). */
export type RunEnd = "completed" | "timed-out" | "interrupted";

export interface RunSummary {
  ok: boolean;
  ended: RunEnd;
  /** The one-line verdict printed after "RESULT:". */
  verdict: string;
  pods: readonly PodSummary[];
  warnings: number;
  problems: readonly string[];
  durationMs: number;
}

export interface Printer {
  record(r: OutputRecord): void;
  /** A progress line (replaced in place on a TTY; printed only when it changes otherwise). */
  status(text: string): void;
  summary(s: RunSummary): void;
  close(): void;
}

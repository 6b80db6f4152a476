// Pure formatting of output records: time offsets, kubectl-style ages and `(xN over T)`
// aggregation, one readable line per record.

import type { ClusterEvent } from "../../cluster/k8s/index.js";
import { humanDuration } from "../../cluster/k8s/index.js";
import type { CniCallRecord, OutputRecord, PodSummary, RunSummary } from "./types.js";

export function formatOffset(ms: number): string {
  return `${ms < 0 ? "-" : "+"}${(Math.abs(ms) / 1000).toFixed(3)}s`;
}


/** kubectl describe's Age column: "5s", or "5s (x3 over 40s)" for an aggregated event. */
export function eventAge(e: Pick<ClusterEvent, "count" | "firstTimestamp" | "lastTimestamp">, now: number): string {
  const last = humanDuration(now - e.lastTimestamp);
  return e.count > 1 ? `${last} (x${e.count} over ${humanDuration(now - e.firstTimestamp)})` : last;
}

/** On our timeline the age is an offset: "(x3 over 12s)" spans first..last occurrence. */
export function aggregation(e: Pick<ClusterEvent, "count" | "firstTimestamp" | "lastTimestamp">): string {
  return e.count > 1 ? ` (x${e.count} over ${humanDuration(e.lastTimestamp - e.firstTimestamp)})` : "";
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

function eventLine(e: ClusterEvent): string {
  const who = `${e.involvedObject.kind === "Pod" ? "" : `${e.involvedObject.kind.toLowerCase()}/`}${e.involvedObject.namespace === "" ? "" : `${e.involvedObject.namespace}/`}${e.involvedObject.name}`;
  const cls = e.classification === "" ? "" : `[${e.classification}] `;
  return `${pad(e.type, 8)} ${pad(e.reason, 24)} ${pad(who, 24)} ${cls}${e.message}${aggregation(e)}  (${e.source})`;
}

/**
 * A failed ADD's text is long (the plugin's details: which pod, how long provisioning has run) and
 * kubelet repeats it whole in the FailedCreatePodSandBox warning: the CNI line keeps the message and
 * says where the rest is. DEL failures have no warning, so they keep everything.
 */
export function cniFailure(c: Pick<CniCallRecord, "verb" | "error">): string {
  const cut = c.error.indexOf("; ");
  if (c.verb !== "ADD" || cut < 0) return c.error;
  return `${c.error.slice(0, cut)} (details in the FailedCreatePodSandBox warning)`;
}

export function formatRecord(r: OutputRecord, runStart: number): string {
  const t = formatOffset(r.at - runStart);
  switch (r.kind) {
    case "event":
      return `${t}  ${eventLine(r.event)}`;
    case "cni": {
      const c = r.call;
      const what = `CNI ${c.verb} ${c.network} ${c.ifName}`;
      const outcome = c.ok ? `ok${c.ips.length > 0 ? ` ${c.ips.join(",")}` : ""}` : `FAILED: ${cniFailure(c)}`;
      return `${t}  ${pad("cni", 8)} ${pad(what, 24)} ${pad(c.pod, 24)} sandbox ${shortId(c.sandboxId)} netns=${c.netns === "" ? '""' : c.netns} ${Math.round(c.durationMs)}ms ${outcome}`;
    }
    case "eni": {
      const e = r.eni;
      return `${t}  ${pad("eni", 8)} ${pad("branch ENI", 24)} ${pad(e.pod, 24)} ${e.eniId} vlan ${e.vlanId} mac ${e.mac} ip ${e.ipv4.join(",")} subnet ${e.subnetCidr} (${e.state})`;
    }
    case "ec2":
      return `${t}  ${pad("ec2", 8)} ${pad(r.call, 24)} ${r.detail}`;
    case "info":
      return `${t}  ${r.text}`;
    case "address":
      return `${t}  ${pad("netns", 8)} ${pad("address inside pod", 24)} ${pad(r.pod, 24)}\n${r.text.split("\n").map((l) => `           | ${l}`).join("\n")}`;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function podLine(p: PodSummary): string {
  const kind = pad(p.branch ? "branch ENI" : "ordinary", 11);
  if (p.unschedulable !== undefined) return `  ${pad(p.pod, 28)} ${kind} Pending: FailedScheduling: ${p.unschedulable}`;
  const ttr = p.timeToRunningMs === undefined ? "not running" : `running after ${(p.timeToRunningMs / 1000).toFixed(3)}s`;
  const w = p.warnings === 0 ? "no warnings" : `${plural(p.warnings, "warning")}: ${p.transientExpected} transient-expected, ${p.real} real`;
  return `  ${pad(p.pod, 28)} ${kind} ${pad(ttr, 26)} ${plural(p.attempts, "sandbox attempt")}, ${w}`;
}

export function formatSummary(s: RunSummary): string {
  return ["", "Summary:", ...s.pods.map(podLine), `  warnings: ${s.warnings}; run took ${(s.durationMs / 1000).toFixed(1)}s`, `  RESULT: ${s.verdict}`, ...s.problems.map((p) => `    - ${p}`)].join("\n");
}

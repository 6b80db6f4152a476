// One pod's row in the timeline: provisioning window, sandbox attempts as bars, event markers
// (with labels when there are few pods) and the moment the pod ran.

import type { ClusterEvent } from "../../cluster/k8s/index.js";
import { formatDuration } from "../../common/duration.js";
import type { TimeScale } from "./scale.js";
import { esc, el, title } from "./svg.js";
import { COLORS } from "./style.js";
import type { PodTimeline, SandboxAttempt } from "./types.js";

export interface RowLayout {
  y: number;
  height: number;
  /** Draw event reason labels under the markers (few pods). */
  eventLabels: boolean;
  runStart: number;
  runEnd: number;
  labelX: number;
}

const MIN_BAR = 3;

function rel(layout: RowLayout, t: number): number {
  return t - layout.runStart;
}

function attemptFill(a: SandboxAttempt): { fill: string; cls: string } {
  if (a.outcome === "ok") return { fill: COLORS.ok, cls: "attempt attempt-ok" };
  if (a.outcome === "pending") return { fill: COLORS.pending, cls: "attempt attempt-pending" };
  if (a.classification === "transient-expected") return { fill: "url(#hatch-transient)", cls: "attempt attempt-failed transient-expected" };
  return { fill: COLORS.real, cls: "attempt attempt-failed real" };
}

export function attemptBar(a: SandboxAttempt, s: TimeScale, layout: RowLayout, y: number, h: number): string {
  const x = s.x(rel(layout, a.start));
  const end = s.x(rel(layout, a.end ?? layout.runEnd));
  const { fill, cls } = attemptFill(a);
  const dur = a.end === undefined ? "still running" : formatDuration(a.end - a.start);
  const tip = `sandbox ${a.sandboxId.slice(0, 12)}… ${a.outcome}${a.classification === "" ? "" : ` (${a.classification})`}` +
    ` at +${formatDuration(rel(layout, a.start))}, ${dur}${a.message === "" ? "" : `\n${a.message}`}`;
  return el("rect", { class: cls, x, y, width: Math.max(MIN_BAR, end - x), height: h, fill, rx: 2 }, title(tip));
}

function provisioningBar(p: NonNullable<PodTimeline["provisioning"]>, s: TimeScale, layout: RowLayout, y: number): string {
  const x = s.x(rel(layout, p.start));
  const end = s.x(rel(layout, p.end ?? layout.runEnd));
  const fill = p.outcome === "failed" ? COLORS.provisioningFailed : COLORS.provisioning;
  const what = p.outcome === "ok" ? `vlan ${p.vlanId ?? "?"}, ${p.eniId ?? "?"}` : p.outcome;
  const dur = p.end === undefined ? "still provisioning" : formatDuration(p.end - p.start);
  const tip = `branch-ENI provisioning ${dur} (${what})`;
  return el("rect", { class: `provisioning provisioning-${p.outcome}`, x, y, width: Math.max(MIN_BAR, end - x), height: 5, fill, opacity: 0.85 }, title(tip));
}

export function eventMarker(e: ClusterEvent, s: TimeScale, layout: RowLayout, y: number): string {
  const x = s.x(rel(layout, e.firstTimestamp));
  const fill = e.type === "Warning" ? COLORS.warning : COLORS.normal;
  const count = e.count > 1 ? ` (x${e.count} over ${formatDuration(e.lastTimestamp - e.firstTimestamp)})` : "";
  const cls = e.classification === "" ? "" : ` [${e.classification}]`;
  const tip = `+${formatDuration(rel(layout, e.firstTimestamp))} ${e.type} ${e.reason}${count}${cls}: ${e.message}`;
  const d = `M${x} ${y - 4} L${x + 4} ${y} L${x} ${y + 4} L${x - 4} ${y} Z`;
  return `<g class="event-marker" data-reason="${esc(e.reason)}">${el("path", { d, fill })}${title(tip)}</g>`;
}

/** Reason labels under markers, in three lanes so neighbours do not overlap. */
export function eventLabels(events: readonly ClusterEvent[], s: TimeScale, layout: RowLayout, y: number): string {
  const laneEnd = [-Infinity, -Infinity, -Infinity];
  const out: string[] = [];
  for (const e of events) {
    const x = s.x(rel(layout, e.firstTimestamp));
    const text = e.count > 1 ? `${e.reason} x${e.count}` : e.reason;
    const lane = laneEnd.findIndex((end) => end <= x);
    if (lane < 0) continue;
    laneEnd[lane] = x + text.length * 5.5 + 8;
    out.push(el("text", { class: "event-label", x, y: y + lane * 10, fill: e.type === "Warning" ? COLORS.warning : COLORS.normal }, esc(text)));
  }
  return out.join("");
}

export function podRow(pod: PodTimeline, s: TimeScale, layout: RowLayout): string {
  const { y } = layout;
  const mid = y + 12;
  const parts: string[] = [];
  const tip = `${pod.namespace}/${pod.name} on ${pod.nodeName || "(unscheduled)"}${pod.branch ? " [SGP: branch ENI]" : ""}` +
    (pod.runningAt === undefined ? ", not running" : `, running at +${formatDuration(rel(layout, pod.runningAt))}`);
  parts.push(el("text", { class: "label", x: layout.labelX, y: mid + 4, "text-anchor": "end" }, esc(pod.name) + title(tip)));
  if (pod.provisioning !== undefined) parts.push(provisioningBar(pod.provisioning, s, layout, y + 1));
  for (const a of pod.attempts) parts.push(attemptBar(a, s, layout, mid - 5, 10));
  if (pod.runningAt !== undefined) {
    const x = s.x(rel(layout, pod.runningAt));
    parts.push(el("line", { class: "running-mark", x1: x, x2: x, y1: y, y2: y + 20, stroke: COLORS.running, "stroke-width": 2 }, title(tip)));
  }
  for (const e of pod.events) parts.push(eventMarker(e, s, layout, y + 23));
  if (layout.eventLabels) parts.push(eventLabels(pod.events, s, layout, y + 37));
  return `<g class="pod-row" data-pod="${esc(`${pod.namespace}/${pod.name}`)}">${parts.join("")}</g>`;
}

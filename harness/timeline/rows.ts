// One pod's row in the timeline: provisioning window, sandbox attempts as bars, event markers with
// their labels (laid out without collisions, labels.ts), the moment the pod ran, and, in the label
// column, the pod's name with a one-line summary, so a printout needs no hovering.

import type { ClusterEvent } from "../../cluster/k8s/index.js";
import { formatDuration } from "../../common/duration.js";
import { labelsSvg, layoutLabels, LANE_H } from "./labels.js";
import type { LabelItem } from "./labels.js";
import type { TimeScale } from "./scale.js";
import { esc, el, title } from "./svg.js";
import { COLORS, FONT, textWidth } from "./style.js";
import type { PodTimeline, SandboxAttempt } from "./types.js";

export interface RowLayout {
  y: number;
  runStart: number;
  runEnd: number;
  /** x of the label column's right edge (text is right-aligned there). */
  labelX: number;
  /** Right edge of the drawing: labels end there at the latest. */
  xMax: number;
}

export interface Drawn {
  svg: string;
  height: number;
}

const MIN_BAR = 3;
/** Bars, markers and the first lane of labels fit in this; each more lane adds LANE_H. */
const ROW_BASE = 30;
const FIRST_LANE = 35;

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

/** Markers at `markerY` and every event's reason (xN when aggregated) as a label, lane 0 at `labelY`. */
export function eventsWithLabels(events: readonly ClusterEvent[], s: TimeScale, layout: RowLayout, markerY: number, labelY: number): Drawn & { lanes: number } {
  const items: LabelItem[] = events.map((e) => ({
    x: s.x(rel(layout, e.firstTimestamp)),
    text: e.count > 1 ? `${e.reason} x${e.count}` : e.reason,
    fill: e.type === "Warning" ? COLORS.warning : COLORS.normal,
  }));
  const { labels, lanes } = layoutLabels(items, layout.xMax);
  const markers = events.map((e) => eventMarker(e, s, layout, markerY)).join("");
  return { svg: markers + labelsSvg(labels, labelY), height: lanes * LANE_H, lanes };
}

/** Right-aligned text in the label column, cut with "…" when it would not fit. */
function columnText(text: string, x: number, y: number, px: number, cls: string, width: number, tip: string): string {
  const max = Math.floor(width / textWidth("x", px));
  const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return el("text", { class: cls, x, y, "text-anchor": "end", ...(cls === "row-summary" ? { fill: "#555" } : {}) }, esc(shown) + title(tip));
}

/** "running after 5.74s, 1 failed" / "not running, 3 failed" / "Pending: not scheduled". */
export function rowSummary(pod: PodTimeline): string {
  const failed = pod.attempts.filter((a) => a.outcome === "failed").length;
  const fails = failed === 0 ? "" : `, ${failed} failed`;
  if (pod.runningAt !== undefined) return `running after ${formatDuration(pod.runningAt - pod.createdAt)}${fails}`;
  if (pod.nodeName === "" && pod.attempts.length === 0) return "Pending: not scheduled";
  return `not running${fails}`;
}

export function podRow(pod: PodTimeline, s: TimeScale, layout: RowLayout): Drawn {
  const { y } = layout;
  const mid = y + 12;
  const parts: string[] = [];
  const tip = `${pod.namespace}/${pod.name} on ${pod.nodeName || "(unscheduled)"}${pod.branch ? " [SGP: branch ENI]" : ""}` +
    (pod.runningAt === undefined ? ", not running" : `, running at +${formatDuration(rel(layout, pod.runningAt))}`);
  const column = layout.labelX - 6;
  parts.push(columnText(pod.name, layout.labelX, mid + 4, FONT.label, "label", column, tip));
  parts.push(columnText(rowSummary(pod), layout.labelX, mid + 15, FONT.small, "row-summary", column, tip));
  if (pod.provisioning !== undefined) parts.push(provisioningBar(pod.provisioning, s, layout, y + 1));
  for (const a of pod.attempts) parts.push(attemptBar(a, s, layout, mid - 5, 10));
  if (pod.runningAt !== undefined) {
    const x = s.x(rel(layout, pod.runningAt));
    parts.push(el("line", { class: "running-mark", x1: x, x2: x, y1: y, y2: y + 20, stroke: COLORS.running, "stroke-width": 2 }, title(tip)));
  }
  const ev = eventsWithLabels(pod.events, s, layout, y + 23, y + FIRST_LANE);
  parts.push(ev.svg);
  const height = ev.lanes === 0 ? ROW_BASE + 6 : FIRST_LANE + (ev.lanes - 1) * LANE_H + 8;
  return { svg: `<g class="pod-row" data-pod="${esc(`${pod.namespace}/${pod.name}`)}">${parts.join("")}</g>`, height };
}

/** Node and controller events (joins, ipamd restarts), all labelled. */
export function clusterRow(events: readonly ClusterEvent[], s: TimeScale, layout: RowLayout): Drawn {
  const label = el("text", { class: "label", x: layout.labelX, y: layout.y + 16, "text-anchor": "end" }, "cluster");
  const ev = eventsWithLabels(events, s, layout, layout.y + 12, layout.y + 26);
  return { svg: `<g class="cluster-row events">${label}${ev.svg}</g>`, height: ev.lanes === 0 ? 24 : 26 + (ev.lanes - 1) * LANE_H + 8 };
}

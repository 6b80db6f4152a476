// The picture for many pods: cluster panels (pods running over time with branch ENIs provisioning
// at once, failed sandbox attempts per time bucket) and a histogram of time-to-running. Every panel
// has values on its axes: counts on the left (and the right, for the second series), times below.

import { formatDuration } from "../../common/duration.js";
import { makeScale, niceStep, tickLabel } from "./scale.js";
import type { TimeScale } from "./scale.js";
import { el, esc, title } from "./svg.js";
import { COLORS } from "./style.js";
import { distribution, failureBuckets, histogram, provisioningSeries, runningSeries, timesToRunning } from "./stats.js";
import type { StepPoint } from "./stats.js";
import type { Drawn } from "./rows.js";
import type { PodTimeline } from "./types.js";

export const PANEL_H = 90;
/** Space a panel takes below its frame for its time (or duration) values. */
const BELOW = 18;
const ABOVE = 14;

function stepPath(points: readonly StepPoint[], s: TimeScale, y0: number, h: number, max: number): string {
  const yOf = (v: number): number => y0 + h - (v / Math.max(max, 1)) * h;
  let d = `M${s.x(0)} ${yOf(0)}`;
  let prev = 0;
  for (const p of points) {
    d += ` L${s.x(p.t)} ${yOf(prev)} L${s.x(p.t)} ${yOf(p.value)}`;
    prev = p.value;
  }
  return d + ` L${s.x1} ${yOf(prev)}`;
}

/** 0, the middle and the top of a count axis (the middle only when it is a whole number apart). */
export function countTicks(max: number): number[] {
  if (max <= 0) return [0];
  const mid = max % 2 === 0 ? max / 2 : undefined;
  return mid === undefined || mid === 0 ? [0, max] : [0, mid, max];
}

/** Count values on one side of a panel: left (right-aligned before x) or right (after x). */
function countAxis(values: readonly number[], max: number, x: number, y: number, side: "left" | "right", cls: string): string {
  return `<g class="axis-y ${cls}">${values.map((v) => {
    const vy = y + PANEL_H - (v / Math.max(max, 1)) * PANEL_H;
    const tick = el("line", { x1: side === "left" ? x - 3 : x, x2: side === "left" ? x : x + 3, y1: vy, y2: vy, stroke: COLORS.axis });
    return tick + el("text", { class: "axis-value", x: side === "left" ? x - 5 : x + 5, y: vy + 3.5, "text-anchor": side === "left" ? "end" : "start" }, String(v));
  }).join("")}</g>`;
}

/** Time values under a panel, on the run's time axis. */
function timeAxis(s: TimeScale, y: number): string {
  return `<g class="axis-x">${s.ticks.map((t) => el("line", { x1: t.x, x2: t.x, y1: y, y2: y + 3, stroke: COLORS.axis }) + el("text", { class: "axis-value", x: t.x, y: y + 13, "text-anchor": "middle" }, esc(t.label))).join("")}</g>`;
}

function frame(name: string, s: TimeScale, y: number): string {
  return el("rect", { class: `panel-frame ${name}`, x: s.x0, y, width: s.x1 - s.x0, height: PANEL_H, fill: "none", stroke: COLORS.grid });
}

/** Running pods (cumulative, left axis) and branch ENIs provisioning at once (dashed, right axis). */
export function progressPanel(pods: readonly PodTimeline[], s: TimeScale, top: number, runStart: number, runEnd: number): Drawn {
  const y = top + ABOVE;
  const running = runningSeries(pods, runStart);
  const inflight = provisioningSeries(pods, runStart, runEnd);
  const maxInflight = Math.max(0, ...inflight.map((p) => p.value));
  const total = pods.length;
  const last = running[running.length - 1];
  const text = `pods running: ${last?.value ?? 0}/${total}, the last at +${formatDuration(last?.t ?? 0)}; branch ENIs provisioning at once: at most ${maxInflight}`;
  const svg =
    `<g class="cluster-row progress">` +
    el("text", { class: "panel-title", x: s.x0, y: y - 4 }, esc(text)) + frame("progress", s, y) +
    el("path", { class: "series running", d: stepPath(running, s, y, PANEL_H, total), fill: "none", stroke: COLORS.running, "stroke-width": 2 }, title(text)) +
    el("path", { class: "series provisioning", d: stepPath(inflight, s, y, PANEL_H, Math.max(maxInflight, 1)), fill: "none", stroke: COLORS.provisioning, "stroke-width": 1, "stroke-dasharray": "4 2" }, title(`branch ENIs provisioning at once (max ${maxInflight}, right axis)`)) +
    countAxis(countTicks(total), total, s.x0, y, "left", "running") + countAxis(countTicks(maxInflight), Math.max(maxInflight, 1), s.x1, y, "right", "inflight") +
    timeAxis(s, y + PANEL_H) + `</g>`;
  return { svg, height: ABOVE + PANEL_H + BELOW };
}

export function failuresPanel(pods: readonly PodTimeline[], s: TimeScale, top: number, runStart: number): Drawn {
  const y = top + ABOVE;
  const n = 60;
  const buckets = failureBuckets(pods, runStart, s.spanMs, n);
  const max = Math.max(1, ...buckets.map((b) => b.transient + b.real));
  const w = (s.x1 - s.x0) / n;
  const bars: string[] = [];
  for (const [i, b] of buckets.entries()) {
    if (b.transient + b.real === 0) continue;
    const x = s.x0 + i * w;
    const ht = (b.transient / max) * PANEL_H;
    const hr = (b.real / max) * PANEL_H;
    const tip = `+${formatDuration(b.start)}: ${b.transient} transient-expected, ${b.real} real failures`;
    if (b.transient > 0) bars.push(el("rect", { class: "bucket transient-expected", x, y: y + PANEL_H - ht, width: Math.max(1, w - 1), height: ht, fill: "url(#hatch-transient)" }, title(tip)));
    if (b.real > 0) bars.push(el("rect", { class: "bucket real", x, y: y + PANEL_H - ht - hr, width: Math.max(1, w - 1), height: hr, fill: COLORS.real }, title(tip)));
  }
  const total = buckets.reduce((a, b) => a + b.transient + b.real, 0);
  const text = `failed sandboxes (${total}), per ${formatDuration(s.spanMs / n)} of the run (left axis)`;
  const svg = `<g class="cluster-row failures">${el("text", { class: "panel-title", x: s.x0, y: y - 4 }, esc(text))}${frame("failures", s, y)}${bars.join("")}` +
    `${countAxis(countTicks(max), max, s.x0, y, "left", "failures")}${timeAxis(s, y + PANEL_H)}</g>`;
  return { svg, height: ABOVE + PANEL_H + BELOW };
}

/** Histogram of created -> running, with its own duration axis and p50/p90/p99/max. */
export function histogramPanel(pods: readonly PodTimeline[], x0: number, x1: number, top: number): Drawn {
  const y = top + ABOVE;
  const sorted = timesToRunning(pods);
  const d = distribution(sorted);
  const width = niceStep(Math.max(d.max, 1), 30);
  const buckets = Math.max(1, Math.ceil((d.max + 1) / width));
  const counts = histogram(sorted, width, buckets);
  const max = Math.max(1, ...counts);
  const s = makeScale(buckets * width, x0, x1, 8);
  const bw = (x1 - x0) / (s.spanMs / width);
  const bars = counts.map((c, i) => c === 0 ? "" : el("rect", { class: "histogram-bar", x: x0 + i * bw, y: y + PANEL_H - (c / max) * PANEL_H, width: Math.max(1, bw - 1), height: (c / max) * PANEL_H, fill: COLORS.ok }, title(`${tickLabel(i * width)}..${tickLabel((i + 1) * width)}: ${c} pods`)));
  const text = `time to running (created -> running): ${d.count} pods, p50 ${formatDuration(d.p50)}, p90 ${formatDuration(d.p90)}, p99 ${formatDuration(d.p99)}, max ${formatDuration(d.max)}; pods per ${formatDuration(width)} (left axis)`;
  const svg =
    `<g class="histogram">` +
    el("text", { class: "panel-title", x: x0, y: y - 4 }, esc(text)) +
    el("rect", { class: "panel-frame histogram", x: x0, y, width: x1 - x0, height: PANEL_H, fill: "none", stroke: COLORS.grid }) +
    bars.join("") + countAxis(countTicks(max), max, x0, y, "left", "histogram") + timeAxis(s, y + PANEL_H) + `</g>`;
  return { svg, height: ABOVE + PANEL_H + BELOW };
}

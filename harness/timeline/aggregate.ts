// The picture for many pods: cluster rows (pods running over time, provisioning in flight,
// failed sandbox attempts per time bucket) and a histogram of time-to-running.

import { formatDuration } from "../../common/duration.js";
import { makeScale, niceStep, tickLabel } from "./scale.js";
import type { TimeScale } from "./scale.js";
import { el, esc, title } from "./svg.js";
import { COLORS } from "./style.js";
import { distribution, failureBuckets, histogram, provisioningSeries, runningSeries, timesToRunning } from "./stats.js";
import type { StepPoint } from "./stats.js";
import type { PodTimeline } from "./types.js";

export const PANEL_H = 90;

function stepPath(points: readonly StepPoint[], s: TimeScale, y0: number, h: number, max: number): string {
  const yOf = (v: number): number => y0 + h - (v / Math.max(max, 1)) * h;
  let d = `M${s.x(0)} ${yOf(0)}`;
  let prev = 0;
  for (const p of points) {
    d += ` L${s.x(p.t)} ${yOf(prev)} L${s.x(p.t)} ${yOf(p.value)}`;
    prev = p.value;
  }
  return d + ` L${s.x0 + (s.x1 - s.x0)} ${yOf(prev)}`;
}

function panelFrame(name: string, label: string, s: TimeScale, y: number, labelX: number): string {
  return (
    el("text", { class: "label", x: labelX, y: y + PANEL_H / 2, "text-anchor": "end" }, esc(label)) +
    el("rect", { class: `panel-frame ${name}`, x: s.x0, y, width: s.x1 - s.x0, height: PANEL_H, fill: "none", stroke: COLORS.grid })
  );
}

/** Running pods (cumulative) and provisioning windows in flight, two lines in one panel. */
export function progressPanel(pods: readonly PodTimeline[], s: TimeScale, y: number, runStart: number, runEnd: number, labelX: number): string {
  const running = runningSeries(pods, runStart);
  const inflight = provisioningSeries(pods, runStart, runEnd);
  const maxInflight = Math.max(0, ...inflight.map((p) => p.value));
  const total = pods.length;
  const last = running[running.length - 1];
  const tip = `${last?.value ?? 0}/${total} pods running; last at +${formatDuration(last?.t ?? 0)}; at most ${maxInflight} provisioning at once`;
  return (
    `<g class="cluster-row progress">` +
    panelFrame("progress", `running (of ${total})`, s, y, labelX) +
    el("path", { class: "series running", d: stepPath(running, s, y, PANEL_H, total), fill: "none", stroke: COLORS.running, "stroke-width": 2 }, title(tip)) +
    el("path", { class: "series provisioning", d: stepPath(inflight, s, y, PANEL_H, Math.max(maxInflight, 1)), fill: "none", stroke: COLORS.provisioning, "stroke-width": 1, "stroke-dasharray": "4 2" }, title(`branch ENIs provisioning in flight (max ${maxInflight}, own scale)`)) +
    el("text", { class: "summary", x: s.x0, y: y - 3 }, esc(tip)) +
    `</g>`
  );
}

export function failuresPanel(pods: readonly PodTimeline[], s: TimeScale, y: number, runStart: number, labelX: number): string {
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
  return `<g class="cluster-row failures">${panelFrame("failures", `failed sandboxes (${total})`, s, y, labelX)}${bars.join("")}</g>`;
}

/** Histogram of created -> running, with its own duration axis and p50/p90/p99/max. */
export function histogramPanel(pods: readonly PodTimeline[], x0: number, x1: number, y: number, labelX: number): string {
  const sorted = timesToRunning(pods);
  const d = distribution(sorted);
  const n = 30;
  const width = niceStep(Math.max(d.max, 1), n);
  const buckets = Math.max(1, Math.ceil((d.max + 1) / width));
  const counts = histogram(sorted, width, buckets);
  const max = Math.max(1, ...counts);
  const s = makeScale(buckets * width, x0, x1, 8);
  const bw = (x1 - x0) / (s.spanMs / width);
  const bars = counts.map((c, i) => c === 0 ? "" : el("rect", { class: "histogram-bar", x: x0 + i * bw, y: y + PANEL_H - (c / max) * PANEL_H, width: Math.max(1, bw - 1), height: (c / max) * PANEL_H, fill: COLORS.ok }, title(`${tickLabel(i * width)}..${tickLabel((i + 1) * width)}: ${c} pods`)));
  const ticks = s.ticks.map((t) => `<g class="tick">${el("line", { x1: t.x, x2: t.x, y1: y + PANEL_H, y2: y + PANEL_H + 4, stroke: COLORS.axis })}${el("text", { x: t.x, y: y + PANEL_H + 15, "text-anchor": "middle" }, esc(t.label))}</g>`);
  const summary = `time to running: ${d.count} pods, p50 ${formatDuration(d.p50)}, p90 ${formatDuration(d.p90)}, p99 ${formatDuration(d.p99)}, max ${formatDuration(d.max)}`;
  return (
    `<g class="histogram">` +
    el("text", { class: "label", x: labelX, y: y + PANEL_H / 2, "text-anchor": "end" }, "time to running") +
    el("rect", { class: "panel-frame histogram", x: x0, y, width: x1 - x0, height: PANEL_H, fill: "none", stroke: COLORS.grid }) +
    bars.join("") + ticks.join("") + el("text", { class: "summary", x: x0, y: y - 3 }, esc(summary)) +
    `</g>`
  );
}

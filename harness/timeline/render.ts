// Renders a run's timeline as SVG: a time axis with ticks, per pod a row (few pods) or cluster
// rows + the slowest pods + a time-to-running histogram (many pods). Pure: data -> string.

import { formatDuration } from "../../common/duration.js";
import { failuresPanel, histogramPanel, PANEL_H, progressPanel } from "./aggregate.js";
import { eventLabels, eventMarker, podRow } from "./rows.js";
import type { RowLayout } from "./rows.js";
import { makeScale } from "./scale.js";
import type { TimeScale } from "./scale.js";
import { el, esc, title } from "./svg.js";
import { COLORS, DEFS, LEGEND, SVG_STYLE } from "./style.js";
import type { PodTimeline, RenderOptions, TimelineData } from "./types.js";

const LABEL_W = 190;
const HEADER_H = 86;
const SLOWEST = 20;

function axis(s: TimeScale, yTop: number, yBottom: number): string {
  const ticks = s.ticks.map(
    (t) =>
      `<g class="tick" data-ms="${t.ms}">` +
      el("line", { x1: t.x, x2: t.x, y1: yTop, y2: yBottom, stroke: COLORS.grid }) +
      el("text", { x: t.x, y: yTop - 4, "text-anchor": "middle" }, esc(t.label)) +
      `</g>`,
  );
  return `<g class="axis">${ticks.join("")}</g>`;
}

function legend(x: number, y: number): string {
  let cx = x;
  const items = LEGEND.map((l) => {
    const short = l.short;
    const item = `<g class="legend-item" data-key="${l.key}">${el("rect", { x: cx, y: y - 9, width: 12, height: 10, fill: l.fill })}${el("text", { x: cx + 16, y }, esc(short))}</g>`;
    cx += 26 + short.length * 6.7;
    return item;
  });
  return `<g class="legend">${items.join("")}</g>`;
}

function header(data: TimelineData): string {
  const running = data.pods.filter((p) => p.runningAt !== undefined).length;
  const sub = `${data.mode === "simulated" ? "simulated time (fake clock, in-process sandbox runtime)" : "real time (real plugin binary, real daemon)"}` +
    ` · ${data.pods.length} pods, ${running} running · run ${formatDuration(data.runEnd - data.runStart)}`;
  return (
    el("text", { class: "title", x: 10, y: 20 }, esc(data.title)) +
    el("text", { class: "subtitle", x: 10, y: 38 }, esc(sub)) +
    legend(10, 58)
  );
}

/** Node and controller events (few: joins, ipamd restarts), always labelled. */
function clusterRow(data: TimelineData, s: TimeScale, layout: RowLayout): string {
  const markers = data.clusterEvents.map((e) => eventMarker(e, s, layout, layout.y + 12));
  const label = el("text", { class: "label", x: layout.labelX, y: layout.y + 16, "text-anchor": "end" }, "cluster");
  return `<g class="cluster-row events">${label}${markers.join("")}${eventLabels(data.clusterEvents, s, layout, layout.y + 26)}</g>`;
}

function slowest(pods: readonly PodTimeline[], n: number): PodTimeline[] {
  const cost = (p: PodTimeline): number => (p.runningAt === undefined ? Infinity : p.runningAt - p.createdAt);
  return [...pods].sort((a, b) => cost(b) - cost(a)).slice(0, n);
}

function body(data: TimelineData, s: TimeScale, width: number, maxRows: number): { svg: string; height: number } {
  const detailed = data.pods.length <= maxRows;
  const eventLabels = data.pods.length <= 10;
  const rowH = eventLabels ? 64 : 30;
  const base = { runStart: data.runStart, runEnd: data.runEnd, labelX: LABEL_W - 8, eventLabels };
  const parts: string[] = [];
  let y = HEADER_H;
  if (data.clusterEvents.length > 0) {
    parts.push(clusterRow(data, s, { ...base, y, height: 36 }));
    y += 40;
  }
  if (!detailed) {
    y += 14;
    parts.push(progressPanel(data.pods, s, y, data.runStart, data.runEnd, LABEL_W - 8));
    y += PANEL_H + 10;
    parts.push(failuresPanel(data.pods, s, y, data.runStart, LABEL_W - 8));
    y += PANEL_H + 14;
    parts.push(el("text", { class: "panel-title", x: 10, y: y + 10 }, `slowest ${Math.min(SLOWEST, data.pods.length)} of ${data.pods.length} pods`));
    y += 16;
  }
  const rows = detailed ? data.pods : slowest(data.pods, SLOWEST);
  for (const pod of rows) {
    parts.push(podRow(pod, s, { ...base, y, height: rowH }));
    y += rowH;
  }
  const axisSvg = axis(s, HEADER_H - 4, y);
  if (!detailed) {
    y += 30;
    parts.push(histogramPanel(data.pods, s.x0, s.x1, y, LABEL_W - 8));
    y += PANEL_H + 24;
  }
  return { svg: axisSvg + parts.join(""), height: y + 16 };
}

export function renderTimelineSvg(data: TimelineData, options: RenderOptions = {}): string {
  const width = options.width ?? 1200;
  const maxRows = options.maxPodRows ?? 60;
  const s = makeScale(data.runEnd - data.runStart, LABEL_W, width - 24, Math.max(4, Math.floor((width - LABEL_W) / 90)));
  const { svg, height } = body(data, s, width, maxRows);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${Math.ceil(height)}" viewBox="0 0 ${width} ${Math.ceil(height)}">` +
    `${title(data.title)}${DEFS}${SVG_STYLE}` +
    el("rect", { x: 0, y: 0, width, height: Math.ceil(height), fill: "#fff" }) +
    header(data) + svg + `</svg>\n`
  );
}

// Renders a run's timeline as SVG: a time axis with values above and below the rows, per pod a row
// (few pods) or cluster panels + the slowest pods + a time-to-running histogram (many pods), every
// event labelled, and (standalone) a title and a legend of everything drawn. Pure: data -> string.

import { formatDuration } from "../../common/duration.js";
import { failuresPanel, histogramPanel, progressPanel } from "./aggregate.js";
import { clusterRow, podRow } from "./rows.js";
import type { RowLayout } from "./rows.js";
import { makeScale } from "./scale.js";
import type { TimeScale } from "./scale.js";
import { el, esc, title } from "./svg.js";
import { COLORS, DEFS, FONT, legendFor, SVG_STYLE, swatchSvg, textWidth } from "./style.js";
import type { LegendEntry } from "./style.js";
import type { PodTimeline, RenderOptions, TimelineData } from "./types.js";

const LABEL_W = 190;
const RIGHT_MARGIN = 36;
const SLOWEST = 20;

/** Tick values of the time axis at `y` (baseline), and grid lines from `gridTop` to `gridBottom`. */
function axis(s: TimeScale, y: number, gridTop: number, gridBottom: number, cls: string): string {
  const ticks = s.ticks.map(
    (t) =>
      `<g class="tick" data-ms="${t.ms}">` +
      (gridBottom > gridTop ? el("line", { x1: t.x, x2: t.x, y1: gridTop, y2: gridBottom, stroke: COLORS.grid }) : "") +
      el("text", { x: t.x, y, "text-anchor": "middle" }, esc(t.label)) +
      `</g>`,
  );
  return `<g class="axis ${cls}">${ticks.join("")}</g>`;
}

/** The legend's items in lines no wider than `width`; returns the SVG and its height. */
export function legendSvg(entries: readonly LegendEntry[], x: number, y: number, width: number): { svg: string; height: number } {
  let cx = x;
  let cy = y;
  const items: string[] = [];
  for (const l of entries) {
    const w = 16 + textWidth(l.short, FONT.label);
    if (cx > x && cx + w > x + width) {
      cx = x;
      cy += 16;
    }
    items.push(`<g class="legend-item" data-key="${l.key}">${swatchSvg(l, cx, cy - 9)}${el("text", { x: cx + 16, y: cy, textLength: textWidth(l.short, FONT.label), lengthAdjust: "spacingAndGlyphs" }, esc(l.short))}${title(l.label)}</g>`);
    cx += w + 14;
  }
  return { svg: `<g class="legend">${items.join("")}</g>`, height: cy - y + 16 };
}

function header(data: TimelineData, width: number, aggregate: boolean): { svg: string; height: number } {
  const running = data.pods.filter((p) => p.runningAt !== undefined).length;
  const sub = `${data.mode === "simulated" ? "simulated time (fake clock, in-process sandbox runtime)" : "real time (real plugin binary, real daemon)"}` +
    ` · ${data.pods.length} pods, ${running} running · run ${formatDuration(data.runEnd - data.runStart)}`;
  const legend = legendSvg(legendFor(aggregate), 10, 58, width - 20);
  return {
    svg: el("text", { class: "title", x: 10, y: 20 }, esc(data.title)) + el("text", { class: "subtitle", x: 10, y: 38 }, esc(sub)) + legend.svg,
    height: 58 + legend.height,
  };
}

function slowest(pods: readonly PodTimeline[], n: number): PodTimeline[] {
  const cost = (p: PodTimeline): number => (p.runningAt === undefined ? Infinity : p.runningAt - p.createdAt);
  return [...pods].sort((a, b) => cost(b) - cost(a)).slice(0, n);
}

function body(data: TimelineData, s: TimeScale, top: number, width: number, maxRows: number): { svg: string; height: number } {
  const detailed = data.pods.length <= maxRows;
  const base = { runStart: data.runStart, runEnd: data.runEnd, labelX: LABEL_W - 8, xMax: width - 4 };
  const parts: string[] = [];
  const axisY = top + 12;
  let y = top + 18;
  const rowsTop = y;
  if (data.clusterEvents.length > 0) {
    const row = clusterRow(data.clusterEvents, s, { ...base, y } satisfies RowLayout);
    parts.push(row.svg);
    y += row.height;
  }
  if (!detailed) {
    const progress = progressPanel(data.pods, s, y, data.runStart, data.runEnd);
    parts.push(progress.svg);
    y += progress.height;
    const failures = failuresPanel(data.pods, s, y, data.runStart);
    parts.push(failures.svg);
    y += failures.height;
    parts.push(el("text", { class: "panel-title", x: 10, y: y + 14 }, `slowest ${Math.min(SLOWEST, data.pods.length)} of ${data.pods.length} pods`));
    y += 22;
  }
  const rowsStart = y;
  for (const pod of detailed ? data.pods : slowest(data.pods, SLOWEST)) {
    const row = podRow(pod, s, { ...base, y });
    parts.push(row.svg);
    y += row.height;
  }
  // Time values above the rows (and their grid lines), and again below them when there are many.
  const axes = axis(s, axisY, rowsTop, y, "top") + (y - rowsStart > 300 ? axis(s, y + 12, y, y, "bottom") : "");
  if (y - rowsStart > 300) y += 18;
  if (!detailed) {
    const h = histogramPanel(data.pods, s.x0, s.x1, y + 6);
    parts.push(h.svg);
    y += 6 + h.height;
  }
  return { svg: axes + parts.join(""), height: y + 10 };
}

export function renderTimelineSvg(data: TimelineData, options: RenderOptions = {}): string {
  const width = options.width ?? 1200;
  const maxRows = options.maxPodRows ?? 60;
  const standalone = options.standalone ?? true;
  const s = makeScale(data.runEnd - data.runStart, LABEL_W, width - RIGHT_MARGIN, Math.max(4, Math.floor((width - LABEL_W) / 90)));
  const head = standalone ? header(data, width, data.pods.length > maxRows) : { svg: "", height: 0 };
  const { svg, height } = body(data, s, head.height, width, maxRows);
  const h = Math.ceil(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}">` +
    `${title(data.title)}${DEFS}${SVG_STYLE}` +
    el("rect", { x: 0, y: 0, width, height: h, fill: "#fff" }) +
    head.svg + svg + `</svg>\n`
  );
}

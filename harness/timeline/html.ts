// Wraps the SVG timeline in a standalone HTML page: one header (title, figures, a legend that
// explains each colour and line), the picture without its own header, and a per-pod table.

import { formatDuration } from "../../common/duration.js";
import { renderTimelineSvg } from "./render.js";
import { esc } from "./svg.js";
import { distribution, timesToRunning } from "./stats.js";
import { DEFS, legendFor, swatchSvg } from "./style.js";
import type { PodTimeline, RenderOptions, TimelineData } from "./types.js";

function legendHtml(aggregate: boolean): string {
  const items = legendFor(aggregate).map(
    (l) => `<li data-key="${l.key}"><svg width="14" height="12">${DEFS}${swatchSvg(l, 1, 1)}</svg> ${esc(l.label)}</li>`,
  );
  return `<ul class="legend">${items.join("")}</ul>`;
}

function podRowHtml(p: PodTimeline, runStart: number): string {
  const failed = p.attempts.filter((a) => a.outcome === "failed");
  const transient = failed.filter((a) => a.classification === "transient-expected").length;
  const cells = [
    `${p.namespace}/${p.name}`,
    p.nodeName,
    p.branch ? "yes" : "no",
    `+${formatDuration(p.createdAt - runStart)}`,
    p.runningAt === undefined ? "not running" : formatDuration(p.runningAt - p.createdAt),
    String(p.attempts.length),
    `${transient} transient-expected, ${failed.length - transient} real`,
    p.provisioning?.vlanId === undefined ? "" : String(p.provisioning.vlanId),
  ];
  return `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`;
}

const TABLE_LIMIT = 200;

/** One line of figures above the picture: running, time to running, failures by class. */
function figuresHtml(data: TimelineData): string {
  const times = timesToRunning(data.pods);
  const d = distribution(times);
  const failed = data.pods.flatMap((p) => p.attempts.filter((a) => a.outcome === "failed"));
  const transient = failed.filter((a) => a.classification === "transient-expected").length;
  const mode = data.mode === "simulated" ? "simulated time (in-process sandbox runtime)" : "real time (real plugin binary and daemon)";
  const text = `${mode}: ${d.count}/${data.pods.length} pods running; time to running p50 ${formatDuration(d.p50)}, p90 ${formatDuration(d.p90)}, max ${formatDuration(d.max)}; ` +
    `${failed.length} failed sandboxes (${transient} transient-expected, ${failed.length - transient} real)`;
  return `<p class="figures">${esc(text)}</p>`;
}

export function renderTimelineHtml(data: TimelineData, options: RenderOptions = {}): string {
  const head = ["pod", "node", "branch ENI", "created", "time to running", "sandbox attempts", "failures", "vlan"];
  const rows = data.pods.slice(0, TABLE_LIMIT).map((p) => podRowHtml(p, data.runStart));
  const more = data.pods.length > TABLE_LIMIT ? `<p>… and ${data.pods.length - TABLE_LIMIT} more pods.</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(data.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:16px;color:#222}ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}.picture{overflow-x:auto}</style>
</head><body>
<h1>${esc(data.title)}</h1>
${figuresHtml(data)}
<p>Time runs left to right from the start of the run. Hover a bar or a marker for its details.</p>
${legendHtml(data.pods.length > (options.maxPodRows ?? 60))}
<div class="picture">${renderTimelineSvg(data, { ...options, standalone: false })}</div>
<h2>Pods</h2>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>${more}
</body></html>
`;
}

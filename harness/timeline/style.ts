// Colours, patterns and CSS shared by the SVG and HTML renderers, the legend entries (so the legend
// always matches what the picture uses), and the text metrics the layout relies on.

export const COLORS = {
  ok: "#2e9d46",
  real: "#d62728",
  transient: "#f0a202",
  pending: "#9e9e9e",
  provisioning: "#3b7dd8",
  provisioningFailed: "#8e44ad",
  warning: "#e8590c",
  normal: "#555",
  running: "#1b7f35",
  axis: "#888",
  grid: "#e6e6e6",
  text: "#222",
} as const;

/** Hatch for transient-expected failures: amber with dark stripes, distinct from real (solid red). */
export const DEFS =
  `<defs><pattern id="hatch-transient" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
  `<rect width="6" height="6" fill="${COLORS.transient}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#7a5200" stroke-width="2"/>` +
  `</pattern></defs>`;

/** Monospace text: every character is 0.6 em wide, so widths are known without a font engine. */
export const CHAR_EM = 0.6;
export const FONT = { label: 11, small: 9, tick: 10, title: 14 } as const;
export const textWidth = (text: string, px: number): number => text.length * px * CHAR_EM;

export const SVG_STYLE =
  `<style>text{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:${FONT.label}px;fill:${COLORS.text}}` +
  `.tick text,.axis-value{fill:#666;font-size:${FONT.tick}px}.title{font-size:${FONT.title}px;font-weight:bold}` +
  `.event-label,.row-summary{font-size:${FONT.small}px}.panel-title{font-size:12px;font-weight:bold}` +
  `rect.attempt:hover,rect.provisioning:hover,.event-marker:hover{stroke:#000;stroke-width:1}</style>`;

/** How a legend entry is drawn: a filled box, a line (solid or dashed), a vertical mark, a diamond. */
export type Swatch = "box" | "line" | "dashed" | "mark" | "diamond";

export interface LegendEntry {
  key: string;
  /** Short text for the legend drawn inside the SVG. */
  short: string;
  label: string;
  fill: string;
  swatch: Swatch;
  /** Only in the many-pods picture (its panels), or only with per-pod rows. */
  only?: "aggregate" | "rows";
}

export const LEGEND: readonly LegendEntry[] = [
  { key: "ok", short: "attempt ok", label: "sandbox attempt: ok", fill: COLORS.ok, swatch: "box" },
  { key: "transient", short: "failed: transient-expected", label: "sandbox attempt failed: transient-expected (branch ENI not ready yet)", fill: "url(#hatch-transient)", swatch: "box" },
  { key: "real", short: "failed: real", label: "sandbox attempt failed: real failure", fill: COLORS.real, swatch: "box" },
  { key: "pending", short: "attempt unfinished", label: "sandbox attempt still running at the end", fill: COLORS.pending, swatch: "box" },
  { key: "provisioning", short: "branch-ENI provisioning", label: "branch-ENI provisioning (scheduled -> annotation)", fill: COLORS.provisioning, swatch: "box" },
  { key: "running-mark", short: "pod running", label: "the pod's network is ready (its sandbox ran)", fill: COLORS.running, swatch: "mark" },
  { key: "warning", short: "Warning event", label: "Warning event", fill: COLORS.warning, swatch: "diamond" },
  { key: "normal", short: "Normal event", label: "Normal event", fill: COLORS.normal, swatch: "diamond" },
  { key: "running-line", short: "pods running (left axis)", label: "pods running so far (left axis)", fill: COLORS.running, swatch: "line", only: "aggregate" },
  { key: "inflight", short: "branch ENIs provisioning at once (right axis)", label: "branch ENIs being provisioned at once (dashed, right axis)", fill: COLORS.provisioning, swatch: "dashed", only: "aggregate" },
];

export function legendFor(aggregate: boolean): LegendEntry[] {
  return LEGEND.filter((l) => l.only === undefined || l.only === (aggregate ? "aggregate" : "rows"));
}

/** The swatch as SVG inside a box of w x h at (x, y). */
export function swatchSvg(l: LegendEntry, x: number, y: number, w = 12, h = 10): string {
  const mid = y + h / 2;
  switch (l.swatch) {
    case "box":
      return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${l.fill}"/>`;
    case "line":
      return `<line x1="${x}" x2="${x + w}" y1="${mid}" y2="${mid}" stroke="${l.fill}" stroke-width="2"/>`;
    case "dashed":
      return `<line x1="${x}" x2="${x + w}" y1="${mid}" y2="${mid}" stroke="${l.fill}" stroke-width="1.5" stroke-dasharray="4 2"/>`;
    case "mark":
      return `<line x1="${x + w / 2}" x2="${x + w / 2}" y1="${y}" y2="${y + h}" stroke="${l.fill}" stroke-width="2"/>`;
    case "diamond":
      return `<path d="M${x + w / 2} ${mid - 4} L${x + w / 2 + 4} ${mid} L${x + w / 2} ${mid + 4} L${x + w / 2 - 4} ${mid} Z" fill="${l.fill}"/>`;
  }
}

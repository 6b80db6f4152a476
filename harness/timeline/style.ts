// Colours, patterns and CSS shared by the SVG and HTML renderers, and the legend entries, so the
// legend always matches what the bars use.

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

export const SVG_STYLE =
  `<style>text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;fill:${COLORS.text}}` +
  `.tick text{fill:#666;font-size:10px}.label{font-size:11px}.title{font-size:14px;font-weight:bold}` +
  `.event-label{font-size:9px}.panel-title{font-size:12px;font-weight:bold}` +
  `rect.attempt:hover,rect.provisioning:hover,.event-marker:hover{stroke:#000;stroke-width:1}</style>`;

export interface LegendEntry {
  key: string;
  /** Short text for the legend drawn inside the SVG. */
  short: string;
  label: string;
  fill: string;
}

export const LEGEND: readonly LegendEntry[] = [
  { key: "ok", short: "attempt ok", label: "sandbox attempt: ok", fill: COLORS.ok },
  { key: "transient", short: "failed: transient-expected", label: "sandbox attempt failed: transient-expected (branch ENI not ready yet)", fill: "url(#hatch-transient)" },
  { key: "real", short: "failed: real", label: "sandbox attempt failed: real failure", fill: COLORS.real },
  { key: "pending", short: "attempt unfinished", label: "sandbox attempt still running at the end", fill: COLORS.pending },
  { key: "provisioning", short: "branch-ENI provisioning", label: "branch-ENI provisioning (scheduled -> annotation)", fill: COLORS.provisioning },
  { key: "warning", short: "Warning event", label: "Warning event", fill: COLORS.warning },
  { key: "normal", short: "Normal event", label: "Normal event", fill: COLORS.normal },
];
